/**
 * A fetch for the SDK's Streamable HTTP client transport that gives every request a signal of its own.
 *
 * The transport hands each POST the same long-lived signal (its own AbortController's). Node's fetch
 * (undici) adds an abort listener to that signal per request and removes it only when the request object
 * is garbage-collected, so a long document's thousands of POSTs (one per sampling answer on the 2025 era)
 * pile up listeners on one signal: a leak until the next full GC, and a `MaxListenersExceededWarning` line
 * per request past 1500. Here undici listens to a per-request signal instead. The caller's signal gets one
 * listener in all, which aborts the requests in flight; a request leaves that set as soon as it is over (it
 * failed, or its response body was read to the end or cancelled). Closing the transport still aborts every
 * request and stream in flight.
 */

/** Statuses whose response has no body (the Response constructor refuses one for them). */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/** Per caller signal: the requests in flight, aborted together by the signal's one listener. */
const inFlight = new WeakMap<AbortSignal, Set<AbortController>>();

function track(outer: AbortSignal): { own: AbortController; release: () => void } {
  let group = inFlight.get(outer);
  if (group === undefined) {
    const members = new Set<AbortController>();
    group = members;
    inFlight.set(outer, members);
    outer.addEventListener(
      'abort',
      () => {
        for (const controller of members) controller.abort(outer.reason);
        members.clear();
      },
      { once: true },
    );
  }
  const members = group;
  const own = new AbortController();
  members.add(own);
  return { own, release: () => members.delete(own) };
}

/** Wraps `base` so that requests never add listeners to the caller's signal (one listener in all). */
export function fetchWithOwnSignal(base: typeof fetch): typeof fetch {
  return async (input, init) => {
    const outer = init?.signal ?? undefined;
    if (outer === undefined || outer.aborted) return base(input, init);
    const { own, release } = track(outer);
    let response: Response;
    try {
      response = await base(input, { ...init, signal: own.signal });
    } catch (error) {
      release();
      throw error;
    }
    if (response.body === null || NULL_BODY_STATUSES.has(response.status)) {
      release();
      return response;
    }
    return new Response(untilEnd(response.body, release), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}

/** The same bytes as `body`; calls `done` once when it ends, fails or is cancelled. */
function untilEnd(body: ReadableStream<Uint8Array>, done: () => unknown): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await reader.read();
        if (next.done) {
          done();
          controller.close();
        } else {
          controller.enqueue(next.value);
        }
      } catch (error) {
        done();
        controller.error(error);
      }
    },
    cancel(reason) {
      done();
      return reader.cancel(reason);
    },
  });
}
