/**
 * Coalesces the lines a stdio transport writes in one turn of the event loop into one system call.
 *
 * Every message the SDK's stdio transports send is its own `write()`: a system call, and a wake-up of the
 * process reading the other end of the pipe. With many calls in flight, the answers of one turn (one read
 * chunk's worth of requests, the rounds settled in one check phase) go out one by one. `coalesceWrites`
 * corks the stream at the first message of a turn and uncorks it in `setImmediate`, so they leave together
 * (Node writes corked chunks with one `writev`). A lone message waits only for the rest of its turn.
 */
import type { Writable } from 'node:stream';

export interface CoalescedWrites {
  /** Call before each write: corks the stream for the rest of this turn (once per turn). */
  beforeWrite(): void;
  /** Writes what is corked now (before a close, so that nothing corked is lost). */
  flush(): void;
}

export function coalesceWrites(stream: Writable): CoalescedWrites {
  let corked = false;
  let immediate: NodeJS.Immediate | undefined;
  const flush = () => {
    if (immediate !== undefined) clearImmediate(immediate);
    immediate = undefined;
    if (!corked) return;
    corked = false;
    stream.uncork();
  };
  return {
    beforeWrite() {
      if (corked || stream.destroyed || stream.writableEnded) return;
      corked = true;
      stream.cork();
      immediate = setImmediate(flush);
    },
    flush,
  };
}
