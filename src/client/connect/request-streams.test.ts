/**
 * closeOnLostRequestStreams: a request whose stream ends unanswered closes the connection (the server has
 * gone), but one this side cancelled does not (the server ends its stream without an answer by design).
 */
import type { Client, JSONRPCMessage, Transport, TransportSendOptions } from '@modelcontextprotocol/client';
import { describe, expect, it } from 'vitest';

import { closeOnLostRequestStreams } from './request-streams.js';

function fakes() {
  const ends = new Map<string | number, () => void>();
  const transport = {
    start: async () => {},
    close: async () => {},
    send: async (message: JSONRPCMessage, options?: TransportSendOptions) => {
      if ('id' in message && 'method' in message && options?.onRequestStreamEnd !== undefined) {
        ends.set(message.id as string | number, options.onRequestStreamEnd);
      }
    },
  } as Transport;
  let closed = 0;
  const client = { close: async () => void closed++ } as unknown as Client;
  const lost: string[] = [];
  closeOnLostRequestStreams(client, transport, (reason) => lost.push(reason));
  const request = (id: number) =>
    transport.send({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'x' } }, {
      onRequestStreamEnd: () => {},
    } as TransportSendOptions);
  return { transport, ends, lost, closed: () => closed, request };
}

describe('closeOnLostRequestStreams', () => {
  it('a stream that ends before its answer closes the connection and says why', async () => {
    const { ends, lost, closed, request } = fakes();
    await request(1);
    ends.get(1)!();
    expect(lost).toEqual(['the server ended the stream of tools/call before answering (it may have stopped)']);
    expect(closed()).toBe(1);
  });

  it('an answered request, then its stream ending, changes nothing', async () => {
    const { transport, ends, lost, closed, request } = fakes();
    await request(2);
    transport.onmessage?.({ jsonrpc: '2.0', id: 2, result: { content: [] } });
    ends.get(2)!();
    expect(lost).toEqual([]);
    expect(closed()).toBe(0);
  });

  it('a request this side cancelled: its stream ending unanswered is not the server gone', async () => {
    const { transport, ends, lost, closed, request } = fakes();
    await request(3);
    await transport.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 3 } });
    ends.get(3)!();
    expect(lost).toEqual([]);
    expect(closed()).toBe(0);
  });
});
