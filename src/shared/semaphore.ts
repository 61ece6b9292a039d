/**
 * A FIFO counting semaphore: `acquire` resolves with a release function once a slot is free; a wait that
 * is cancelled (its signal aborts) gives up its place in the queue and rejects with the signal's reason.
 */
export interface Semaphore {
  acquire(signal?: AbortSignal): Promise<() => void>;
}

export function createSemaphore(limit: number): Semaphore {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`a semaphore needs a positive limit (got ${limit})`);
  let free = limit;
  const waiting: (() => void)[] = [];
  const release = () => {
    const next = waiting.shift();
    if (next !== undefined) next();
    else free++;
  };
  return {
    acquire(signal) {
      if (signal?.aborted === true) return Promise.reject(signal.reason);
      if (free > 0) {
        free--;
        return Promise.resolve(once(release));
      }
      return new Promise((resolve, reject) => {
        const grant = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(once(release));
        };
        const onAbort = () => {
          const index = waiting.indexOf(grant);
          if (index >= 0) waiting.splice(index, 1);
          reject(signal?.reason);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        waiting.push(grant);
      });
    },
  };
}

/** A release that can be called twice without freeing two slots. */
function once(release: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    release();
  };
}
