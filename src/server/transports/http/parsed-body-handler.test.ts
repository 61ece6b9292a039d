import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterEach, describe, expect, it } from 'vitest';

import { serveParsedBody, type ParsedBodyFetch } from './parsed-body-handler.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/** A loopback server that hands every request to `fetch` with the parsed body `body`. */
async function serve(body: unknown, fetch: ParsedBodyFetch, errors: Error[] = []): Promise<string> {
  server = createServer((req, res) => {
    req.resume();
    void serveParsedBody(req, res, body, fetch, (error) => errors.push(error));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp?x=1`;
}

describe('serveParsedBody', () => {
  it('gives the handler the parsed body and a Request with the headers but no body headers', async () => {
    const parsed = { jsonrpc: '2.0', id: 7, method: 'ping' };
    let seen: { url: string; method: string; headers: Headers; parsedBody: unknown; body: unknown } | undefined;
    const url = await serve(parsed, async (request, extra) => {
      seen = { url: request.url, method: request.method, headers: request.headers, ...extra, body: request.body };
      return Response.json({ ok: true }, { status: 202, headers: { 'x-answer': 'yes' } });
    });
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-mine': 'a' },
      body: JSON.stringify(parsed),
    });
    expect(response.status).toBe(202);
    expect(response.headers.get('x-answer')).toBe('yes');
    expect(await response.json()).toEqual({ ok: true });
    expect(seen!.parsedBody).toBe(parsed);
    expect(seen!.method).toBe('POST');
    expect(seen!.url).toMatch(/\/mcp\?x=1$/);
    expect(seen!.headers.get('x-mine')).toBe('a');
    expect(seen!.headers.get('content-length')).toBeNull();
    expect(seen!.body).toBeNull();
  });

  it('streams a response body in pieces', async () => {
    const url = await serve({}, async () => {
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          for (const part of ['event: message\n', 'data: 1\n\n', 'data: 2\n\n']) {
            controller.enqueue(new TextEncoder().encode(part));
          }
          controller.close();
        },
      });
      return new Response(stream, { headers: { 'content-type': 'text/event-stream' } });
    });
    const response = await fetch(url, { method: 'POST', body: '{}' });
    expect(await response.text()).toBe('event: message\ndata: 1\n\ndata: 2\n\n');
  });

  it('answers a failing handler with a JSON-RPC internal error that echoes the request id', async () => {
    const errors: Error[] = [];
    const url = await serve(
      { jsonrpc: '2.0', id: 'r1', method: 'tools/call' },
      async () => {
        throw new Error('boom');
      },
      errors,
    );
    const response = await fetch(url, { method: 'POST', body: '{}' });
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({
      jsonrpc: '2.0',
      error: { code: -32603, message: 'Internal server error' },
      id: 'r1',
    });
    expect(errors.map((e) => e.message)).toEqual(['boom']);
  });

  it("aborts the handler's signal when the client goes away", async () => {
    let aborted: Promise<void> | undefined;
    const url = await serve({}, async (request) => {
      aborted = new Promise((resolve) => request.signal.addEventListener('abort', () => resolve(), { once: true }));
      // An event stream that never ends on its own.
      return new Response(new ReadableStream({ start: (c) => c.enqueue(new TextEncoder().encode(': hi\n\n')) }));
    });
    const client = new AbortController();
    const response = await fetch(url, { method: 'POST', body: '{}', signal: client.signal });
    const reader = response.body!.getReader();
    await reader.read();
    client.abort();
    await expect(aborted).resolves.toBeUndefined();
  });
});
