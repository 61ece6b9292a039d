/**
 * Client errors, and the one place that turns them (and the policy's `PolicyRefusal`) into JSON-RPC
 * errors for the server.
 * Each message is one line: what failed, where, and why.
 */
import { ProtocolError, ProtocolErrorCode } from '@modelcontextprotocol/client';
import { APICallError, RetryError } from 'ai';

import { PolicyRefusal } from '../policy/gate.js';
import { findResponseTooLarge } from '../providers/response-size-limit.js';

/** A request the client cannot map (malformed or contradictory content); answered with -32602 (invalid params). */
export class UnsupportedSamplingContentError extends Error {
  override readonly name = 'UnsupportedSamplingContentError';
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
    super(message, options);
  }
}

function firstLine(text: string, max = 300): string {
  const line = text.split('\n', 1)[0]?.trim() ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** Describes a failed provider call in one line, e.g. `openai gpt-4o: HTTP 401: Incorrect API key provided`. */
export function toProviderCallError(
  error: unknown,
  where: { provider: string; model: string; timeoutMs?: number },
): ProviderCallError {
  const prefix = `${where.provider} ${where.model}`;
  const last = RetryError.isInstance(error) ? (error.lastError ?? error) : error;
  const tooLarge = findResponseTooLarge(last);
  if (tooLarge !== undefined) {
    const status = APICallError.isInstance(last) ? last.statusCode : undefined;
    const why = `the response is larger than limits.maxResponseBytes (${tooLarge.limitBytes} bytes): cut off, not retried`;
    return new ProviderCallError(`${prefix}: ${why}`, where.provider, where.model, status, { cause: error });
  }
  if (APICallError.isInstance(last)) {
    const status = last.statusCode;
    const what = status !== undefined ? `HTTP ${status}` : `cannot reach ${last.url}`;
    const attempts = RetryError.isInstance(error) ? ` (after ${error.errors.length} attempts)` : '';
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

/** The spec's code for a sampling request the user (or the user's policy) rejected. */
export const USER_REJECTED_CODE = -1;

/** The single mapping from client errors to the JSON-RPC error the server receives. */
export function toWireError(error: unknown): ProtocolError {
  if (error instanceof ProtocolError) return error;
  if (error instanceof PolicyRefusal) {
    // The user (or the user's configuration) said no: the spec's user-rejected error, without data.
    if (error.answer === 'user-rejected') return new ProtocolError(USER_REJECTED_CODE, error.message);
    const code = error.answer === 'invalid-params' ? ProtocolErrorCode.InvalidParams : ProtocolErrorCode.InternalError;
    return new ProtocolError(code, error.message, { policy: error.kind });
  }
  if (error instanceof UnsupportedSamplingContentError) {
    return new ProtocolError(ProtocolErrorCode.InvalidParams, error.message);
  }
  if (error instanceof ProviderCallError) {
    return new ProtocolError(ProtocolErrorCode.InternalError, error.message, {
      provider: error.provider,
      model: error.model,
      ...(error.status !== undefined && { status: error.status }),
    });
  }
  return new ProtocolError(ProtocolErrorCode.InternalError, error instanceof Error ? error.message : String(error));
}
