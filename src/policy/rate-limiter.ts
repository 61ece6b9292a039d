/**
 * A sliding-window rate limiter for one server: at most `requestsPerMinute` requests and
 * `tokensPerMinute` tokens in any 60 seconds. Each `acquire` reserves one request and its tokens at the
 * moment it is granted; a reservation counts until 60 s after it was made. Over the limit, `reject`
 * throws a `RateLimitError` at once and `wait` queues the request (first in, first out) until the window
 * allows it. The clock and the sleep are injectable; the default sleep uses `setTimeout`, so fake timers
 * drive it in tests.
 */

export const RATE_WINDOW_MS = 60_000;

export class RateLimitError extends Error {
  override readonly name = 'RateLimitError';

  /**
   * How long until the same request would be allowed; `undefined` when waiting cannot help (the request
   * alone is larger than the per-minute token limit).
   */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, retryAfterMs: number | undefined) {
    super(message);
    this.retryAfterMs = retryAfterMs;
  }
}

export interface RateLimiterOptions {
  requestsPerMinute?: number | undefined;
  tokensPerMinute?: number | undefined;
  onLimit: 'wait' | 'reject';
  /** Milliseconds; default `Date.now`. */
  now?: () => number;
  /** Resolves after `ms`, rejects with the signal's reason when it aborts; default: `setTimeout`. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface RateLimiter {
  /**
   * Reserves one request and `tokens` tokens. Resolves once reserved, with how long it waited; rejects
   * with a `RateLimitError`, or with the signal's reason when aborted before the reservation (in which
   * case nothing is reserved).
   */
  acquire(tokens: number, signal?: AbortSignal): Promise<{ waitedMs: number }>;
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

function checkLimit(name: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
    throw new RangeError(`${name} must be a positive number (got ${value})`);
  }
}

interface Entry {
  at: number;
  tokens: number;
}

interface Waiter {
  tokens: number;
  signal: AbortSignal | undefined;
  since: number;
  resolve(value: { waitedMs: number }): void;
  reject(reason: unknown): void;
  detach(): void;
}

/** How long until a request fits, and which limit holds it back. */
interface Delay {
  ms: number;
  limit: 'requests' | 'tokens';
}

/**
 * The rate limiter: one closure of about 140 lines because the window's entries, the queue of waiting
 * requests and the timer that wakes them share state; each inner function is short.
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { requestsPerMinute: rpm, tokensPerMinute: tpm, onLimit } = options;
  checkLimit('requestsPerMinute', rpm);
  checkLimit('tokensPerMinute', tpm);
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;

  /** Reservations still inside the window, oldest first. */
  const entries: Entry[] = [];
  let tokensInWindow = 0;
  const queue: Waiter[] = [];
  let pumping = false;

  function prune(t: number): void {
    while (entries.length > 0 && entries[0]!.at + RATE_WINDOW_MS <= t) {
      tokensInWindow -= entries.shift()!.tokens;
    }
  }

  /** `undefined` when a request of `tokens` fits now. */
  function delayFor(tokens: number, t: number): Delay | undefined {
    prune(t);
    let delay: Delay | undefined;
    if (rpm !== undefined && entries.length >= rpm) {
      // The window must lose enough of its oldest entries to leave room for one more.
      const leaving = entries[entries.length - rpm]!;
      delay = { ms: leaving.at + RATE_WINDOW_MS - t, limit: 'requests' };
    }
    if (tpm !== undefined && tokensInWindow + tokens > tpm) {
      const excess = tokensInWindow + tokens - tpm;
      let freed = 0;
      for (const entry of entries) {
        freed += entry.tokens;
        if (freed >= excess) {
          const ms = entry.at + RATE_WINDOW_MS - t;
          if (delay === undefined || ms > delay.ms) delay = { ms, limit: 'tokens' };
          break;
        }
      }
    }
    return delay;
  }

  function reserve(tokens: number, t: number): void {
    if (rpm === undefined && tpm === undefined) return;
    entries.push({ at: t, tokens });
    tokensInWindow += tokens;
  }

  function limitError(delay: Delay): RateLimitError {
    const seconds = Math.max(1, Math.ceil(delay.ms / 1000));
    const what =
      delay.limit === 'requests'
        ? `${integer.format(rpm!)} ${rpm === 1 ? 'request' : 'requests'}`
        : `${integer.format(tpm!)} tokens`;
    return new RateLimitError(
      `rate limit: ${what} per minute for this server reached; retry in ${seconds} s`,
      delay.ms,
    );
  }

  async function pump(): Promise<void> {
    if (pumping) return;
    pumping = true;
    try {
      while (queue.length > 0) {
        const head = queue[0]!;
        const t = now();
        const delay = delayFor(head.tokens, t);
        if (delay === undefined) {
          queue.shift();
          head.detach();
          reserve(head.tokens, t);
          head.resolve({ waitedMs: t - head.since });
          continue;
        }
        try {
          await sleep(delay.ms, head.signal);
        } catch (error) {
          // An abort has already taken the head out of the queue (see `acquire`); anything else fails it.
          if (queue[0] === head) {
            queue.shift();
            head.detach();
            head.reject(error);
          }
        }
      }
    } finally {
      pumping = false;
    }
  }

  function acquire(tokens: number, signal?: AbortSignal): Promise<{ waitedMs: number }> {
    if (!(Number.isFinite(tokens) && tokens >= 0)) {
      return Promise.reject(new RangeError(`tokens must be a non-negative number (got ${tokens})`));
    }
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (tpm !== undefined && tokens > tpm) {
      return Promise.reject(
        new RateLimitError(
          `rate limit: this request needs about ${integer.format(tokens)} tokens but this server may use only ` +
            `${integer.format(tpm)} tokens per minute; lower maxTokens or raise rateLimit.tokensPerMinute`,
          undefined,
        ),
      );
    }

    const t = now();
    if (queue.length === 0) {
      const delay = delayFor(tokens, t);
      if (delay === undefined) {
        reserve(tokens, t);
        return Promise.resolve({ waitedMs: 0 });
      }
      if (onLimit === 'reject') return Promise.reject(limitError(delay));
    }

    return new Promise<{ waitedMs: number }>((resolve, reject) => {
      const onAbort = (): void => {
        const index = queue.indexOf(waiter);
        if (index < 0) return;
        queue.splice(index, 1);
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        tokens,
        signal,
        since: t,
        resolve,
        reject,
        detach: () => signal?.removeEventListener('abort', onAbort),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      queue.push(waiter);
      void pump();
    });
  }

  return { acquire };
}
