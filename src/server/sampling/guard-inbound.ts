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
 * HTTP front to each parsed body, and `parseStdioLine` to each stdio line as it is parsed (where the
 * SDK's schema would drop a `result: null` line before any transport callback could see it).
 */
import {
  parseJSONRPCMessage,
  type JSONRPCErrorResponse,
  type JSONRPCMessage,
  type Transport,
} from '@modelcontextprotocol/server';

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

/** A response whose `result` is not an object, as the error response for its id; anything else as it is. */
function screenResult(message: unknown): unknown {
  if (!isRecord(message) || !isId(message['id'])) return message;
  if ('method' in message || !('result' in message) || isRecord(message['result'])) return message;
  return {
    jsonrpc: '2.0',
    id: message['id'],
    error: {
      code: -32603,
      message: `expected an object as the result, got ${describe(message['result'])}`,
      data: { reason: INVALID_RESULT_REASON },
    },
  };
}

export function screenInbound(message: unknown): Screened {
  if (!isRecord(message) || !isId(message['id'])) return { deliver: message as JSONRPCMessage };
  const id = message['id'];
  const result = screenResult(message);
  if (result !== message) return { deliver: result as JSONRPCMessage };
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

/**
 * One stdio line, parsed once and screened: a response whose result is not an object becomes the error
 * response for its id (the SDK's schema would drop it and leave the request waiting). A line that is not
 * JSON throws a SyntaxError, as the SDK's own parser does (such a line is skipped).
 */
export function parseStdioLine(line: string): JSONRPCMessage {
  return parseJSONRPCMessage(screenResult(JSON.parse(line)));
}
