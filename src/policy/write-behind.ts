/**
 * Write-behind for the client's files (the audit log, the budget state): requests add their data in
 * memory and go on; one write, a short moment later, takes everything added meanwhile. At most one write
 * runs at a time, and what arrives during it goes into the next. A busy client thus writes a few times a
 * second instead of once (or, for the budget file, one read-merge-rename) per request.
 */
export interface WriteBehind {
  /**
   * Asks for a write that includes everything added so far. The promise settles when that write has
   * finished (rejecting with its error).
   */
  schedule(): Promise<void>;
  /** Starts the pending write at once; settles when every write asked for so far has finished. */
  flush(): Promise<void>;
}

/** How long a write waits for more data. Short enough that little is at stake if the process dies. */
export const WRITE_BEHIND_DELAY_MS = 50;

export function createWriteBehind(write: () => Promise<void>, delayMs = WRITE_BEHIND_DELAY_MS): WriteBehind {
  /** The write not yet started, which the next data joins. */
  let queued: { promise: Promise<void>; start: () => void; timer: NodeJS.Timeout } | undefined;
  /** The last write asked for (settled or not); never rejects. */
  let last: Promise<void> = Promise.resolve();

  function schedule(): Promise<void> {
    if (queued !== undefined) return queued.promise;
    let begin!: () => void;
    const started = new Promise<void>((resolve) => (begin = resolve));
    const promise = Promise.all([last, started]).then(() => write());
    const entry = {
      promise,
      start: () => {
        clearTimeout(entry.timer);
        if (queued === entry) queued = undefined;
        begin();
      },
      // Referenced on purpose: a process that has nothing else to do still writes before it ends.
      timer: setTimeout(() => entry.start(), delayMs),
    };
    queued = entry;
    last = promise.catch(() => undefined);
    return promise;
  }

  return {
    schedule,
    flush() {
      queued?.start();
      return last;
    },
  };
}
