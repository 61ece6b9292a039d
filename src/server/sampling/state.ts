/**
 * The signed `requestState` of the 2026-07-28 era: what one round hands the next (the answers so far, the
 * client's roots, the body's checkpoint), bound to the tool call it was issued for, and the keys under
 * which the engine asks for (and finds) its answers.
 *
 * The state is HMAC-signed with a TTL by the SDK's codec (engine.ts makes it); tampered or expired state
 * is refused by the SDK with -32602 before the tool runs. Valid state replayed for another tool call
 * (another tool, or other arguments) is refused here. It is signed, not encrypted: it holds model output
 * only, which the client has anyway.
 */
import { createHash } from 'node:crypto';

import { ProtocolError, ProtocolErrorCode, type Root, type ServerContext } from '@modelcontextprotocol/server';

import type { SamplingResult } from './sampler.js';

/** Answers carried between rounds, by request key. Short keys: it crosses the wire every round. */
export interface RoundState {
  /** tool name */
  t: string;
  /** digest of the tool's arguments */
  h: string;
  /** sampling answers so far */
  a: Record<string, SamplingResult>;
  /** the client's roots, once known */
  r?: Root[];
  /** the tool body's checkpoint */
  c?: unknown;
}

/** The key of the engine's one `roots/list` request. */
export const ROOTS_KEY = 'roots';

/** The keys the engine gives its requests: `s<digest>.<occurrence>` for sampling, `roots` for roots/list. */
export const SAMPLING_KEY = /^s[\w-]{16}\.\d+$/;

/** A short, stable digest of a JSON value (object key order as produced by the caller). */
export function digest(value: unknown): string {
  return digestText(JSON.stringify(value) ?? 'undefined');
}

/** `digest` of a value already serialized (its JSON text). */
export function digestText(json: string): string {
  return createHash('sha256').update(json).digest('base64url').slice(0, 16);
}

/** The key of a sampling request: a digest of its params plus how many identical ones came before it. */
export function samplingKey(paramsDigest: string, occurrence: number): string {
  return `s${paramsDigest}.${occurrence}`;
}

/**
 * The state this round's retry carries (undefined on a first round), once it is known to be this tool
 * call's; `argsHash` is what the next round's state is bound to.
 */
export function openRoundState(
  ctx: ServerContext,
  toolName: string,
  args: unknown,
): { state: RoundState | undefined; argsHash: string } {
  const argsHash = digest(args);
  const state = ctx.mcpReq.requestState<RoundState>();
  if (state !== undefined && (state.t !== toolName || state.h !== argsHash)) {
    throw new ProtocolError(
      ProtocolErrorCode.InvalidParams,
      'requestState was issued for another tool call; it is valid only for the same tool with the same arguments',
    );
  }
  return { state, argsHash };
}
