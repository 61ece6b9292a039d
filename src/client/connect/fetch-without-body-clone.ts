/**
 * A fetch for the SDK's Streamable HTTP client transport that sends a string body without undici's clone of
 * the request.
 *
 * Node's fetch (undici) clones the request unless its redirect mode is "error", so that it could re-send the
 * body on a redirect: it tees the body stream, and a byte stream's tee copies every chunk. A string body is
 * encoded as one chunk, so a 50 MB `tools/call` (a 2026-era round re-sends the whole `document_text`) held
 * the string, its UTF-8 bytes and their copy until the request was over; and for the small bodies of a busy
 * client (B5: 50 clients, two POSTs per call) the clone and the tee's reads cost about 50 µs of CPU per POST,
 * 3-4 % of its CPU per call. The SDK's transport asks for redirect "manual" and follows same-origin redirects
 * itself, so every string body is sent here with redirect "error" (no clone); when the server does answer
 * with a redirect, the request is sent again as the caller asked (a string can be sent twice), and the
 * caller gets the redirect response it would have had. Other bodies (bytes, streams) and requests that
 * already ask for "error" go through unchanged.
 */

/** undici's failure for a redirect response to a request whose redirect mode is "error". */
function isUnexpectedRedirect(error: unknown): boolean {
  return error instanceof TypeError && error.cause instanceof Error && error.cause.message === 'unexpected redirect';
}

/** Wraps `base` so that a string body is not cloned (and a large one copied) for a redirect that rarely comes. */
export function fetchWithoutBodyClone(base: typeof fetch): typeof fetch {
  return async (input, init) => {
    const body = init?.body;
    if (typeof body !== 'string' || init?.redirect === 'error') {
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
