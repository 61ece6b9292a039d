import { describe, expect, it } from 'vitest';

import { openerCommand, unsafeBrowserUrl } from './system-opener.js';

describe('unsafeBrowserUrl', () => {
  it('allows https and loopback http', () => {
    expect(unsafeBrowserUrl('https://example.org/a?b=c')).toBeUndefined();
    expect(unsafeBrowserUrl('http://127.0.0.1:7077/')).toBeUndefined();
    expect(unsafeBrowserUrl('http://localhost:1/')).toBeUndefined();
    expect(unsafeBrowserUrl('http://[::1]:1/')).toBeUndefined();
  });

  it('refuses other schemes, remote http and non-URLs', () => {
    expect(unsafeBrowserUrl('file:///C:/Windows/System32/calc.exe')).toMatch(/file:/);
    expect(unsafeBrowserUrl('smb://host/share')).toMatch(/smb:/);
    expect(unsafeBrowserUrl('ms-settings:')).toMatch(/ms-settings:/);
    expect(unsafeBrowserUrl('http://example.org/')).toMatch(/plain http/);
    expect(unsafeBrowserUrl('not a url')).toMatch(/not a valid URL/);
  });
});

describe('openerCommand', () => {
  const url = 'https://example.org/?a=1&b=2|calc^%PATH%!x!';

  it('on Windows hands the URL to rundll32 as one argument, never to cmd', () => {
    const { command, args } = openerCommand(url, 'win32');
    expect(command).toBe('rundll32');
    expect(args).toEqual(['url.dll,FileProtocolHandler', url]);
  });

  it('on macOS and Linux passes the URL unchanged as one argument', () => {
    expect(openerCommand(url, 'darwin')).toEqual({ command: 'open', args: [url] });
    expect(openerCommand(url, 'linux')).toEqual({ command: 'xdg-open', args: [url] });
  });
});
