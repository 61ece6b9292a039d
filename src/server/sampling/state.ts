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
import * as nodeCrypto from 'node:crypto';
import type { Hash } from 'node:crypto';

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

/**
 * A short, stable digest of a JSON value (object key order as produced by the caller): `digestText` of
 * `JSON.stringify(value)`, computed without building that text. The tool's arguments are digested every
 * round, and a 50 MB `document_text` would otherwise cost a 50 MB copy each time.
 */
export function digest(value: unknown): string {
  // The common case (short arguments): their JSON text, built by one walk that gives up past SHORT_CHARS
  // characters (at a long string's first look, before copying it), and the one-shot hash.
  const json = shortJson(value, SHORT_CHARS);
  if (json === EXOTIC) return digestText(JSON.stringify(value) ?? 'undefined');
  if (json !== TOO_LONG) return digestText(json ?? 'undefined');
  const hash = nodeCrypto.createHash('sha256');
  if (!feedJson(hash, value)) hash.update('undefined');
  return hash.digest('base64url').slice(0, 16);
}

/** JSON texts up to this many characters are built whole and digested in one shot. */
export const SHORT_CHARS = 1 << 14;

/** `shortJson` gave up: the text is longer than its budget. */
const TOO_LONG = Symbol('too long');
/** `shortJson` met a value it does not walk (one with `toJSON`, a Date, a Map...): JSON.stringify it whole. */
const EXOTIC = Symbol('exotic');

/**
 * `JSON.stringify(value)` (undefined where it says undefined) when that text has at most `budget`
 * characters; TOO_LONG once it would have more, EXOTIC at a value other than a plain object, an array
 * or a primitive (`JSON.stringify` then serializes the whole value, so the text is always its own).
 */
function shortJson(value: unknown, budget: number): string | undefined | typeof TOO_LONG | typeof EXOTIC {
  switch (typeof value) {
    case 'string': {
      // Its JSON has at least its length plus the two quotes: a long string is refused before any copy.
      if (value.length + 2 > budget) return TOO_LONG;
      const json = JSON.stringify(value);
      return json.length > budget ? TOO_LONG : json;
    }
    case 'number':
    case 'boolean': {
      const json = JSON.stringify(value);
      return json.length > budget ? TOO_LONG : json;
    }
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    case 'bigint':
      return EXOTIC;
  }
  if (value === null) return budget < 4 ? TOO_LONG : 'null';
  if (Array.isArray(value)) {
    if (hasToJSON(value)) return EXOTIC;
    let text = '[';
    for (let i = 0; i < value.length; i++) {
      const item = shortJson(value[i], budget - text.length - 2);
      if (item === TOO_LONG || item === EXOTIC) return item;
      text += `${i > 0 ? ',' : ''}${item ?? 'null'}`;
    }
    text += ']';
    return text.length > budget ? TOO_LONG : text;
  }
  if (!isPlainObject(value) || hasToJSON(value)) return EXOTIC;
  let text = '{';
  for (const key of Object.keys(value)) {
    const name = shortJson(key, budget - text.length - 3);
    if (name === TOO_LONG) return TOO_LONG;
    const item = shortJson(value[key], budget - text.length - (name as string).length - 3);
    if (item === TOO_LONG || item === EXOTIC) return item;
    if (item === undefined) continue;
    text += `${text.length > 1 ? ',' : ''}${name as string}:${item}`;
  }
  text += '}';
  return text.length > budget ? TOO_LONG : text;
}

/** Strings longer than this are serialized a piece at a time. */
const PIECE_CHARS = 1 << 16;

/**
 * Feeds `JSON.stringify(value)` to `hash` in pieces; false (and nothing fed) when it is undefined. Plain
 * objects, arrays and long strings are walked; anything else (numbers, short strings, a Date, an object
 * with `toJSON`) is serialized by `JSON.stringify` itself, so the text is the same.
 */
function feedJson(hash: Hash, value: unknown): boolean {
  if (typeof value === 'string' && value.length > PIECE_CHARS) {
    hash.update('"');
    for (let from = 0; from < value.length;) {
      let to = Math.min(value.length, from + PIECE_CHARS);
      // Never between the halves of a surrogate pair: each piece then escapes exactly as the whole would.
      if (to < value.length && isHighSurrogate(value.charCodeAt(to - 1)) && isLowSurrogate(value.charCodeAt(to))) to--;
      hash.update(JSON.stringify(value.slice(from, to)).slice(1, -1));
      from = to;
    }
    hash.update('"');
    return true;
  }
  if (Array.isArray(value) && !hasToJSON(value)) {
    hash.update('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) hash.update(',');
      if (!feedJson(hash, value[i])) hash.update('null');
    }
    hash.update(']');
    return true;
  }
  if (isPlainObject(value) && !hasToJSON(value)) {
    hash.update('{');
    let first = true;
    for (const key of Object.keys(value)) {
      const item = value[key];
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
      hash.update(`${first ? '' : ','}${JSON.stringify(key)}:`);
      first = false;
      feedJson(hash, item);
    }
    hash.update('}');
    return true;
  }
  const json = JSON.stringify(value) as string | undefined;
  if (json === undefined) return false;
  hash.update(json);
  return true;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

const hasToJSON = (value: object): boolean => typeof (value as { toJSON?: unknown }).toJSON === 'function';
const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

/** `digest` of a value already serialized (its JSON text). */
export function digestText(json: string): string {
  if (oneShotHash !== undefined) return oneShotHash('sha256', json, 'base64url').slice(0, 16);
  return nodeCrypto.createHash('sha256').update(json).digest('base64url').slice(0, 16);
}

/**
 * Node's one-shot `crypto.hash` (20.12 and later): no Hash object per digest, cheaper for the short texts a
 * round digests. Older Node (the package allows 20.x) falls back to `createHash`; the digests are the same.
 */
const oneShotHash = (nodeCrypto as { hash?: (algorithm: string, data: string, encoding: 'base64url') => string }).hash;

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
