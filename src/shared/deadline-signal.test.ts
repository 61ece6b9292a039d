import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { describe, expect, it } from 'vitest';

import { deadlineSignal } from './deadline-signal.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Waits for `signal` to abort, collecting garbage every few ms; undefined if it has not aborted within `ms`. */
async function abortedWithin(signal: AbortSignal, ms: number): Promise<unknown> {
  return new Promise((resolve) => {
    const collect = setInterval(gc, 5);
    const give = setTimeout(() => {
      clearInterval(collect);
      resolve(undefined);
    }, ms);
    signal.addEventListener('abort', () => {
      clearInterval(collect);
      clearTimeout(give);
      resolve(signal.reason);
    });
  });
}

describe('deadlineSignal', () => {
  it('times out with a TimeoutError although garbage is collected while it waits', async () => {
    // Build it in a function of its own, so that only the returned signal is still referred to.
    const make = () => deadlineSignal(new AbortController().signal, 40).signal;
    const reason = await abortedWithin(make(), 2000);
    expect(reason).toBeInstanceOf(DOMException);
    expect((reason as DOMException).name).toBe('TimeoutError');
  });

  it('aborts with the outer signal’s reason first, and clear() stops the deadline', async () => {
    const outer = new AbortController();
    const { signal, clear } = deadlineSignal(outer.signal, 10_000);
    const why = new Error('cancelled');
    outer.abort(why);
    clear();
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe(why);

    const cleared = deadlineSignal(new AbortController().signal, 30);
    cleared.clear();
    expect(await abortedWithin(cleared.signal, 150)).toBeUndefined();
  });
});
