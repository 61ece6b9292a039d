import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { RateLimitError, createRateLimiter } from './rate-limiter.js';

/** Follows a promise without awaiting it: whether it has settled yet, and how. */
function track<T>(promise: Promise<T>) {
  const state: { settled: boolean; value?: T; error?: unknown } = { settled: false };
  promise.then(
    (value) => {
      state.settled = true;
      state.value = value;
    },
    (error: unknown) => {
      state.settled = true;
      state.error = error;
    },
  );
  return state;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2025-06-01T12:00:00Z'));
});

afterEach(() => {
  vi.useRealTimers();
});

describe('createRateLimiter: reject mode', () => {
  it('grants requests up to the limit at once', async () => {
    const limiter = createRateLimiter({ requestsPerMinute: 3, onLimit: 'reject' });
    for (let i = 0; i < 3; i++) expect(await limiter.acquire(100)).toEqual({ waitedMs: 0 });
  });

  it('rejects the request over the limit with a one-line message and retryAfterMs', async () => {
    const limiter = createRateLimiter({ requestsPerMinute: 30, onLimit: 'reject' });
    await limiter.acquire(10);
    await vi.advanceTimersByTimeAsync(48_000);
    for (let i = 0; i < 29; i++) await limiter.acquire(10);

    const error = await rejection(limiter.acquire(10));
    expect(error).toBeInstanceOf(RateLimitError);
    const limitError = error as RateLimitError;
    expect(limitError.name).toBe('RateLimitError');
    expect(limitError.message).toBe('rate limit: 30 requests per minute for this server reached; retry in 12 s');
    expect(limitError.retryAfterMs).toBe(12_000);

    // Exactly when the oldest request leaves the window, there is room again.
    await vi.advanceTimersByTimeAsync(11_999);
    await expect(limiter.acquire(10)).rejects.toMatchObject({ retryAfterMs: 1 });
    await vi.advanceTimersByTimeAsync(1);
    await expect(limiter.acquire(10)).resolves.toEqual({ waitedMs: 0 });
  });

  it('says "1 request" in the singular and rounds the retry up to whole seconds', async () => {
    const limiter = createRateLimiter({ requestsPerMinute: 1, onLimit: 'reject' });
    await limiter.acquire(0);
    await vi.advanceTimersByTimeAsync(59_500);
    await expect(limiter.acquire(0)).rejects.toThrow(
      'rate limit: 1 request per minute for this server reached; retry in 1 s',
    );
  });

  it('limits tokens per minute over a sliding window', async () => {
    const limiter = createRateLimiter({ tokensPerMinute: 10_000, onLimit: 'reject' });
    await limiter.acquire(6000); // t = 0
    await vi.advanceTimersByTimeAsync(20_000);
    await limiter.acquire(3000); // t = 20 s; 9,000 in the window
    await limiter.acquire(1000); // exactly 10,000: allowed

    const error = (await rejection(limiter.acquire(1))) as RateLimitError;
    expect(error.message).toBe('rate limit: 10,000 tokens per minute for this server reached; retry in 40 s');
    expect(error.retryAfterMs).toBe(40_000);

    // At t = 60 s the 6,000 have left: 4,000 remain, so 6,000 fit and 6,001 wait for the 3,000 (t = 80 s).
    await vi.advanceTimersByTimeAsync(40_000);
    await expect(limiter.acquire(6001)).rejects.toMatchObject({ retryAfterMs: 20_000 });
    await expect(limiter.acquire(6000)).resolves.toEqual({ waitedMs: 0 });
  });

  it('reports the limit that holds the request back longest when both are reached', async () => {
    const limiter = createRateLimiter({ requestsPerMinute: 2, tokensPerMinute: 1000, onLimit: 'reject' });
    await limiter.acquire(900); // t = 0
    await vi.advanceTimersByTimeAsync(30_000);
    await limiter.acquire(50); // t = 30 s: 2 requests, 950 tokens
    // A request slot frees at t = 60 s (in 30 s); 960 tokens need both reservations gone (t = 90 s, in 60 s).
    await expect(limiter.acquire(960)).rejects.toMatchObject({
      message: 'rate limit: 1,000 tokens per minute for this server reached; retry in 60 s',
      retryAfterMs: 60_000,
    });
    await expect(limiter.acquire(10)).rejects.toMatchObject({
      message: 'rate limit: 2 requests per minute for this server reached; retry in 30 s',
      retryAfterMs: 30_000,
    });
  });

  it('does not limit anything without limits', async () => {
    const limiter = createRateLimiter({ onLimit: 'reject' });
    for (let i = 0; i < 1000; i++) await limiter.acquire(1_000_000);
  });
});

describe('createRateLimiter: oversize requests', () => {
  it.each(['reject', 'wait'] as const)('rejects a request larger than tokensPerMinute at once (%s)', async (mode) => {
    const limiter = createRateLimiter({ tokensPerMinute: 8000, onLimit: mode });
    const error = (await rejection(limiter.acquire(12_000))) as RateLimitError;
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.retryAfterMs).toBeUndefined();
    expect(error.message).toBe(
      'rate limit: this request needs about 12,000 tokens but this server may use only 8,000 tokens per minute; ' +
        'lower maxTokens or raise rateLimit.tokensPerMinute',
    );
    expect(vi.getTimerCount()).toBe(0);
    // Nothing was reserved: the whole minute's tokens are still there.
    await expect(limiter.acquire(8000)).resolves.toEqual({ waitedMs: 0 });
  });

  it('rejects bad token counts and bad limits', async () => {
    expect(() => createRateLimiter({ requestsPerMinute: 0, onLimit: 'wait' })).toThrow(RangeError);
    const limiter = createRateLimiter({ tokensPerMinute: 10, onLimit: 'wait' });
    await expect(limiter.acquire(-1)).rejects.toThrow(RangeError);
    await expect(limiter.acquire(Number.NaN)).rejects.toThrow(RangeError);
  });
});

