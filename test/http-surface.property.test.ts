/**
 * Property tests of the HTTP surface (`serve --http`): any body and any mix of the headers that matter
 * (content type, accept, protocol version, session id, origin, authorization, method) get a definite
 * answer, a 2xx or a 4xx/503 with a JSON-RPC error of one line, never a 500, a reset or a hang; and the
 * server keeps serving afterwards.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startHttpServer, type RunningHttpServer } from '../src/server/transports/http/serve-http.js';
import { isOneLinePerProblem, propertyParameters } from './helpers/properties.js';

const TOKEN = 'property-test-token-0123456789';
const ACCEPT = 'application/json, text/event-stream';
let server: RunningHttpServer;
/** A real 2025-era session, so that generated requests also reach a session's handlers. */
let session: string;

beforeAll(async () => {
  server = await startHttpServer({
    port: 0,
    log: { info: () => {}, error: () => {} },
    authToken: TOKEN,
    maxBodyBytes: 64 * 1024,
    disconnectGraceMs: 0,
  });
  const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', accept: ACCEPT };
  const init = await fetch(server.url, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'property', version: '1' } },
    }),
  });
  session = init.headers.get('mcp-session-id')!;
  await init.body?.cancel();
  const initialized = await fetch(server.url, {
    method: 'POST',
    headers: { ...auth, 'mcp-session-id': session, 'mcp-protocol-version': '2025-11-25' },
    body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
  });
  await initialized.body?.cancel();
});
afterAll(async () => {
  await server.close(0);
});

const jsonRpc = fc.record(
  {
    jsonrpc: fc.oneof(fc.constant('2.0'), fc.string({ maxLength: 4 })),
    id: fc.oneof(fc.integer(), fc.string({ maxLength: 6 }), fc.constant(null)),
    method: fc.oneof(
      fc.constantFrom('initialize', 'tools/list', 'tools/call', 'server/discover', 'ping', 'notifications/initialized'),
      fc.string({ maxLength: 20 }),
    ),
    params: fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.record({
        name: fc.constantFrom('summarize_document', 'ask_document', 'nope'),
        arguments: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
        _meta: fc.jsonValue({ maxDepth: 2 }),
        requestState: fc.string({ maxLength: 40 }),
        inputResponses: fc.jsonValue({ maxDepth: 2 }),
      }),
    ),
  },
  { requiredKeys: [] },
);

/** Requests of the right shape on either era, with arguments of any shape. */
const wellFormed = fc
  .tuple(
    fc.constantFrom('2025-11-25', '2026-07-28'),
    fc.constantFrom('tools/list', 'tools/call', 'ping', 'server/discover', 'prompts/list'),
    fc.constantFrom('summarize_document', 'ask_document', 'extract_key_points', 'nope'),
    fc.dictionary(fc.constantFrom('document_text', 'path', 'question', 'x'), fc.jsonValue({ maxDepth: 1 }), {
      maxKeys: 3,
    }),
  )
  .map(([version, method, name, args]) => {
    const meta =
      version === '2026-07-28'
        ? {
            _meta: {
              'io.modelcontextprotocol/protocolVersion': version,
              'io.modelcontextprotocol/clientInfo': { name: 'property', version: '1' },
              'io.modelcontextprotocol/clientCapabilities': {},
            },
          }
        : {};
    return {
      headers: {
        authorization: `Bearer ${TOKEN}`,
        'content-type': 'application/json',
        accept: ACCEPT,
        'mcp-protocol-version': version,
        ...(version === '2025-11-25'
          ? { 'mcp-session-id': session }
          : { 'mcp-method': method, ...(method === 'tools/call' && { 'mcp-name': name }) }),
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 7,
        method,
        params: { ...(method === 'tools/call' && { name, arguments: args }), ...meta },
      }),
    };
  });

const body = fc.oneof(
  jsonRpc.map((message) => JSON.stringify(message)),
  fc.array(jsonRpc, { maxLength: 3 }).map((batch) => JSON.stringify(batch)),
  fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.constant(''),
  // Larger than the 64 KiB limit of this server.
  fc.constant(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping', params: { pad: 'x'.repeat(70_000) } })),
);

const headers = fc.record(
  {
    'content-type': fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', ''),
    accept: fc.constantFrom('application/json, text/event-stream', 'application/json', 'text/event-stream', '*/*'),
    'mcp-protocol-version': fc.oneof(
      fc.constantFrom('2025-11-25', '2026-07-28', '2025-03-26'),
      fc.string({ maxLength: 12 }),
    ),
    'mcp-session-id': fc.oneof(
      fc.constant('').map(() => session),
      fc.uuid(),
      fc.string({ maxLength: 20 }),
    ),
    // Mostly the right origin and token, so that most cases reach the MCP handlers behind those guards.
    origin: fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom('http://127.0.0.1', 'http://localhost:3000') },
      { weight: 1, arbitrary: fc.constantFrom('https://evil.example', 'null') },
    ),
    authorization: fc.oneof(
      { weight: 6, arbitrary: fc.constant(`Bearer ${TOKEN}`) },
      { weight: 1, arbitrary: fc.constantFrom('Bearer wrong', 'Basic abc', '') },
    ),
  },
  { requiredKeys: ['authorization'] },
);

/** Header values a fetch() can send: printable ASCII only (the rest fetch itself refuses). */
function sendable(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => /^[\x20-\x7e]*$/.test(value)));
}

const statuses = new Map<number, number>();

describe('the HTTP surface (property)', () => {
  it('any request gets a definite answer with a readable error, and the server keeps serving', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.tuple(fc.constantFrom('POST', 'GET', 'DELETE', 'PUT'), headers, body),
          wellFormed.map(({ headers, body }) => ['POST', headers, body] as const),
        ),
        async ([method, head, text]) => {
          const response = await fetch(server.url, {
            method,
            headers: sendable(head),
            ...(method === 'POST' || method === 'PUT' ? { body: text } : {}),
            signal: AbortSignal.timeout(5_000),
          });
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          // Never a server error: bad input is the client's error (4xx); 503 only while draining.
          expect(response.status === 503 || response.status < 500).toBe(true);
          const type = response.headers.get('content-type') ?? '';
          if (type.includes('text/event-stream')) {
            // A stream: read no further (a session's GET stream stays open by design).
            await response.body?.cancel();
            return;
          }
          const raw = await response.text();
          if (response.status >= 400 && raw.length > 0) {
            const parsed = JSON.parse(raw) as { error?: { message?: string } | string };
            const message = typeof parsed.error === 'string' ? parsed.error : parsed.error?.message;
            expect(typeof message).toBe('string');
            expect(isOneLinePerProblem(message!)).toBe(true);
          }
        },
      ),
      propertyParameters(300),
    );
    const health = await fetch(new URL('/healthz', server.url));
    expect(health.status).toBe(200);
    if (process.env['FC_VERBOSE']) console.error(Object.fromEntries(statuses));
    // The cases reached past the guards: answers, not only 401/403.
    expect([...statuses.keys()].some((status) => status < 300)).toBe(true);
  });
});
