/**
 * Our own retries around one provider call (the AI SDK is called with `maxRetries: 0` inside each
 * attempt): rate limits, overload, server errors, network errors and timeouts are retried with
 * exponential backoff or after the delay the server asks for; client errors fail at once; an abort
 * stops everything at once, even in the middle of a wait.
 */
import { APICallError } from '@ai-sdk/provider';

import { isRetryError, loadAiSdk } from './ai-sdk.js';
import { findResponseTooLarge } from './errors.js';

export interface RetrySettings {
  /** Retries after the first attempt (0 = one attempt). */
  maxRetries: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

export interface RetryInfo {
  /** The 1-based number of the attempt that just failed. */
  attempt: number;
  /** How long we wait before the next attempt. */
  delayMs: number;
  error: unknown;
}

export type Sleep = (ms: number, signal: AbortSignal | undefined) => Promise<void>;

export interface RetryOptions extends RetrySettings {
  signal?: AbortSignal | undefined;
  /** A time limit for each attempt; a timed-out attempt is retried like a network error. */
  attemptTimeoutMs?: number | undefined;
  onRetry?: ((info: RetryInfo) => void) | undefined;
  /** Injected in tests; defaults to a timer. An abort ends the wait whether or not `sleep` honours it. */
  sleep?: Sleep | undefined;
}

const RETRYABLE_STATUS = new Set([408, 409, 429]);

const NETWORK_ERROR_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** A socket error code anywhere in the cause chain, or undici's `TypeError: terminated` (a body cut off). */
function hasNetworkCause(error: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current instanceof Error && !seen.has(current)) {
    seen.add(current);
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_ERROR_CODES.has(code)) return true;
    if (current instanceof TypeError && current.message === 'terminated') return true;
    current = current.cause;
  }
  return false;
}

/**
 * Whether trying the same call again may succeed: 408, 409, 429, 5xx, network errors (also a connection
 * lost while a successful response's body was arriving), timeouts; never a response over
 * `limits.maxResponseBytes`.
 */
export function isRetryableError(error: unknown): boolean {
  if (isRetryError(error)) return isRetryableError(error.lastError);
  // Checked first: the AI SDK wraps it in an APICallError whose status (a 5xx, say) would look transient.
  if (findResponseTooLarge(error) !== undefined) return false;
  if (APICallError.isInstance(error)) {
    const status = error.statusCode;
    if (status === undefined) return error.isRetryable || hasNetworkCause(error);
    // A 2xx whose body could not be read: retried only when the connection broke, not when the provider
    // sent a whole body we cannot use (that would fail the same way again).
    if (status >= 200 && status < 300) return hasNetworkCause(error);
    return RETRYABLE_STATUS.has(status) || status >= 500;
  }
  if (error instanceof Error || error instanceof DOMException) {
    if (error.name === 'TimeoutError') return true;
    if (error.name === 'AbortError') return false;
  }
  // fetch itself: `TypeError: fetch failed` with the socket error as its cause.
  if (error instanceof TypeError && /^(fetch failed|failed to fetch)$/i.test(error.message)) return true;
  return hasNetworkCause(error);
}

function header(headers: Record<string, string> | undefined, name: string): string | undefined {
  if (headers === undefined) return undefined;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return value.trim();
  }
  return undefined;
}

/**
 * The delay the server asks for, in ms: `retry-after-ms` (milliseconds), else `retry-after` (seconds
 * or an HTTP date). Undefined when there is no usable header.
 */
export function serverRetryDelayMs(error: unknown, now: number = Date.now()): number | undefined {
  const last = isRetryError(error) ? error.lastError : error;
  if (!APICallError.isInstance(last)) return undefined;
  const headers = last.responseHeaders;
  const ms = header(headers, 'retry-after-ms');
  if (ms !== undefined && /^\d+(\.\d+)?$/.test(ms)) return Math.ceil(Number(ms));
  const after = header(headers, 'retry-after');
  if (after === undefined || after === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(after)) return Math.ceil(Number(after) * 1000);
  const date = Date.parse(after);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/** Settles with `promise`, or rejects with the signal's reason as soon as it aborts. */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(abortReason(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      promise.catch(() => undefined);
      reject(abortReason(signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

const defaultSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal!));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * One attempt, with its own signal: aborted when the caller aborts or the attempt runs out of time. The
 * attempt is raced against that signal, so that one that ignores its signal cannot hold the caller: one
 * promise, one listener on the caller's signal and one timer per attempt (this runs for every request).
 */
function runAttempt<T>(
  attempt: (signal: AbortSignal) => Promise<T>,
  outer: AbortSignal | undefined,
  timeoutMs: number | undefined,
): Promise<T> {
  const controller = new AbortController();
  return new Promise<T>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const settle = () => {
      clearTimeout(timer);
      outer?.removeEventListener('abort', forward);
    };
    const stop = (reason: unknown) => {
      settle();
      controller.abort(reason);
      reject(reason);
    };
    const forward = () => stop(abortReason(outer!));
    outer?.addEventListener('abort', forward, { once: true });
    if (timeoutMs !== undefined) {
      timer = setTimeout(
        () => stop(new DOMException(`attempt timed out after ${timeoutMs} ms`, 'TimeoutError')),
        timeoutMs,
      );
    }
    let running: Promise<T>;
    try {
      running = attempt(controller.signal);
    } catch (error) {
      running = Promise.reject(error as Error);
    }
    running.then(
      (value) => {
        settle();
        resolve(value);
      },
      (error: unknown) => {
        settle();
        reject(error);
      },
    );
  });
}

/**
 * Runs `attempt` until it succeeds, fails with an error that is not retryable, or the retries run out.
 * Throws the error itself after a single attempt, an AI SDK `RetryError` (with every error and the last
 * one) after several, and the signal's reason on abort. When the server asks for a longer wait than
 * `maxDelayMs`, it gives up at once rather than wait.
 */
export async function callWithRetry<T>(
  attempt: (signal: AbortSignal) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const { signal } = options;
  const sleep = options.sleep ?? defaultSleep;
  const maxRetries = Math.max(0, Math.floor(options.maxRetries));
  const errors: unknown[] = [];

  const fail = async (
    reason: 'maxRetriesExceeded' | 'errorNotRetryable',
    error: unknown,
    why: string,
  ): Promise<never> => {
    if (errors.length <= 1) throw error;
    const { RetryError } = await loadAiSdk();
    throw new RetryError({
      message: `failed after ${errors.length} attempts (${why}): ${error instanceof Error ? error.message : String(error)}`,
      reason,
      errors,
    });
  };

  for (let n = 0; ; n++) {
    if (signal?.aborted) throw abortReason(signal);
    try {
      return await runAttempt(attempt, signal, options.attemptTimeoutMs);
    } catch (error) {
      if (signal?.aborted) throw abortReason(signal);
      errors.push(error);
      if (!isRetryableError(error)) return fail('errorNotRetryable', error, 'not retryable');
      if (n >= maxRetries) return fail('maxRetriesExceeded', error, 'no retries left');
      const asked = serverRetryDelayMs(error);
      if (asked !== undefined && asked > options.maxDelayMs) {
        return fail('maxRetriesExceeded', error, `the server asks to wait ${asked} ms`);
      }
      const delayMs = asked ?? Math.min(options.initialDelayMs * 2 ** n, options.maxDelayMs);
      options.onRetry?.({ attempt: n + 1, delayMs, error });
      await raceAbort(sleep(delayMs, signal), signal);
    }
  }
}
