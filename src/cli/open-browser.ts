/**
 * Opens an address in the system browser (`open` on macOS, `start` on Windows, `xdg-open` elsewhere), for
 * URL-mode elicitations. Says whether it could: with no desktop (no DISPLAY on Linux) or no opener, the
 * caller prints the address instead.
 */
import { spawn } from 'node:child_process';

/** How long an opener may take before it counts as having opened the page (a browser may stay in front). */
const OPENER_WAIT_MS = 3000;

/** True when the page was handed to a browser; false when there is no way to open one here. */
export function openInBrowser(url: string, platform: NodeJS.Platform = process.platform): Promise<boolean> {
  const env = process.env;
  if (platform === 'linux' && !env['DISPLAY'] && !env['WAYLAND_DISPLAY']) return Promise.resolve(false);
  const [command, args] =
    platform === 'darwin'
      ? ['open', [url]]
      : platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url.replace(/&/g, '^&')]]
        : ['xdg-open', [url]];
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    const timer = setTimeout(() => {
      child.unref();
      resolve(true);
    }, OPENER_WAIT_MS);
    timer.unref();
    child.once('error', () => {
      clearTimeout(timer);
      resolve(false);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code === 0);
    });
  });
}
