/**
 * The bridge's fast path for a plain `tools/call`: the host's request, already read and parsed by our own
 * stdio transport, is answered without the host-facing SDK `Server` (whose per-message dispatch, envelope
 * lift, request and result schemas were most of the bridge's added latency). It runs forward(), the same
 * code the SDK handler runs, and writes the result or error line itself, encoded as the SDK encodes it
 * for the connection's era.
 *
 * Taken only when the answer is provably the one the SDK path gives; everything else goes to the SDK as
 * before:
 * - the host's connection is pinned to an era, the same era as the upstream's (the upstream's client has
 *   then validated the result against that era's schema);
 * - its `params` are `name` (a string), `arguments` (an object, or absent) and `_meta` (an object, or
 *   absent), nothing else: no `inputResponses` or `requestState` (a 2026-era retry), no task;
 * - `_meta.progressToken`, when present, is a string or an integer;
 * - its envelope (the `io.modelcontextprotocol/` keys of `_meta`) is none on a 2025-era connection, and on
 *   a 2026-era one exactly protocolVersion, clientInfo (optional) and clientCapabilities, and the SDK has
 *   already answered a request with that very envelope successfully (so it would accept this one);
 * - on a 2026-era host, the envelope declares neither `elicitation` nor `roots`: a call that could need
 *   the host's input (input_required rounds, host-rounds.ts) is never fast-pathed;
 * - its id is not already in flight here.
 *
 * A host's `notifications/cancelled` for a fast-pathed id aborts it (the SDK never saw that id) and, as
 * on the SDK path, no response is sent. Progress goes to the host under its own token, before the result.
 *
 * Only `tools/call`: the lists are rare per session and their encoding has more to copy (2026 cache
 * fields from hints, the 2025 wrap of non-object output schemas). The upstream side stays the SDK client
 * (forward()), since a 2026-era upstream may answer `input_required`, which only its rounds fulfil.
 */
import type { JSONRPCMessage } from '@modelcontextprotocol/server';

import { forward, type ForwardContext, type Upstream } from './proxy-server.js';

type Era = 'legacy' | 'modern';
type RequestId = string | number;

/** The envelope keys of a 2026-era request the fast path takes (the SDK lifts these off `_meta`). */
const PROTOCOL_VERSION_KEY = 'io.modelcontextprotocol/protocolVersion';
const CLIENT_INFO_KEY = 'io.modelcontextprotocol/clientInfo';
const CLIENT_CAPABILITIES_KEY = 'io.modelcontextprotocol/clientCapabilities';
const SERVER_INFO_KEY = 'io.modelcontextprotocol/serverInfo';
const ENVELOPE_PREFIX = 'io.modelcontextprotocol/';
/** The SDK's error code for a thrown error without a numeric code, and the 2025 code it maps -32002 to. */
const INTERNAL_ERROR = -32603;
const INVALID_PARAMS = -32602;
const RESOURCE_NOT_FOUND = -32002;
/** Bounds on what is remembered: envelopes seen accepted, and requests the SDK has not answered yet. */
const MAX_TRUSTED_ENVELOPES = 16;
const MAX_WATCHED_REQUESTS = 1024;
/** The 2025-era "envelope": a request without one. */
const LEGACY_KEY = 'legacy';

/** The host side as the fast path sees it. */
export interface FastPathHost {
  /** The era the host's connection is pinned to (undefined before the SDK has pinned one). */
  era(): Era | undefined;
  /** The identity the host's server stamps into 2026-era results. */
  serverInfo: { name: string; version: string };
  /** Writes one message to the host. */
  send(message: JSONRPCMessage): Promise<void>;
  log(line: string): void;
}

