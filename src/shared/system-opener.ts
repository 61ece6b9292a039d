/**
 * The one way this package opens an address in the system browser: which command to run on each platform
 * (never through a shell: `cmd /c start` would interpret `|`, `^`, `%` and `!` in the URL), and which
 * addresses it will open at all (https, or http to a loopback host; never file:, smb:, ms-settings: or
 * another handler a hostile server could name).
 */
import { spawn } from 'node:child_process';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Why `url` must not be handed to the system opener, or undefined when it may be. */
export function unsafeBrowserUrl(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'it is not a valid URL';
  }
  if (parsed.protocol === 'https:') return undefined;
  if (parsed.protocol === 'http:' && LOOPBACK_HOSTS.has(parsed.hostname)) return undefined;
  if (parsed.protocol === 'http:') return `it is plain http to ${parsed.hostname}, not https`;
  return `its scheme ${parsed.protocol} is not https`;
}

/** The command and argv that open `url` on `platform`; no shell is involved on any of them. */
export function openerCommand(
  url: string,
  platform: NodeJS.Platform = process.platform,
): { command: string; args: string[] } {
  if (platform === 'darwin') return { command: 'open', args: [url] };
  if (platform === 'win32') return { command: 'rundll32', args: ['url.dll,FileProtocolHandler', url] };
  return { command: 'xdg-open', args: [url] };
}

/** Starts the opener detached; resolves with the child once spawned, or undefined when it could not start. */
export function spawnOpener(
  url: string,
  platform: NodeJS.Platform = process.platform,
): Promise<ReturnType<typeof spawn> | undefined> {
  const { command, args } = openerCommand(url, platform);
  return new Promise((resolve) => {
    try {
      const child = spawn(command, args, { stdio: 'ignore', detached: true });
      child.once('error', () => resolve(undefined));
      child.once('spawn', () => resolve(child));
    } catch {
      resolve(undefined);
    }
  });
}
