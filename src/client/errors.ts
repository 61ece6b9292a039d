/**
 * Client errors, and the one place that turns them (the policy's `PolicyRefusal` and the providers'
 * ProviderCallError included) into JSON-RPC errors for the server. Each message is one line: what failed,
 * where, and why.
 */
import { ProtocolError, ProtocolErrorCode } from '@modelcontextprotocol/client';

import { PolicyRefusal } from '../policy/gate.js';
import { ProviderCallError } from '../providers/errors.js';

/** A request the client cannot map (malformed or contradictory content); answered with -32602 (invalid params). */
export class UnsupportedSamplingContentError extends Error {
  override readonly name = 'UnsupportedSamplingContentError';
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
