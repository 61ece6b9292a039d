import { afterEach, describe, expect, it, vi } from 'vitest';

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
