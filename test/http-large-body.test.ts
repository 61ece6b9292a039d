/**
 * Large request bodies over Streamable HTTP (src/client/connect/fetch-without-body-clone.ts): a
 * `tools/call` carrying a long `document_text` reaches the server as exactly the bytes of the JSON the SDK
 * serialized, with the same content-length, on both eras, though the client now sends it without undici's
 * clone. A recording proxy between client and server keeps the bytes each request carried.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';

import { afterEach, describe, expect, it } from 'vitest';

import { LARGE_BODY_CHARS } from '../src/client/connect/fetch-without-body-clone.js';
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
      const sent: { body: string; redirect: RequestInit['redirect'] }[] = [];
      const recordingFetch: typeof fetch = (input, init) => {
        if (typeof init?.body === 'string') sent.push({ body: init.body, redirect: init.redirect });
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
      expect(fingerprints(posts.map((request) => request.bytes))).toEqual(
        fingerprints(sent.map((request) => Buffer.from(request.body, 'utf8'))),
      );
      for (const request of posts) {
        expect(request.headers['content-length']).toBe(String(request.bytes.length));
        expect(request.headers['transfer-encoding']).toBeUndefined();
      }
      // The long bodies took the path without the clone; the document arrived whole in each of them.
      const large = sent.filter((request) => request.body.length >= LARGE_BODY_CHARS);
      expect(large.length).toBeGreaterThanOrEqual(1);
      for (const request of large) {
        expect(request.redirect).toBe('error');
        expect(JSON.parse(request.body).params.arguments.document_text).toBe(DOCUMENT);
      }
      expect(
        sent.filter((request) => request.body.length < LARGE_BODY_CHARS).every((r) => r.redirect !== 'error'),
      ).toBe(true);
    },
    120_000,
  );
});
