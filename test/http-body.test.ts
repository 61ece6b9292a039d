/**
 * Request bodies on `serve --http`, read in bounded memory: a body that is not JSON is never decoded into
 * a string (let alone twice), oversized bodies get 413 with or without a content-length, and valid bodies
 * (chunked, or with a byte order mark) still reach the tools.
 */
import { request } from 'node:http';

import { afterEach, describe, expect, it, vi } from 'vitest';

import { startHttpServer, type RunningHttpServer } from '../src/server/transports/http/serve-http.js';

const ACCEPT = 'application/json, text/event-stream';
const MB = 1024 * 1024;

const servers: RunningHttpServer[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(servers.splice(0).map((s) => s.close(0)));
});

async function serve(maxBodyBytes?: number): Promise<RunningHttpServer> {
  const server = await startHttpServer({ port: 0, log: { info: () => {}, error: () => {} }, maxBodyBytes });
  servers.push(server);
  return server;
}

/** POSTs `parts` as a chunked body (no content-length) and returns the status and parsed answer. */
function postChunked(url: string, parts: (string | Buffer)[]): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: ACCEPT, 'mcp-protocol-version': '2026-07-28' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, body: text === '' ? undefined : JSON.parse(text) });
        });
      },
    );
    req.on('error', reject);
    for (const part of parts) req.write(part);
    req.end();
  });
}

const post = (url: string, body: string | Buffer) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: ACCEPT, 'mcp-protocol-version': '2026-07-28' },
    body,
  });

describe('HTTP request bodies', () => {
  it('answers a large body that is not JSON with a parse error, without decoding it into a string', async () => {
    const server = await serve();
    const head = '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"arguments":{"document_text":"';
    // Valid up to the very end, where the closing brace is missing: the whole body must be checked.
    const body = `${head}${'a'.repeat(8 * MB)}"}}`;
    const parse = vi.spyOn(JSON, 'parse');
    const response = await post(server.url, body);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { code: -32700, message: expect.stringContaining('not valid JSON') },
    });
    // Before: the body was decoded (twice) and handed to JSON.parse as an 8 MB string.
    const largest = Math.max(0, ...parse.mock.calls.map(([text]) => (typeof text === 'string' ? text.length : 0)));
    expect(largest).toBeLessThan(MB);
  });

  it.each([
    ['a small body sent whole', ['{"jsonrpc":"2.0","id":1,"method":"tools/list"']],
    ['a small body in pieces', ['{"jsonrpc":"2.0",', '"id":1,"method":', '"tools/list"']],
    ['a small body with a bad byte', ['{"jsonrpc":"2.0","id":1,"method":"tools/list"}x']],
  ])('answers %s that is not JSON with a parse error', async (_what, parts) => {
    const server = await serve();
    expect(await postChunked(server.url, parts)).toMatchObject({
      status: 400,
      body: { error: { code: -32700, message: expect.stringContaining('not valid JSON') as string } },
    });
  });

  it('answers 413 to a chunked body over the limit', async () => {
    const server = await serve(64 * 1024);
    const answer = await postChunked(server.url, [
      '{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":"',
      'x'.repeat(100_000),
      '"}}',
    ]);
    expect(answer.status).toBe(413);
    expect(answer.body).toMatchObject({
      error: { message: 'Payload Too Large: Request body must not exceed 65536 bytes' },
    });
  });

  it('serves a valid chunked body, and one that starts with a byte order mark', async () => {
    const server = await serve();
    const ping =
      '{"jsonrpc":"2.0","id":3,"method":"ping","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}';
    const chunked = await postChunked(server.url, [ping.slice(0, 10), ping.slice(10)]);
    const withBom = await post(server.url, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(ping)]));
    const plain = await post(server.url, ping);
    const plainBody = await plain.text();
    expect(chunked.status).toBe(plain.status);
    expect(JSON.stringify(chunked.body)).toBe(JSON.stringify(JSON.parse(plainBody)));
    expect(withBom.status).toBe(plain.status);
    expect(await withBom.text()).toBe(plainBody);
  });
});
