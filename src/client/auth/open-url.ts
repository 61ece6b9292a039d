/**
 * How the authorization URL reaches a person (or not): the system browser with the URL also printed, the
 * URL printed only, a headless user agent (for the conformance suite, whose test authorization server
 * approves at once and redirects), or a refusal when nobody can be asked. Each is an `OpenAuthorizationUrl`.
 */
import { spawnOpener, unsafeBrowserUrl } from '../../shared/system-opener.js';

/**
 * Shows `url` to whoever signs in; resolves once it was handed over (not once sign-in finished). One that
 * never shows it (`refuses`) needs no loopback listener.
 */
export type OpenAuthorizationUrl = ((url: URL) => Promise<void>) & { readonly refuses?: true };

/** Thrown when the server wants a sign-in and no person can be asked: the message says what to run. */
export class LoginRequiredError extends Error {
  override readonly name = 'LoginRequiredError';
}

/** The message of a sign-in that nobody can do here. */
export function loginRequiredMessage(serverUrl: string, why = 'it requires OAuth authorization'): string {
  return `cannot use the server ${serverUrl}: ${why}; sign in with: mcp-sampling auth login ${serverUrl}`;
}

/** Refuses: no terminal, so no person who could sign in. `why` says what is missing, at the moment it is. */
export function refuseToOpen(serverUrl: string, why?: () => string): OpenAuthorizationUrl {
  const refuse = async () => {
    throw new LoginRequiredError(loginRequiredMessage(serverUrl, why?.()));
  };
  return Object.assign(refuse, { refuses: true as const });
}

/** Thrown for an authorization URL that is neither https nor http to a loopback host. */
export class UnsafeAuthorizationUrlError extends Error {
  override readonly name = 'UnsafeAuthorizationUrlError';
}

/**
 * Refuses an authorization URL a person should not be sent to. It comes from the authorization server's
 * metadata, so a hostile server could name file:, smb: or ms-settings: and have the opener launch them.
 */
function checkAuthorizationUrl(url: URL): void {
  const why = unsafeBrowserUrl(url.href);
  if (why !== undefined) {
    throw new UnsafeAuthorizationUrlError(
      `refusing to open the authorization URL ${JSON.stringify(url.href.slice(0, 200))}: ${why}`,
    );
  }
}

/** Prints the URL (to stderr by default) for a person to open; refuses one that is not https (or loopback http). */
export function printUrl(write: (line: string) => void = (line) => process.stderr.write(line)): OpenAuthorizationUrl {
  return async (url) => {
    checkAuthorizationUrl(url);
    write(`mcp-sampling: open this URL in a browser to sign in:\n  ${url.href}\n`);
  };
}

/**
 * Opens the system browser and prints the URL too (the browser may open on another screen, or not at all:
 * a machine without a desktop has no `xdg-open`, and then the printed URL is the way). Refuses, and opens
 * nothing, for a URL that is not https (or http to a loopback host).
 */
export function openInBrowser(write?: (line: string) => void): OpenAuthorizationUrl {
  const print = printUrl(write);
  return async (url) => {
    await print(url);
    const child = await spawnOpener(url.href);
    child?.unref();
  };
}

/**
 * A user agent with nobody in front of it: fetches the authorization URL, expects the authorization server
 * to approve at once with a redirect (as the conformance suite's test server does), and follows that
 * redirect to the loopback listener, which then has the callback. Redirects to anywhere but 127.0.0.1 or
 * localhost are refused.
 */
export function followRedirectHeadless(fetchFn: typeof fetch = fetch): OpenAuthorizationUrl {
  return async (url) => {
    const response = await fetchFn(url, { redirect: 'manual' });
    await response.body?.cancel().catch(() => {});
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || location === null) {
      throw new Error(`the authorization endpoint answered ${response.status} instead of redirecting back`);
    }
    const target = new URL(location, url);
    if (target.protocol !== 'http:' || !['127.0.0.1', 'localhost'].includes(target.hostname)) {
      throw new Error(`the authorization endpoint redirected to ${target.origin}, not to the loopback listener`);
    }
    const callback = await fetchFn(target, { redirect: 'manual' });
    await callback.body?.cancel().catch(() => {});
  };
}
