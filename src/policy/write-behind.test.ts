import { describe, expect, it } from 'vitest';

import { createWriteBehind } from './write-behind.js';

describe('createWriteBehind', () => {
  it('makes one write of everything scheduled before it starts, and flush() starts it at once', async () => {
    const batches: number[][] = [];
    let buffer: number[] = [];
    const writer = createWriteBehind(async () => {
      batches.push(buffer);
      buffer = [];
    }, 60_000);
    const done: Promise<void>[] = [];
    for (let i = 0; i < 100; i++) {
      buffer.push(i);
      done.push(writer.schedule());
    }
    // A minute of delay, yet flush() does not wait for it.
    await writer.flush();
    await Promise.all(done);
    expect(batches).toHaveLength(1);
    expect(batches[0]).toHaveLength(100);
  });

  it('runs one write at a time; what arrives during a write goes into the next', async () => {
    let running = 0;
    let most = 0;
    const seen: number[][] = [];
    let buffer: number[] = [];
    const writer = createWriteBehind(async () => {
      running += 1;
      most = Math.max(most, running);
      const batch = buffer;
      buffer = [];
      await new Promise((resolve) => setTimeout(resolve, 20));
      seen.push(batch);
      running -= 1;
    }, 1);
    buffer.push(1);
    const first = writer.schedule();
    await new Promise((resolve) => setTimeout(resolve, 5)); // the first write is running now
    buffer.push(2, 3);
    const second = writer.schedule();
    await Promise.all([first, second]);
    expect(most).toBe(1);
    expect(seen).toEqual([[1], [2, 3]]);
  });

  it('rejects the scheduled promise with the write error; flush() never rejects, and later writes still run', async () => {
    let fail = true;
    const writer = createWriteBehind(async () => {
      if (fail) throw new Error('disk full');
    }, 1);
    await expect(writer.schedule()).rejects.toThrow('disk full');
    await expect(writer.flush()).resolves.toBeUndefined();
    fail = false;
    await expect(writer.schedule()).resolves.toBeUndefined();
  });
});
