/**
 * A fetch for the SDK's Streamable HTTP client transport that sends a large string body with one copy of
 * its bytes instead of two.
 *
 * Node's fetch (undici) clones the request unless its redirect mode is "error", so that it could re-send the
 * body on a redirect: it tees the body stream, and a byte stream's tee copies every chunk. A string body is
 * encoded as one chunk, so a 50 MB `tools/call` (a 2026-era round re-sends the whole `document_text`) held
 * the string, its UTF-8 bytes and their copy until the request was over. The SDK's transport asks for
 * redirect "manual" and follows same-origin redirects itself, so a large body is sent here with redirect
 * "error" (no clone); when the server does answer with a redirect, the request is sent again as the caller
 * asked, and the caller gets the redirect response it would have had. Bodies under `LARGE_BODY_CHARS`, and
 * every other request, go through unchanged.
 */

/** A string body from this many UTF-16 code units on is sent without undici's clone (1 Mi). */
export const LARGE_BODY_CHARS = 1 << 20;

/** undici's failure for a redirect response to a request whose redirect mode is "error". */
function isUnexpectedRedirect(error: unknown): boolean {
  return error instanceof TypeError && error.cause instanceof Error && error.cause.message === 'unexpected redirect';
}

/** Wraps `base` so that a large string body is not copied a second time for a redirect that rarely comes. */
export function fetchWithoutBodyClone(base: typeof fetch): typeof fetch {
  return async (input, init) => {
    const body = init?.body;
    if (typeof body !== 'string' || body.length < LARGE_BODY_CHARS || init?.redirect === 'error') {
      return base(input, init);
    }
    try {
      return await base(input, { ...init, redirect: 'error' });
    } catch (error) {
      if (!isUnexpectedRedirect(error) || init?.signal?.aborted === true) throw error;
      return base(input, init);
    }
  };
}
