/**
 * Screens what a client sends before the SDK sees it, for the two shapes the SDK would otherwise leave
 * hanging:
 *
 * - a response whose `result` is not an object (`result: null`): the SDK drops it as an unknown message, so
 *   the request it answers would wait for its timeout. It is delivered as an error response instead, and
 *   the request fails at once with the reason.
 * - a 2026-era `tools/call` retry whose `inputResponses` hold an entry of the wrong shape: the SDK passes
 *   them on unvalidated and the sampling engine would ask again, round after round. It is refused with
 *   -32602 and the reason, before any tool runs.
 *
 * `screenInbound` is the decision (pure); `guardTransport` applies it to a transport (stdio, in memory), the
 * HTTP front to each parsed body, and `screenJsonLine` to each stdio line before it is parsed (where the
 * SDK's schema would drop a `result: null` line before any transport callback could see it).
 */
import type { JSONRPCErrorResponse, JSONRPCMessage, Transport } from '@modelcontextprotocol/server';

import { INVALID_RESULT_REASON } from './check-answer.js';
import { checkInputResponses } from './rounds.js';

export type Screened =
  /** Pass this on (the message itself, or the error response that replaces an invalid result). */
  | { deliver: JSONRPCMessage }
  /** Answer the sender with this and pass nothing on. */
  | { reply: JSONRPCErrorResponse };

type RequestId = string | number;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isId(value: unknown): value is RequestId {
  return typeof value === 'string' || typeof value === 'number';
}

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}

export function screenInbound(message: unknown): Screened {
  if (!isRecord(message) || !isId(message['id'])) return { deliver: message as JSONRPCMessage };
  const id = message['id'];
  if (!('method' in message) && 'result' in message && !isRecord(message['result'])) {
    return {
      deliver: {
        jsonrpc: '2.0',
        id,
        error: {
          code: -32603,
          message: `expected an object as the result, got ${describe(message['result'])}`,
          data: { reason: INVALID_RESULT_REASON },
        },
      },
    };
  }
  if (message['method'] === 'tools/call' && isRecord(message['params']) && 'inputResponses' in message['params']) {
    const reason = checkInputResponses(message['params']['inputResponses']);
    if (reason !== undefined) return { reply: { jsonrpc: '2.0', id, error: { code: -32602, message: reason } } };
  }
  return { deliver: message as JSONRPCMessage };
}

/**
 * Runs `screenInbound` on every message `transport` delivers, in place: the protocol layer sets
 * `onmessage` as usual and gets only screened messages; refusals are sent back on the same transport.
 */
export function guardTransport<T extends Transport>(transport: T): T {
  let handler: Transport['onmessage'];
  const guarded: NonNullable<Transport['onmessage']> = (message, extra) => {
    const screened = screenInbound(message);
    if ('reply' in screened) {
      void transport.send(screened.reply).catch(() => {});
      return;
    }
    handler?.(screened.deliver, extra);
  };
  Object.defineProperty(transport, 'onmessage', {
    configurable: true,
    enumerable: true,
    get: () => (handler === undefined ? undefined : guarded),
    set: (value: Transport['onmessage']) => {
      handler = value;
    },
  });
  return transport;
}

/** Lines up to this size are screened; longer ones (a long document's rounds) pass through untouched. */
const MAX_SCREENED_LINE_CHARS = 1024 * 1024;

/**
 * One stdio line, screened: a small response whose result is not an object becomes the error response for
 * its id (as JSON text); every other line is returned as it is, unparsed when it cannot be such a response.
 */
export function screenJsonLine(line: string): string {
  if (line.length > MAX_SCREENED_LINE_CHARS || !line.includes('"result"')) return line;
  let message: unknown;
  try {
    message = JSON.parse(line);
  } catch {
    return line;
  }
  const screened = screenInbound(message);
  if (!('deliver' in screened) || screened.deliver === message) return line;
  return JSON.stringify(screened.deliver);
}
