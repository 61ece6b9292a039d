/**
 * A signal that aborts when `signal` does or when `ms` have passed, whichever comes first.
 *
 * Not `AbortSignal.any([signal, AbortSignal.timeout(ms)])`: on Node 20 the combined signal holds its sources
 * weakly and the timeout's timer holds its signal weakly too, so once nothing else refers to the timeout
 * signal a garbage collection takes it and the combined signal never times out (a hung provider call or an
 * approval prompt would then wait for ever). Here the timer holds its controller, so the deadline stands
 * until it fires or `clear()` is called. The timer does not keep the process alive, as `AbortSignal.timeout`'s
 * does not; the reason is the same `TimeoutError` DOMException.
 */
export interface DeadlineSignal {
  signal: AbortSignal;
  /** Stops the timer (call it when the work is done, so that the controller is not held until `ms`). */
  clear(): void;
}

export function deadlineSignal(signal: AbortSignal, ms: number): DeadlineSignal {
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
  }, ms);
  timer.unref();
  return { signal: AbortSignal.any([signal, controller.signal]), clear: () => clearTimeout(timer) };
}
