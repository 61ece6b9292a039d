/**
 * The providers' errors: a failed call (ProviderCallError, one line naming provider, model and status),
 * every candidate of a fallback chain failed (AllModelsFailedError), a response over
 * `limits.maxResponseBytes` (ProviderResponseTooLargeError). The client maps them to JSON-RPC errors in
 * one place (client/errors.ts, `toWireError`).
 */
import { APICallError } from '@ai-sdk/provider';

import { isRetryError } from './ai-sdk.js';
import type { FallbackAttempt } from './call-with-fallbacks.js';

/** A provider answered with more bytes than `limits.maxResponseBytes`. Never retried. */
export class ProviderResponseTooLargeError extends Error {
  override readonly name = 'ProviderResponseTooLargeError';
  constructor(
    readonly provider: string,
    readonly limitBytes: number,
  ) {
    super(
      `provider '${provider}' answered with more than limits.maxResponseBytes (${limitBytes} bytes): ` +
        'the response was cut off',
    );
  }
}

/** The ProviderResponseTooLargeError in `error` or its causes (the AI SDK wraps it), if any. */
export function findResponseTooLarge(error: unknown): ProviderResponseTooLargeError | undefined {
  const seen = new Set<unknown>();
  for (let current = error; current instanceof Error && !seen.has(current); current = current.cause) {
    if (current instanceof ProviderResponseTooLargeError) return current;
    seen.add(current);
  }
  return undefined;
}

/** A provider call that failed: which provider and model, the HTTP status when there was one. */
export class ProviderCallError extends Error {
  override readonly name = 'ProviderCallError';
  constructor(
    message: string,
    readonly provider: string,
    readonly model: string,
    readonly status: number | undefined,
    options?: { cause?: unknown },
  ) {
    // The message reaches the server and the audit log: a URL in it (the AI SDK's and fetch's own messages
    // quote the request URL) loses its credentials and query first.
    super(redactURLs(message), options);
  }
}

/** Every http(s) URL in `text`, as `redactURL` shows it. */
export function redactURLs(text: string): string {
  return text.replace(/https?:\/\/[^\s"'<>`]+/g, (url) => redactURL(url));
}

function firstLine(text: string, max = 300): string {
  const line = text.split('\n', 1)[0]?.trim() ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** Describes a failed provider call in one line, e.g. `openai gpt-4o: HTTP 401: Incorrect API key provided`. */
/**
 * A request URL as it may be shown to the server and written to the audit log: a password or user name in
 * it (`https://user:key@host/v1`) and its query (`?api-key=…`) are credentials the config may hold
 * literally, where the audit log's scrubbing (environment values with secret-looking names) cannot see them.
 */
export function redactURL(url: string): string {
  try {
    const parsed = new URL(url);
    const query = parsed.search !== '';
    if (parsed.username === '' && parsed.password === '' && !query) return url;
    if (parsed.username !== '' || parsed.password !== '') {
      parsed.username = '***';
      parsed.password = '';
    }
    parsed.search = '';
    return `${parsed.toString()}${query ? '?…' : ''}`;
  } catch {
    return url;
  }
}

export function toProviderCallError(
  error: unknown,
  where: { provider: string; model: string; timeoutMs?: number },
): ProviderCallError {
  const prefix = `${where.provider} ${where.model}`;
  const last = isRetryError(error) ? (error.lastError ?? error) : error;
  const tooLarge = findResponseTooLarge(last);
  if (tooLarge !== undefined) {
    const status = APICallError.isInstance(last) ? last.statusCode : undefined;
    const why = `the response is larger than limits.maxResponseBytes (${tooLarge.limitBytes} bytes): cut off, not retried`;
    return new ProviderCallError(`${prefix}: ${why}`, where.provider, where.model, status, { cause: error });
  }
  if (APICallError.isInstance(last)) {
    const status = last.statusCode;
    const what = status !== undefined ? `HTTP ${status}` : `cannot reach ${last.url}`;
    const attempts = isRetryError(error) ? ` (after ${error.errors.length} attempts)` : '';
    return new ProviderCallError(
      `${prefix}: ${what}${attempts}: ${firstLine(last.message)}`,
      where.provider,
      where.model,
      status,
      {
        cause: error,
      },
    );
  }
  if (last instanceof Error && last.name === 'TimeoutError') {
    const after = where.timeoutMs !== undefined ? ` after ${Math.round(where.timeoutMs / 1000)} s` : '';
    return new ProviderCallError(`${prefix}: timed out${after}`, where.provider, where.model, undefined, {
      cause: error,
    });
  }
  if (last instanceof Error && last.name === 'AbortError') {
    return new ProviderCallError(`${prefix}: cancelled`, where.provider, where.model, undefined, { cause: error });
  }
  const message = last instanceof Error ? last.message : String(last);
  return new ProviderCallError(`${prefix}: ${firstLine(message)}`, where.provider, where.model, undefined, {
    cause: error,
  });
}

/** Every candidate failed; `cause` is the last failure, `errors` all of them (one per candidate). */
export class AllModelsFailedError extends Error {
  override readonly name = 'AllModelsFailedError';
  constructor(
    message: string,
    readonly attempts: FallbackAttempt[],
    readonly errors: ProviderCallError[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
