/**
 * The `Host` check (DNS-rebinding protection) with the header values it accepted remembered. The SDK's
 * `hostHeaderValidation` parses a URL from the header on every request (about 1 % of a busy server's CPU,
 * B5); its verdict depends only on the header's text and the fixed list of names, so a value it accepted
 * once is accepted again without asking. Anything not remembered (a new value, a refused one, no header at
 * all) goes to the SDK's check, which answers a refusal itself, exactly as before.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A Node request guard: true to go on; false once it has answered the request itself. */
export type RequestGuard = (req: IncomingMessage, res: ServerResponse) => boolean;

/** At most this many accepted values are remembered (a server is reached under a few names). */
export const MAX_REMEMBERED_HOSTS = 64;

/** `check`, asked only about `Host` values it has not accepted before (up to `MAX_REMEMBERED_HOSTS` of them). */
export function rememberAcceptedHosts(check: RequestGuard): RequestGuard {
  const accepted = new Set<string>();
  return (req, res) => {
    const host = req.headers.host;
    if (host !== undefined && accepted.has(host)) return true;
    if (!check(req, res)) return false;
    if (host !== undefined && accepted.size < MAX_REMEMBERED_HOSTS) accepted.add(host);
    return true;
  };
}
