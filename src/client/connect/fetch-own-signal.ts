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
 *
 * The response is undici's own object, not a copy: its body readers (`json()`, `text()`, …) are shadowed on
 * the instance to note the end of the request, and only a caller that takes `body` as a stream (an event
 * stream) gets a stream that passes the bytes through. Re-wrapping every response in a new `Response` and
 * `ReadableStream` cost about 6 % of a busy HTTP client's CPU (B5).
 */

/** Statuses whose response has no body (the Response constructor refuses one for them). */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/** The methods that read a whole body; each is shadowed on a tracked response. */
const BODY_READERS = ['arrayBuffer', 'blob', 'bytes', 'formData', 'json', 'text'] as const;

type BodyReader = (this: Response) => Promise<unknown>;

/** `Response.prototype`'s `body` getter, to reach the real stream under the instance's own getter. */
const bodyOf = Object.getOwnPropertyDescriptor(Response.prototype, 'body')!.get! as (
  this: Response,
) => ReadableStream<Uint8Array> | null;

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
    return releasedWhenRead(response, once(release));
  };
}

function once(release: () => unknown): () => void {
  let pending = true;
  return () => {
    if (!pending) return;
    pending = false;
    release();
  };
}

/**
 * `response` itself, which calls `done` once its body has been read (whole, by a reader method, or as a
 * stream to its end), has failed, or was cancelled. A clone counts as the response: either one read ends it.
 */
function releasedWhenRead(response: Response, done: () => void): Response {
  const target = response as unknown as Record<string, unknown>;
  for (const name of BODY_READERS) {
    const read = target[name] as BodyReader | undefined;
    if (typeof read !== 'function') continue;
    target[name] = () => read.call(response).finally(done);
  }
  const clone = response.clone;
  target['clone'] = () => releasedWhenRead(clone.call(response), done);
  let stream: ReadableStream<Uint8Array> | null | undefined;
  Object.defineProperty(response, 'body', {
    configurable: true,
    enumerable: true,
    get: () => {
      if (stream === undefined) {
        const body = bodyOf.call(response);
        stream = body === null ? null : untilEnd(body, done);
      }
      return stream;
    },
  });
  return response;
}

/**
 * The same bytes as `body`; calls `done` once when it ends, fails or is cancelled. `body` is locked only at
 * the first read (no read ahead), so a caller that looks at `response.body` and then calls `json()` still can.
 */
function untilEnd(body: ReadableStream<Uint8Array>, done: () => unknown): ReadableStream<Uint8Array> {
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          reader ??= body.getReader();
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
        return reader === undefined ? body.cancel(reason) : reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
