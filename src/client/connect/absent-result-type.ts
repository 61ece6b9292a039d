/**
 * SEP-2322 leniency: on a 2026-07-28 connection a result that carries no `resultType` is a complete result
 * (the conformance suite's `sep-2322-client-request-state` requires a client to assume "complete"). The SDK
 * refuses such a result outright; this wraps the transport's message callback, once connected, so that a
 * response without `resultType` reaches the SDK as `resultType: "complete"`. Nothing else is touched: an
 * `input_required` result, errors, requests and notifications pass unchanged.
 */
import type { Transport } from '@modelcontextprotocol/client';

type OnMessage = NonNullable<Transport['onmessage']>;
type Message = Parameters<OnMessage>[0];

function completed(message: Message): Message {
  if (typeof message !== 'object' || message === null || !('result' in message) || !('id' in message)) return message;
  const result = message.result as unknown;
  if (typeof result !== 'object' || result === null || Array.isArray(result) || 'resultType' in result) return message;
  return { ...message, result: { ...result, resultType: 'complete' } } as Message;
}

/** Makes `transport` deliver results without `resultType` as complete ones (call after `client.connect`). */
export function assumeCompleteResults(transport: Transport): void {
  const deliver = transport.onmessage;
  if (deliver === undefined) return;
  transport.onmessage = ((message, extra) => deliver(completed(message), extra)) as OnMessage;
}
