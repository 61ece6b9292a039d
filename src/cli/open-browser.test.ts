import { afterEach, describe, expect, it, vi } from 'vitest';

import type * as SystemOpener from '../shared/system-opener.js';

import { openInBrowser } from './open-browser.js';

afterEach(() => vi.unstubAllEnvs());

describe('openInBrowser', () => {
  it('says it cannot open a page on Linux without a desktop (no DISPLAY, no Wayland)', async () => {
    vi.stubEnv('DISPLAY', '');
    vi.stubEnv('WAYLAND_DISPLAY', '');
    expect(await openInBrowser('https://example.org/', 'linux')).toBe(false);
  });

  it('says it cannot when the opener does not exist', async () => {
    vi.stubEnv('DISPLAY', ':99');
    vi.stubEnv('PATH', '/nonexistent');
    expect(await openInBrowser('https://example.org/', 'linux')).toBe(false);
  });
});

describe('openInBrowser on Windows', () => {
  it('never goes through cmd: the URL with | ^ % ! reaches rundll32 as one argument', async () => {
    vi.resetModules();
    const calls: { url: string; platform: string }[] = [];
    vi.doMock('../shared/system-opener.js', async (importOriginal) => ({
      ...(await importOriginal<typeof SystemOpener>()),
      spawnOpener: async (url: string, platform: string) => {
        calls.push({ url, platform });
        return undefined;
      },
    }));
    const { openInBrowser: open } = await import('./open-browser.js');
    const { openerCommand } = await import('../shared/system-opener.js');
    const url = 'https://example.org/?q=a|calc^%PATH%!x!&b=1';
    expect(await open(url, 'win32')).toBe(false);
    expect(calls).toEqual([{ url, platform: 'win32' }]);
    expect(openerCommand(url, 'win32')).toEqual({ command: 'rundll32', args: ['url.dll,FileProtocolHandler', url] });
    vi.doUnmock('../shared/system-opener.js');
  });

  it('refuses an address that is not http(s)', async () => {
    vi.stubEnv('DISPLAY', ':99');
    expect(await openInBrowser('file:///etc/passwd', 'linux')).toBe(false);
  });
});
