/**
 * One completion over a list of candidate models, in order: each is retried (callWithRetry); a model
 * that keeps failing in a way that may pass (rate limit, overload, 5xx, network, timeout) hands over to
 * the next; a failure that another attempt cannot fix (bad request, bad key, unknown model) ends the
 * call at once, naming the provider, the model and the status; an abort ends everything.
 */
import { AllModelsFailedError, toProviderCallError, type ProviderCallError } from './errors.js';
import { callWithRetry, isRetryableError, type RetrySettings, type Sleep } from './retry.js';

export interface FallbackCandidate {
  provider: string;
  id: string;
}

export interface FallbackAttempt {
  provider: string;
  id: string;
  /** `retry`: failed, tried again; `failed`: failed, given up on this candidate. */
  outcome: 'ok' | 'retry' | 'failed';
  /** One line, without the `provider id:` prefix. */
  error?: string;
  status?: number;
}

export interface FallbackAttemptEvent extends FallbackAttempt {
  /** 1-based, per candidate. */
  attempt: number;
  /** With `retry`: the wait before the next attempt. */
  delayMs?: number;
  /** With `failed`: whether the next candidate is tried. */
  next?: boolean;
}

export interface FallbackOptions {
  retry: RetrySettings;
  signal?: AbortSignal | undefined;
  /** A time limit for each attempt (it then counts as a retryable timeout). */
  attemptTimeoutMs?: number | undefined;
  onAttempt?: ((event: FallbackAttemptEvent) => void) | undefined;
  /** Injected in tests: the wait between retries. */
  sleep?: Sleep | undefined;
}

export interface FallbackResult<T, C extends FallbackCandidate> {
  value: T;
  candidate: C;
  attempts: FallbackAttempt[];
}

function describe(error: unknown, candidate: FallbackCandidate, timeoutMs: number | undefined) {
  const where = { provider: candidate.provider, model: candidate.id };
  const described = toProviderCallError(error, timeoutMs !== undefined ? { ...where, timeoutMs } : where);
  const prefix = `${candidate.provider} ${candidate.id}: `;
  const message = described.message.startsWith(prefix) ? described.message.slice(prefix.length) : described.message;
  return { described, message };
}

export async function callWithFallbacks<T, C extends FallbackCandidate>(
  candidates: readonly C[],
  call: (candidate: C, signal: AbortSignal) => Promise<T>,
  options: FallbackOptions,
): Promise<FallbackResult<T, C>> {
  if (candidates.length === 0) throw new Error('no model to call: the candidate list is empty');
  const { signal } = options;
  const attempts: FallbackAttempt[] = [];
  const failures: ProviderCallError[] = [];

  const record = (event: FallbackAttemptEvent) => {
    const { attempt: _attempt, delayMs: _delay, next: _next, ...entry } = event;
    attempts.push(entry);
    options.onAttempt?.(event);
  };

  for (const [index, candidate] of candidates.entries()) {
    const base = { provider: candidate.provider, id: candidate.id };
    let attempt = 0;
    try {
      const value = await callWithRetry(
        (attemptSignal) => {
          attempt++;
          return call(candidate, attemptSignal);
        },
        {
          ...options.retry,
          signal,
          attemptTimeoutMs: options.attemptTimeoutMs,
          sleep: options.sleep,
          onRetry: ({ attempt: number, delayMs, error }) => {
            const { described, message } = describe(error, candidate, options.attemptTimeoutMs);
            record({
              ...base,
              outcome: 'retry',
              error: message,
              ...(described.status !== undefined && { status: described.status }),
              attempt: number,
              delayMs,
            });
          },
        },
      );
      record({ ...base, outcome: 'ok', attempt });
      return { value, candidate, attempts };
    } catch (error) {
      if (signal?.aborted) {
        record({ ...base, outcome: 'failed', error: 'cancelled', attempt, next: false });
        throw error;
      }
      const { described, message } = describe(error, candidate, options.attemptTimeoutMs);
      const next = isRetryableError(error) && index < candidates.length - 1;
      record({
        ...base,
        outcome: 'failed',
        error: message,
        ...(described.status !== undefined && { status: described.status }),
        attempt,
        next,
      });
      failures.push(described);
      // Not retryable: another model would not fix a bad request or a bad key, and must not hide it.
      if (!isRetryableError(error)) throw described;
    }
  }

  const tried = failures.map((failure) => failure.message).join('; ');
  throw new AllModelsFailedError(`all models failed: ${tried}`, attempts, failures, { cause: failures.at(-1) });
}
