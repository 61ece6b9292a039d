/**
 * Opens an address in the system browser (`open` on macOS, `rundll32 url.dll,FileProtocolHandler` on
 * Windows, `xdg-open` elsewhere; never through a shell), for URL-mode elicitations. Says whether it could:
 * with no desktop (no DISPLAY on Linux), no opener, or an address that is not http(s), the caller prints
 * the address instead.
 */
import { spawnOpener } from '../shared/system-opener.js';

/** How long an opener may take before it counts as having opened the page (a browser may stay in front). */
const OPENER_WAIT_MS = 3000;

/** True when the page was handed to a browser; false when there is no way to open one here. */
export async function openInBrowser(url: string, platform: NodeJS.Platform = process.platform): Promise<boolean> {
  const env = process.env;
  if (platform === 'linux' && !env['DISPLAY'] && !env['WAYLAND_DISPLAY']) return false;
  if (!URL.canParse(url) || !['http:', 'https:'].includes(new URL(url).protocol)) return false;
  const child = await spawnOpener(url, platform);
  if (child === undefined) return false;
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.unref();
      resolve(true);
    }, OPENER_WAIT_MS);
    timer.unref();
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code === 0);
    });
  });
}
