import { describe, expect, it } from 'vitest';

import { createSemaphore } from './semaphore.js';

describe('createSemaphore', () => {
  it('lets at most `limit` holders in, and serves waiters first come, first served', async () => {
    const semaphore = createSemaphore(2);
    const order: number[] = [];
    const releases = await Promise.all([semaphore.acquire(), semaphore.acquire()]);
    const third = semaphore.acquire().then((release) => (order.push(3), release));
    const fourth = semaphore.acquire().then((release) => (order.push(4), release));
    await Promise.resolve();
    expect(order).toEqual([]);
    releases[0]!();
    releases[0]!(); // a second call frees nothing more
    await third;
    expect(order).toEqual([3]);
    releases[1]!();
    await fourth;
    expect(order).toEqual([3, 4]);
  });

  it('a cancelled wait leaves the queue and rejects with the reason', async () => {
    const semaphore = createSemaphore(1);
    const release = await semaphore.acquire();
    const controller = new AbortController();
    const waiting = semaphore.acquire(controller.signal);
    controller.abort(new Error('gave up'));
    await expect(waiting).rejects.toThrow('gave up');
    release();
    const next = await semaphore.acquire();
    expect(typeof next).toBe('function');
  });

  it('refuses a limit below one', () => {
    expect(() => createSemaphore(0)).toThrow(/positive limit/);
  });
});
