/**
 * Large request bodies over Streamable HTTP (src/client/connect/large-strings.ts): a `tools/call` carrying
 * a long `document_text` reaches the server as exactly the bytes `JSON.stringify` gives for the message,
 * with their content-length (not chunked), on both eras, though the client now sends the document as bytes
 * encoded once instead of a JSON text per round. A recording proxy between client and server keeps the
 * bytes each request carried.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';

import { afterEach, describe, expect, it } from 'vitest';

import { LARGE_BODY_CHARS } from '../src/client/connect/large-strings.js';
import { connectHttp } from '../src/client/connect/http.js';
import type { McpConnection } from '../src/client/connect/session.js';
import { startHttpServer, type RunningHttpServer } from '../src/server/transports/http/serve-http.js';
import { SUMMARIZE_DOCUMENT_TOOL } from '../src/shared/contract.js';
import { textOf } from './helpers/in-memory.js';
import { testHandler } from './helpers/runtime.js';
import { ERAS } from './helpers/wire.js';

interface Received {
  method: string;
  headers: IncomingHttpHeaders;
  bytes: Buffer;
}

const servers: RunningHttpServer[] = [];
const proxies: Server[] = [];
const connections: McpConnection[] = [];
afterEach(async () => {
  await Promise.all(connections.splice(0).map((c) => c.close().catch(() => {})));
  for (const proxy of proxies.splice(0)) {
    proxy.closeAllConnections();
    await new Promise((resolve) => proxy.close(resolve));
  }
  await Promise.all(servers.splice(0).map((s) => s.close(0)));
});

/** A proxy on 127.0.0.1 that records every request's raw bytes and forwards it to `target`. */
async function recordingProxy(target: string): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const proxy = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const bytes = Buffer.concat(chunks);
      received.push({ method: req.method ?? '', headers: req.headers, bytes });
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === 'string' && !['host', 'connection', 'content-length'].includes(name)) {
          headers.set(name, value);
        }
      }
      const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
      fetch(target, { method: req.method ?? 'GET', headers, ...(hasBody && { body: bytes }) })
        .then((response) => {
          const out: Record<string, string> = {};
          response.headers.forEach((value, name) => {
            if (!['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(name)) {
              out[name] = value;
            }
          });
          res.writeHead(response.status, out);
          if (response.body === null) res.end();
          else Readable.fromWeb(response.body as never).pipe(res);
        })
        .catch(() => res.destroy());
    });
  });
  proxies.push(proxy);
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/mcp`, received };
}

/** Over `LARGE_BODY_CHARS` characters, with two-byte, three-byte and four-byte (surrogate pair) UTF-8. */
const PARAGRAPH = 'the café on the quay sold “smoked fish” to 🐟 buyers from the valley.\n';
const DOCUMENT = Array.from(
  { length: Math.ceil((LARGE_BODY_CHARS * 1.1) / PARAGRAPH.length) },
  (_, i) => `Paragraph ${i}: ${PARAGRAPH}`,
).join('');

/** Each body's digest and length, in one order (requests in flight at once may arrive in another). */
function fingerprints(bodies: readonly Buffer[]): string[] {
  return bodies.map((bytes) => `${bytes.length}:${createHash('sha256').update(bytes).digest('hex')}`).sort();
}

describe('large request bodies over HTTP', () => {
  it.each(ERAS)(
    'a long document reaches the server as the exact bytes and length of the JSON the SDK sent (%s)',
    async (era) => {
      const server = await startHttpServer({ port: 0, log: { info: () => {}, error: () => {} } });
      servers.push(server);
      const proxy = await recordingProxy(server.url);
      const sent: { body: 'text' | 'stream' | 'other'; length: number | undefined }[] = [];
      const recordingFetch: typeof fetch = (input, init) => {
        if (init?.method === 'POST') {
          const body = init.body;
          sent.push({
            body: typeof body === 'string' ? 'text' : body instanceof ReadableStream ? 'stream' : 'other',
            length: typeof body === 'string' ? body.length : undefined,
          });
        }
        return fetch(input, init);
      };
      const connection = await connectHttp({ url: proxy.url, era, handler: testHandler(), fetch: recordingFetch });
      connections.push(connection);
      const result = await connection.client.callTool(
        { name: SUMMARIZE_DOCUMENT_TOOL, arguments: { document_text: DOCUMENT } },
        { timeout: 120_000 },
      );
      expect(result.isError).not.toBe(true);
      expect(textOf(result).length).toBeGreaterThan(0);

      const posts = proxy.received.filter((request) => request.method === 'POST');
      expect(posts).toHaveLength(sent.length);
      for (const request of posts) {
        // Byte for byte what JSON.stringify gives for the message the body holds (its serialization is canonical).
        const text = request.bytes.toString('utf8');
        expect(fingerprints([request.bytes])).toEqual(fingerprints([Buffer.from(JSON.stringify(JSON.parse(text)))]));
        expect(request.headers['content-length']).toBe(String(request.bytes.length));
        expect(request.headers['transfer-encoding']).toBeUndefined();
      }
      // The document arrived whole in every long body (each round of the 2026 era re-sends it); those went as
      // pre-encoded bytes (a stream of known length), every other body as the SDK's text.
      const large = posts.filter((request) => request.bytes.length >= LARGE_BODY_CHARS);
      expect(large.length).toBeGreaterThanOrEqual(era === 'modern' ? 2 : 1);
      for (const request of large) {
        const message = JSON.parse(request.bytes.toString('utf8')) as {
          params: { arguments: Record<string, unknown> };
        };
        expect(message.params.arguments['document_text']).toBe(DOCUMENT);
      }
      expect(sent.filter((request) => request.body === 'stream')).toHaveLength(large.length);
      expect(sent.filter((request) => request.body === 'text').every((r) => r.length! < LARGE_BODY_CHARS)).toBe(true);
    },
    120_000,
  );
});
