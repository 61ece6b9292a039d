import { beforeEach, describe, expect, it, vi } from 'vitest';

import type * as SystemOpener from '../../shared/system-opener.js';

const spawned: string[] = [];
vi.mock('../../shared/system-opener.js', async (importOriginal) => {
  const actual = await importOriginal<typeof SystemOpener>();
  return {
    ...actual,
    spawnOpener: async (url: string) => {
      spawned.push(url);
      return undefined;
    },
  };
});

const { openInBrowser, printUrl, UnsafeAuthorizationUrlError } = await import('./open-url.js');

beforeEach(() => {
  spawned.length = 0;
});

describe('the authorization URL a server names', () => {
  const hostile = [
    'file:///C:/Windows/System32/calc.exe',
    'smb://attacker.example/share',
    'ms-settings:privacy',
    'http://attacker.example/authorize',
  ];

  it.each(hostile)('is neither opened nor printed when it is %s', async (href) => {
    const lines: string[] = [];
    const open = openInBrowser((line) => lines.push(line));
    await expect(open(new URL(href))).rejects.toBeInstanceOf(UnsafeAuthorizationUrlError);
    await expect(printUrl((line) => lines.push(line))(new URL(href))).rejects.toThrow(/refusing to open/);
    expect(spawned).toEqual([]);
    expect(lines).toEqual([]);
  });

  it('is opened and printed when it is https, or http to a loopback host', async () => {
    const lines: string[] = [];
    const open = openInBrowser((line) => lines.push(line));
    await open(new URL('https://as.example/authorize?x=1'));
    await open(new URL('http://127.0.0.1:9/authorize'));
    expect(spawned).toEqual(['https://as.example/authorize?x=1', 'http://127.0.0.1:9/authorize']);
    expect(lines.join('')).toContain('https://as.example/authorize?x=1');
  });

  it('refuses in one line that names the scheme', async () => {
    const error = await printUrl(() => {})(new URL('file:///etc/passwd')).catch((e: unknown) => e);
    expect(String((error as Error).message)).toMatch(/^refusing to open the authorization URL .*file: is not https$/);
    expect((error as Error).message).not.toContain('\n');
  });
});