describe('createRateLimiter: wait mode', () => {
  it('waits exactly until the oldest request leaves the window', async () => {
    const limiter = createRateLimiter({ requestsPerMinute: 2, onLimit: 'wait' });
    await limiter.acquire(0); // t = 0
    await vi.advanceTimersByTimeAsync(10_000);
    await limiter.acquire(0); // t = 10 s
    await vi.advanceTimersByTimeAsync(10_000);

    const third = track(limiter.acquire(0)); // t = 20 s: must wait for t = 60 s
    await vi.advanceTimersByTimeAsync(39_999);
    expect(third.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(third).toEqual({ settled: true, value: { waitedMs: 40_000 } });

    // The second request leaves at t = 70 s.
    const fourth = track(limiter.acquire(0));
    await vi.advanceTimersByTimeAsync(9_999);
    expect(fourth.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(fourth.value).toEqual({ waitedMs: 10_000 });
  });

  it('waits for enough tokens to leave the window', async () => {
    const limiter = createRateLimiter({ tokensPerMinute: 1000, onLimit: 'wait' });
    await limiter.acquire(400); // t = 0
    await vi.advanceTimersByTimeAsync(15_000);
    await limiter.acquire(400); // t = 15 s
    await vi.advanceTimersByTimeAsync(15_000);

    const big = track(limiter.acquire(700)); // t = 30 s: 800 + 700 > 1000; both must go: t = 75 s
    await vi.advanceTimersByTimeAsync(30_000);
    expect(big.settled).toBe(false); // t = 60 s: 400 + 700 still > 1000
    await vi.advanceTimersByTimeAsync(14_999);
    expect(big.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(big.value).toEqual({ waitedMs: 45_000 });
  });

  it('serves waiting requests first in, first out, even when a later one would fit sooner', async () => {
    const limiter = createRateLimiter({ tokensPerMinute: 100, onLimit: 'wait' });
    await limiter.acquire(60); // t = 0
    await vi.advanceTimersByTimeAsync(30_000);
    await limiter.acquire(30); // t = 30 s

    const order: string[] = [];
    const first = limiter.acquire(50).then((r) => order.push(`first ${r.waitedMs}`)); // needs the 60 gone: t = 60 s
    const second = limiter.acquire(5).then((r) => order.push(`second ${r.waitedMs}`)); // would fit now (95)
    const third = limiter.acquire(40).then((r) => order.push(`third ${r.waitedMs}`)); // 30 + 50 + 5 + 40: t = 90 s

    await vi.advanceTimersByTimeAsync(29_999);
    expect(order).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(order).toEqual(['first 30000', 'second 30000']);
    await vi.advanceTimersByTimeAsync(30_000);
    await Promise.all([first, second, third]);
    expect(order).toEqual(['first 30000', 'second 30000', 'third 60000']);
  });

  it('an abort while waiting rejects with the reason and takes nothing from the others', async () => {
    const limiter = createRateLimiter({ requestsPerMinute: 1, onLimit: 'wait' });
    await limiter.acquire(0); // t = 0: the window is full until t = 60 s

    const controller = new AbortController();
    const aborted = track(limiter.acquire(0, controller.signal));
    const next = track(limiter.acquire(0));
    await vi.advanceTimersByTimeAsync(10_000);

    const reason = new Error('the server cancelled the request');
    controller.abort(reason);
    await vi.advanceTimersByTimeAsync(0);
    expect(aborted).toEqual({ settled: true, error: reason });
    // The abort did not free the slot of the request already granted...
    expect(next.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(49_999);
    expect(next.settled).toBe(false);
    // ...and reserved nothing: the next request gets the slot the aborted one was waiting for.
    await vi.advanceTimersByTimeAsync(1);
    expect(next.value).toEqual({ waitedMs: 60_000 });
  });

  it('an abort of a request behind the first one leaves the queue in order', async () => {
    const limiter = createRateLimiter({ requestsPerMinute: 1, onLimit: 'wait' });
    await limiter.acquire(0);
    const controller = new AbortController();
    const head = track(limiter.acquire(0));
    const middle = track(limiter.acquire(0, controller.signal));
    const tail = track(limiter.acquire(0));
    controller.abort();
    await vi.advanceTimersByTimeAsync(0);
    expect(middle.error).toBeInstanceOf(DOMException);
    expect((middle.error as DOMException).name).toBe('AbortError');

    await vi.advanceTimersByTimeAsync(60_000);
    expect(head.value).toEqual({ waitedMs: 60_000 });
    expect(tail.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(tail.value).toEqual({ waitedMs: 120_000 });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects at once with an already aborted signal, reserving nothing', async () => {
    const limiter = createRateLimiter({ requestsPerMinute: 1, onLimit: 'wait' });
    const reason = new Error('gone');
    await expect(limiter.acquire(0, AbortSignal.abort(reason))).rejects.toBe(reason);
    await expect(limiter.acquire(0)).resolves.toEqual({ waitedMs: 0 });
  });

  it('uses an injected clock and sleep', async () => {
    let clock = 1_000_000;
    const sleeps: number[] = [];
    const limiter = createRateLimiter({
      requestsPerMinute: 1,
      onLimit: 'wait',
      now: () => clock,
      sleep: async (ms) => {
        sleeps.push(ms);
        clock += ms;
      },
    });
    await limiter.acquire(0);
    clock += 25_000;
    expect(await limiter.acquire(0)).toEqual({ waitedMs: 35_000 });
    expect(sleeps).toEqual([35_000]);
  });
});
