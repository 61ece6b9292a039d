/**
 * A request whose response stream ends without its response: the SDK's HTTP transport says so
 * (`onRequestStreamEnd`, after any resumption it tries), but only its own `subscriptions/listen` listens,
 * so a `tools/call` whose server died would wait out its whole timeout while the sampling request it
 * started kept a provider busy. This closes the connection then, with the reason: every pending call
 * fails, and every request the server had sent is aborted (its provider call stopped). A request this
 * side cancelled is not waited for: the server rightly ends its stream without an answer.
 */
import type { Client, JSONRPCMessage, Transport, TransportSendOptions } from '@modelcontextprotocol/client';

type Id = string | number;

const isRequest = (message: JSONRPCMessage): message is JSONRPCMessage & { id: Id; method: string } =>
  'method' in message && 'id' in message && message.id !== undefined;
const isCancellation = (message: JSONRPCMessage): message is JSONRPCMessage & { params: { requestId: Id } } =>
  'method' in message &&
  message.method === 'notifications/cancelled' &&
  !('id' in message && message.id !== undefined) &&
  typeof (message.params as { requestId?: unknown } | undefined)?.requestId !== 'undefined';
const responseId = (message: JSONRPCMessage): Id | undefined =>
  !('method' in message) && 'id' in message ? (message.id as Id) : undefined;

/**
 * Watches the streams of `client`'s requests over `transport` (once connected); `onLost` hears the reason
 * before the connection is closed.
 */
export function closeOnLostRequestStreams(
  client: Client,
  transport: Transport,
  onLost?: (reason: string) => void,
): void {
  const waiting = new Map<Id, string>();
  const receive = transport.onmessage;
  transport.onmessage = (message, extra) => {
    const id = responseId(message);
    if (id !== undefined) waiting.delete(id);
    receive?.(message, extra);
  };
  const send = transport.send.bind(transport);
  transport.send = (message: JSONRPCMessage, options?: TransportSendOptions) => {
    if (!isRequest(message)) {
      // A request this side cancelled (the caller's signal, a timeout) gets no answer by design: its stream
      // ending is not the server going away.
      if (isCancellation(message)) waiting.delete(message.params.requestId);
      return send(message, options);
    }
    const { id, method } = message;
    waiting.set(id, method);
    const ended = options?.onRequestStreamEnd;
    const sent = send(message, {
      ...options,
      onRequestStreamEnd: () => {
        ended?.();
        const lost = waiting.get(id);
        if (lost === undefined) return;
        waiting.delete(id);
        onLost?.(`the server ended the stream of ${lost} before answering (it may have stopped)`);
        void client.close().catch(() => {});
      },
    });
    return sent.catch((error: unknown) => {
      waiting.delete(id);
      throw error;
    });
  };
}
