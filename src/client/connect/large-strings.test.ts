/**
 * Large strings sent as bytes encoded once: the server receives exactly what `JSON.stringify` gives for the
 * original message, with its content-length; the transport's serializer never sees the large string; the
 * caller's message is left as it was; a string changed in the same object is sent as it now is.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { JSONRPCMessage, Transport } from '@modelcontextprotocol/client';
import { afterEach, describe, expect, it } from 'vitest';

import { encodeJsonString, LargeStringBodies, LARGE_BODY_CHARS } from './large-strings.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
  server = undefined;
});

async function start(): Promise<{ url: string; received: { headers: IncomingHttpHeaders; bytes: Buffer }[] }> {
  const received: { headers: IncomingHttpHeaders; bytes: Buffer }[] = [];
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, bytes: Buffer.concat(chunks) });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`, received };
}

/** A transport that serializes as the SDK's does and POSTs through `fetchFn`; it keeps what it was sent. */
function serializingTransport(url: string, fetchFn: typeof fetch, redirect: RequestInit['redirect'] = 'manual') {
  const serialized: string[] = [];
  const transport = {
    start: async () => {},
    close: async () => {},
    send: async (message: JSONRPCMessage) => {
      const body = JSON.stringify(message);
      serialized.push(body);
      const response = await fetchFn(url, {
        method: 'POST',
        headers: new Headers({ 'content-type': 'application/json' }),
        body,
        redirect,
      });
      await response.text();
    },
  } satisfies Transport;
  return { transport, serialized };
}

/** Quotes, backslashes, control characters, two-, three- and four-byte UTF-8, a surrogate pair on a chunk edge. */
function awkwardText(length: number): string {
  const unit = 'a "quoted" back\\slash\ttab\nline, café “curly” 🐟 fish\u0001 ';
  let text = 'x'.repeat((1 << 15) - 1) + '🐟';
  while (text.length < length) text += unit;
  return text;
}

describe('encodeJsonString', () => {
  it('gives the bytes of JSON.stringify without the quotes, whatever the characters', () => {
    const text = awkwardText(200_000);
    const { chunks, bytes } = encodeJsonString(text);
    const expected = Buffer.from(JSON.stringify(text).slice(1, -1), 'utf8');
    expect(chunks.length).toBeGreaterThan(1);
    expect(bytes).toBe(expected.length);
    expect(Buffer.concat(chunks).equals(expected)).toBe(true);
  });
});

describe('LargeStringBodies', () => {
  it('sends a large string as the exact JSON bytes, with their content-length, and the SDK never serializes it', async () => {
    const { url, received } = await start();
    const bodies = new LargeStringBodies();
    const { transport, serialized } = serializingTransport(url, bodies.fetch(fetch));
    bodies.attach(transport);
    const text = awkwardText(LARGE_BODY_CHARS + 10);
    const message = {
      jsonrpc: '2.0',
      id: 7,
      method: 'tools/call',
      params: { name: 'summarize_document', arguments: { document_text: text, style: 'short' } },
    } as const;
    const before = JSON.stringify(message);
    await transport.send(message as unknown as JSONRPCMessage);

    expect(received).toHaveLength(1);
    expect(received[0]!.bytes.equals(Buffer.from(before, 'utf8'))).toBe(true);
    expect(received[0]!.headers['content-length']).toBe(String(Buffer.byteLength(before)));
    expect(received[0]!.headers['transfer-encoding']).toBeUndefined();
    expect(serialized[0]!.length).toBeLessThan(1000);
    expect(serialized[0]).not.toContain(text.slice(0, 100));
    // The caller's message is not changed.
    expect(JSON.stringify(message)).toBe(before);
  });

  it('sends the string an object holds now, after it changed between two sends', async () => {
    const { url, received } = await start();
    const bodies = new LargeStringBodies();
    const { transport } = serializingTransport(url, bodies.fetch(fetch));
    bodies.attach(transport);
    const args: Record<string, unknown> = { document_text: 'a'.repeat(LARGE_BODY_CHARS) };
    const call = (id: number) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 't', arguments: args } });
    const expected: string[] = [];
    const send = async (id: number) => {
      expected.push(JSON.stringify(call(id)));
      await transport.send(call(id) as unknown as JSONRPCMessage);
    };
    await send(1);
    await send(2);
    args['document_text'] = 'b'.repeat(LARGE_BODY_CHARS);
    await send(3);
    expect(received.map((r) => r.bytes.toString('utf8'))).toEqual(expected);
    expect(expected[2]).toContain('bbbb');
  });

  it('sends the whole text to a fetch that follows redirects itself, and leaves small messages alone', async () => {
    const { url, received } = await start();
    const bodies = new LargeStringBodies();
    const { transport, serialized } = serializingTransport(url, bodies.fetch(fetch), 'follow');
    bodies.attach(transport);
    const large = {
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 't', arguments: { a: 'é'.repeat(LARGE_BODY_CHARS) } },
    };
    const small = { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 't', arguments: { a: 'short' } } };
    await transport.send(large as unknown as JSONRPCMessage);
    await transport.send(small as unknown as JSONRPCMessage);
    expect(received.map((r) => r.bytes.toString('utf8'))).toEqual([JSON.stringify(large), JSON.stringify(small)]);
    expect(serialized[1]).toBe(JSON.stringify(small));
  });

  it('never stands in for the fields the transport reads (a tool name, the era envelope)', async () => {
    const { url, received } = await start();
    const bodies = new LargeStringBodies();
    const { transport, serialized } = serializingTransport(url, bodies.fetch(fetch));
    bodies.attach(transport);
    const name = 'n'.repeat(LARGE_BODY_CHARS);
    const message = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: {} } };
    await transport.send(message as unknown as JSONRPCMessage);
    expect(serialized[0]).toBe(JSON.stringify(message));
    expect(received[0]!.bytes.toString('utf8')).toBe(JSON.stringify(message));
  });
});
