/**
 * Client errors, and the one place that turns them (and the providers' ProviderCallError) into JSON-RPC
 * errors for the server. Each message is one line: what failed, where, and why.
 */
import { ProtocolError, ProtocolErrorCode } from '@modelcontextprotocol/client';

import { ProviderCallError } from '../providers/errors.js';

/** A request the client cannot map (malformed or contradictory content); answered with -32602 (invalid params). */
export class UnsupportedSamplingContentError extends Error {
  override readonly name = 'UnsupportedSamplingContentError';
}

/** The spec's code for a sampling request the user (or the user's policy) rejected. */
export const USER_REJECTED_CODE = -1;

/** The user, or the user's configuration, said no: answered with the spec's user-rejected error (-1). */
export class UserRejectedError extends Error {
  override readonly name = 'UserRejectedError';
  constructor(
    message: string,
    /** Whether the request was refused, or its completion after the model answered. */
    readonly stage: 'request' | 'completion' = 'request',
  ) {
    super(message);
  }
}

/** The client's policy refuses the request: no model enabled, budget exhausted, rate limit, limits. */
export class PolicyRefusalError extends Error {
  override readonly name = 'PolicyRefusalError';
  constructor(
    message: string,
    readonly kind: 'no-model' | 'budget' | 'rate-limited' | 'limits',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The single mapping from client errors to the JSON-RPC error the server receives. */
export function toWireError(error: unknown): ProtocolError {
  if (error instanceof ProtocolError) return error;
  if (error instanceof UserRejectedError) return new ProtocolError(USER_REJECTED_CODE, error.message);
  if (error instanceof PolicyRefusalError) {
    const code = error.kind === 'limits' ? ProtocolErrorCode.InvalidParams : ProtocolErrorCode.InternalError;
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