export interface FastPath {
  /** Offers one message from the host: true when the fast path handles it (the SDK must not see it). */
  take(message: JSONRPCMessage): boolean;
  /** Watches one message the SDK sends the host: a success response makes its request's envelope trusted. */
  sent(message: JSONRPCMessage): void;
  /** Aborts every fast-pathed call in flight (the host has gone). */
  close(): void;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const isId = (value: unknown): value is RequestId =>
  typeof value === 'string' || (typeof value === 'number' && Number.isSafeInteger(value));

const isProgressToken = (value: unknown): value is string | number =>
  typeof value === 'string' || (typeof value === 'number' && Number.isSafeInteger(value));

/**
 * The key of a request's envelope: 'legacy' for none; for a 2026-era one, its three keys as JSON; undefined
 * for anything the fast path leaves to the SDK (other envelope keys, a `_meta` that is not an object).
 */
export function envelopeKey(params: unknown): string | undefined {
  if (params === undefined) return LEGACY_KEY;
  if (!isObject(params)) return undefined;
  const meta = params['_meta'];
  if (meta === undefined) return LEGACY_KEY;
  if (!isObject(meta)) return undefined;
  let envelope = false;
  for (const key of Object.keys(meta)) {
    if (!key.startsWith(ENVELOPE_PREFIX)) continue;
    if (key !== PROTOCOL_VERSION_KEY && key !== CLIENT_INFO_KEY && key !== CLIENT_CAPABILITIES_KEY) return undefined;
    envelope = true;
  }
  if (!envelope) return LEGACY_KEY;
  if (!(PROTOCOL_VERSION_KEY in meta) || !(CLIENT_CAPABILITIES_KEY in meta)) return undefined;
  return JSON.stringify([meta[PROTOCOL_VERSION_KEY], meta[CLIENT_INFO_KEY] ?? null, meta[CLIENT_CAPABILITIES_KEY]]);
}

/** Whether a 2026-era envelope declares that the host could be asked for input (elicitation or roots). */
function couldNeedHostInput(params: Record<string, unknown>): boolean {
  const meta = params['_meta'];
  const capabilities = isObject(meta) ? meta[CLIENT_CAPABILITIES_KEY] : undefined;
  return !isObject(capabilities) || 'elicitation' in capabilities || 'roots' in capabilities;
}

/** A `tools/call`'s params in the plain shape the fast path takes, or undefined. */
function plainCallParams(params: unknown): Record<string, unknown> | undefined {
  if (!isObject(params) || typeof params['name'] !== 'string') return undefined;
  for (const key of Object.keys(params)) {
    if (key !== 'name' && key !== 'arguments' && key !== '_meta') return undefined;
  }
  if (params['arguments'] !== undefined && !isObject(params['arguments'])) return undefined;
  const meta = params['_meta'];
  if (meta !== undefined && (!isObject(meta) || ('progressToken' in meta && !isProgressToken(meta['progressToken'])))) {
    return undefined;
  }
  return params;
}

/** A tools/call result as the SDK encodes it for a 2026-era host: complete, with the server's identity. */
export function encodeModernCallResult(
  result: Record<string, unknown>,
  serverInfo: { name: string; version: string },
): Record<string, unknown> {
  let encoded = result;
  const capabilities = encoded['capabilities'];
  if (isObject(capabilities) && 'tasks' in capabilities) {
    const { tasks: _tasks, ...rest } = capabilities;
    void _tasks;
    encoded = { ...encoded, capabilities: rest };
  }
  if (encoded['resultType'] === undefined) encoded = { ...encoded, resultType: 'complete' };
  const meta = encoded['_meta'];
  if (meta === undefined) return { ...encoded, _meta: { [SERVER_INFO_KEY]: serverInfo } };
  if (!isObject(meta) || meta[SERVER_INFO_KEY] !== undefined) return encoded;
  return { ...encoded, _meta: { ...meta, [SERVER_INFO_KEY]: serverInfo } };
}

/** An error thrown by forward(), as the SDK answers it (both eras map -32002 to -32602). */
export function encodeError(error: unknown): { code: number; message: string; data?: unknown } {
  const thrown = (error ?? {}) as { code?: unknown; message?: unknown; data?: unknown };
  const code = Number.isSafeInteger(thrown.code) ? (thrown.code as number) : INTERNAL_ERROR;
  return {
    code: code === RESOURCE_NOT_FOUND ? INVALID_PARAMS : code,
    message: typeof thrown.message === 'string' ? thrown.message : 'Internal error',
    ...(thrown.data !== undefined && { data: thrown.data }),
  };
}

/** The fast path of one bridge: `upstreamEra` is the era the upstream connection landed on. */
export function createFastPath(upstream: Upstream, host: FastPathHost, upstreamEra: Era): FastPath {
  const trusted = new Set<string>();
  /** Requests passed to the SDK whose answer can make their envelope trusted: id → envelope key. */
  const watched = new Map<RequestId, string>();
  const inFlight = new Map<RequestId, AbortController>();

  const answer = (message: JSONRPCMessage) => {
    host.send(message).catch((error: unknown) => host.log(`cannot answer the host: ${(error as Error).message}`));
  };

  const run = async (id: RequestId, params: Record<string, unknown>, era: Era, controller: AbortController) => {
    const meta = params['_meta'];
    const token = isObject(meta) ? (meta['progressToken'] as string | number | undefined) : undefined;
    const ctx: ForwardContext = {
      signal: controller.signal,
      progressToken: token,
      notify: (notification) => host.send({ jsonrpc: '2.0', ...notification } as JSONRPCMessage),
    };
    try {
      const result = await forward(upstream, 'tools/call', params, ctx);
      if (controller.signal.aborted) return;
      const encoded = era === 'modern' ? encodeModernCallResult(result, host.serverInfo) : result;
      answer({ jsonrpc: '2.0', id, result: encoded } as JSONRPCMessage);
    } catch (error) {
      if (controller.signal.aborted) return;
      answer({ jsonrpc: '2.0', id, error: encodeError(error) } as JSONRPCMessage);
    } finally {
      if (inFlight.get(id) === controller) inFlight.delete(id);
    }
  };

  const takeRequest = (message: { id: unknown; method: string; params?: unknown }): boolean => {
    const { id } = message;
    if (!isId(id)) return false;
    const key = envelopeKey(message.params);
    if (key === undefined) return false;
    const era = host.era();
    const keyEra: Era = key === LEGACY_KEY ? 'legacy' : 'modern';
    const params = message.method === 'tools/call' ? plainCallParams(message.params) : undefined;
    const eligible =
      params !== undefined &&
      era === keyEra &&
      era === upstreamEra &&
      trusted.has(key) &&
      !inFlight.has(id) &&
      (era === 'legacy' || !couldNeedHostInput(params));
    if (!eligible) {
      // The SDK answers it; a success says that this envelope is accepted on this connection.
      if (!trusted.has(key) && watched.size < MAX_WATCHED_REQUESTS) watched.set(id, key);
      return false;
    }
    const controller = new AbortController();
    inFlight.set(id, controller);
    void run(id, params, era, controller);
    return true;
  };

  const takeCancel = (params: unknown): boolean => {
    if (!isObject(params) || !isId(params['requestId'])) return false;
    const controller = inFlight.get(params['requestId']);
    if (controller === undefined) return false;
    inFlight.delete(params['requestId']);
    const reason = params['reason'];
    controller.abort(typeof reason === 'string' ? reason : 'cancelled by the host');
    return true;
  };

  return {
    take(message) {
      const raw = message as { id?: unknown; method?: unknown; params?: unknown };
      if (typeof raw.method !== 'string') return false;
      if (raw.id === undefined) return raw.method === 'notifications/cancelled' && takeCancel(raw.params);
      return takeRequest(raw as { id: unknown; method: string; params?: unknown });
    },
    sent(message) {
      const raw = message as { id?: unknown; result?: unknown; method?: unknown };
      if (raw.method !== undefined || !isId(raw.id)) return;
      const key = watched.get(raw.id);
      if (key === undefined) return;
      watched.delete(raw.id);
      if (isObject(raw.result) && trusted.size < MAX_TRUSTED_ENVELOPES) trusted.add(key);
    },
    close() {
      for (const controller of inFlight.values()) controller.abort('the host has gone');
      inFlight.clear();
      watched.clear();
    },
  };
}
