/**
 * Streamable HTTP end to end: our client against `startHttpServer` on 127.0.0.1, on both eras; two
 * instances sharing the state key; the bad inputs of the HTTP layer; disconnects; graceful shutdown.
 */
import { afterEach, describe, expect, it } from 'vitest';

import { connectHttp } from '../src/client/connect/http.js';
import { type McpConnection } from '../src/client/connect/session.js';
import type { SamplingHandler } from '../src/client/sampling/handler.js';
import {
  startHttpServer,
  type HttpServeOptions,
  type RunningHttpServer,
} from '../src/server/transports/http/serve-http.js';
import { textOf } from './helpers/in-memory.js';
import { testHandler } from './helpers/runtime.js';
import { ERAS } from './helpers/wire.js';

const DOCUMENT =
  'The harbour town woke before dawn. Fishing boats left the quay one by one. ' +
  'By noon the market was full of buyers from the inland villages. ' +
  'Prices rose when the storm warning came. The mayor closed the harbour at dusk.';

/** A long document: many paragraphs, so that a small context window makes map and reduce rounds. */
const LONG_DOCUMENT = Array.from(
  { length: 40 },
  (_, i) =>
    `Section ${i + 1} describes the ${i % 2 === 0 ? 'northern' : 'southern'} district in detail. ` +
    `Its population grew by ${i + 3} percent over the decade. Trade with the coast shaped its markets. ` +
    `Local councils argued about roads, schools and the new water supply for years.`,
).join('\n\n');

const servers: RunningHttpServer[] = [];
const connections: McpConnection[] = [];

afterEach(async () => {
  await Promise.all(connections.splice(0).map((c) => c.close().catch(() => {})));
  await Promise.all(servers.splice(0).map((s) => s.close(0)));
});

const quiet = { info: () => {}, error: () => {} };

async function serve(options: HttpServeOptions = {}): Promise<RunningHttpServer> {
  const server = await startHttpServer({ port: 0, log: quiet, ...options });
  servers.push(server);
  return server;
}

async function connect(
  url: string,
  era: 'legacy' | 'modern' | 'auto',
  handler: SamplingHandler = testHandler(),
  extra: { bearerToken?: string; fetch?: typeof fetch } = {},
): Promise<McpConnection> {
  const connection = await connectHttp({ url, era, handler, ...extra });
  connections.push(connection);
  return connection;
}

const ACCEPT = 'application/json, text/event-stream';

/** The headers of a request on a raw 2025-era session. */
function sessionHeaders(session: string): Record<string, string> {
  return { accept: ACCEPT, 'mcp-session-id': session, 'mcp-protocol-version': '2025-11-25' };
}

/** A raw 2025-era session: initialize, then the initialized notification. Returns the session id. */
async function rawInitialize(url: string, headers: Record<string, string> = {}): Promise<string> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: ACCEPT, ...headers },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: {
        protocolVersion: '2025-11-25',
        capabilities: { sampling: {} },
        clientInfo: { name: 'raw-test', version: '1.0.0' },
      },
    }),
  });
  expect(response.status).toBe(200);
  const session = response.headers.get('mcp-session-id');
  expect(session).toBeTruthy();
  await response.body?.cancel();
  const initialized = await fetch(url, {
    method: 'POST',
    headers: { ...sessionHeaders(session!), 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
  });
  expect(initialized.status).toBe(202);
  return session!;
}

/** POSTs one JSON-RPC message on a raw 2025-era session. */
function sessionPost(url: string, session: string, message: unknown, signal?: AbortSignal): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { ...sessionHeaders(session), 'content-type': 'application/json' },
    body: JSON.stringify(message),
    ...(signal !== undefined && { signal }),
  });
}

const summarizeCall = (id: number) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name: 'summarize_document', arguments: { document_text: DOCUMENT } },
});

const samplingAnswer = (id: unknown, text: string) => ({
  jsonrpc: '2.0',
  id,
  result: { role: 'assistant', content: { type: 'text', text }, model: 'raw' },
});

/** Reads SSE `data:` messages from a response until `stop` returns true for one. */
async function readEvents(response: Response, stop: (message: Record<string, unknown>) => boolean) {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const messages: Record<string, unknown>[] = [];
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return { messages, reader };
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = event
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trim())
        .join('\n');
      if (data === '') continue;
      const message = JSON.parse(data) as Record<string, unknown>;
      messages.push(message);
      if (stop(message)) return { messages, reader };
    }
  }
}

async function waitFor(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('serve --http: both eras end to end', () => {
  it.each(ERAS)('summarizes over HTTP on the %s era', async (era) => {
    const server = await serve();
    const connection = await connect(server.url, era);
    expect(connection.era).toBe(era);
    const result = await connection.client.callTool({
      name: 'summarize_document',
      arguments: { document_text: DOCUMENT },
    });
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toMatch(/^Summary:\n/);
    expect(textOf(result)).toContain('harbour');
    // Only the 2025 era holds a session, and only while connected.
    expect(server.stats().sessions).toBe(era === 'legacy' ? 1 : 0);
    await connection.close();
    expect(server.stats().sessions).toBe(0);
  });

  it('lands on the 2026 era with --era auto, and runs a long document over several rounds', async () => {
    const server = await serve({ contextTokens: 1024 });
    const connection = await connect(server.url, 'auto');
    expect(connection.era).toBe('modern');
    const result = await connection.client.callTool(
      { name: 'summarize_document', arguments: { document_text: LONG_DOCUMENT } },
      { timeout: 60_000 },
    );
    expect(result.isError, textOf(result)).toBeFalsy();
    const stats = result._meta?.['mcp-sampling/summary'] as { chunks: number; levels: number };
    expect(stats.chunks).toBeGreaterThan(4);
    expect(stats.levels).toBeGreaterThan(0);
  });

  it('sends a 2025-era pushed sampling request on the stream of the tools/call POST that caused it', async () => {
    const server = await serve();
    const session = await rawInitialize(server.url);
    // No GET stream is open: the request can only arrive on the POST's own stream.
    const call = await sessionPost(server.url, session, summarizeCall(7));
    expect(call.headers.get('content-type')).toContain('text/event-stream');
    const { messages, reader } = await readEvents(call, (m) => m['method'] === 'sampling/createMessage');
    const request = messages.at(-1)!;
    expect(request['method']).toBe('sampling/createMessage');
    const params = request['params'] as { maxTokens: number; messages: { content: { text: string } }[] };
    expect(params.maxTokens).toBe(300);
    expect(params.messages[0]!.content.text).toBe(DOCUMENT);
    // Answer it: the tool's result then arrives on the same stream.
    const answer = await sessionPost(server.url, session, samplingAnswer(request['id'], 'A short answer.'));
    expect(answer.status).toBe(202);
    let result: Record<string, unknown> | undefined;
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      const match = /data: (\{.*"id":7.*\})/.exec(buffer);
      if (match !== null) {
        result = JSON.parse(match[1]!) as Record<string, unknown>;
        break;
      }
    }
    await reader.cancel().catch(() => {});
    expect(JSON.stringify(result)).toContain('Summary:\\nA short answer.');
  });
});

describe('serve --http: several instances sharing MCP_SAMPLING_STATE_KEY', () => {
  /** A fetch that sends each tools/call POST to the next instance in turn (a round-robin balancer). */
  function roundRobin(urls: string[]) {
    const served = urls.map(() => 0);
    let next = 0;
    // The client's own URL is ignored: every request goes to the next instance in turn.
    const balancer: typeof fetch = async (_url, init) => {
      const index = next++ % urls.length;
      if (typeof init?.body === 'string' && init.body.includes('"tools/call"')) served[index]! += 1;
      return fetch(urls[index]!, init);
    };
    return { balancer, served };
  }

  it('alternates the rounds of one 2026-era call between two instances', async () => {
    const key = 'shared-secret-key-for-the-state-of-both-instances';
    const a = await serve({ stateKey: key, contextTokens: 1024 });
    const b = await serve({ stateKey: key, contextTokens: 1024 });
    const { balancer, served } = roundRobin([a.url, b.url]);
    const connection = await connect(a.url, 'modern', testHandler(), { fetch: balancer });
    const result = await connection.client.callTool(
      { name: 'summarize_document', arguments: { document_text: LONG_DOCUMENT } },
      { timeout: 60_000 },
    );
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toMatch(/^Summary:\n/);
    // Every round went to an instance other than the one that issued its state.
    expect(served[0]).toBeGreaterThan(1);
    expect(served[1]).toBeGreaterThan(1);
  });

  it('refuses state signed by an instance with another key (-32602), and nothing is sampled', async () => {
    const a = await serve({ stateKey: 'key-of-instance-a-0123456789abcdef' });
    const b = await serve({ stateKey: 'key-of-instance-b-0123456789abcdef' });
    const { balancer } = roundRobin([a.url, b.url]);
    let sampled = 0;
    const handler = testHandler({ onEvent: (event) => void (event.type === 'request' && (sampled += 1)) });
    const connection = await connect(a.url, 'modern', handler, { fetch: balancer });
    await expect(
      connection.client.callTool({ name: 'summarize_document', arguments: { document_text: DOCUMENT } }),
    ).rejects.toMatchObject({ code: -32602 });
    // The first round's request was answered once; the forged-looking retry sampled nothing more.
    expect(sampled).toBe(1);
  });
});

describe('serve --http: stale round state', () => {
  it('refuses a 2026-era round whose state has expired (-32602), and the server keeps serving', async () => {
    const server = await serve({ stateTtlSeconds: 1 });
    const inner = testHandler();
    // The client takes longer to answer than the state lives.
    const slow: SamplingHandler = async (request, ctx) => {
      await new Promise((resolve) => setTimeout(resolve, 2100));
      return inner(request, ctx);
    };
    const connection = await connect(server.url, 'modern', slow);
    await expect(
      connection.client.callTool({ name: 'summarize_document', arguments: { document_text: DOCUMENT } }),
    ).rejects.toMatchObject({ code: -32602, message: expect.stringMatching(/expired/i) });
    const fresh = await connect(server.url, 'modern');
    const result = await fresh.client.callTool({ name: 'summarize_document', arguments: { document_text: DOCUMENT } });
    expect(result.isError).toBeFalsy();
  });
});

describe('serve --http: bad input', () => {
  const post = (url: string, body: string, headers: Record<string, string> = {}) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: ACCEPT, ...headers }, body });

  it('answers invalid JSON with 400 and a JSON-RPC parse error', async () => {
    const server = await serve();
    const response = await post(server.url, '{"jsonrpc": "2.0", "id": 1, "method": ');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: -32700 } });
  });

  it('answers a body that is not JSON by its content type with 415', async () => {
    const server = await serve();
    const response = await post(server.url, 'hello', { 'content-type': 'text/plain' });
    expect(response.status).toBe(415);
    expect(await response.json()).toMatchObject({ error: { message: expect.stringContaining('application/json') } });
  });

  it('answers an oversized body with 413 and keeps serving others', async () => {
    const server = await serve({ maxBodyBytes: 64 * 1024 });
    const big = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'summarize_document', arguments: { document_text: 'x'.repeat(200_000) } },
    });
    const response = await post(server.url, big);
    expect(response.status).toBe(413);
    const connection = await connect(server.url, 'modern');
    const result = await connection.client.callTool({
      name: 'summarize_document',
      arguments: { document_text: DOCUMENT },
    });
    expect(result.isError).toBeFalsy();
  });

  it('answers an unknown session with 404, and a session request without an id with 400', async () => {
    const server = await serve();
    const unknown = await post(server.url, JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }), {
      'mcp-session-id': 'no-such-session',
    });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: -32001 } });
    const missing = await post(server.url, JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }));
    expect(missing.status).toBe(400);
  });

  it('refuses a foreign Origin and a foreign Host with 403 (DNS-rebinding protection)', async () => {
    const server = await serve();
    const origin = await post(server.url, '{}', { origin: 'https://evil.example' });
    expect(origin.status).toBe(403);
    // fetch will not forge Host; a raw request does.
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(server.url, { method: 'POST', headers: { host: 'evil.example:80' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end('{}');
    });
    expect(status).toBe(403);
    // Names added to the loopback ones are accepted too; the loopback names still are.
    const named = await serve({ allowedHosts: ['docs.internal'], allowedOrigins: ['app.internal'] });
    const statusFor = (url: string, headers: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        const req = request(url, { method: 'GET', headers }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    // A GET without a session is past the guards: 400 from the session layer, not 403.
    expect(await statusFor(named.url, { host: 'docs.internal' })).toBe(400);
    expect(await statusFor(named.url, { origin: 'https://app.internal' })).toBe(400);
    expect(await statusFor(named.url, { origin: 'https://other.internal' })).toBe(403);
    expect(await statusFor(named.url, {})).toBe(400);
    // A local browser origin is fine.
    const local = await fetch(server.url.replace('/mcp', '/healthz'), { headers: { origin: 'http://localhost:5173' } });
    expect(local.status).toBe(200);
  });

  it('requires the bearer token when one is set, and the client sends it', async () => {
    const server = await serve({ authToken: 'let-me-in-0123456789' });
    const anonymous = await post(server.url, '{}');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const wrong = await post(server.url, '{}', { authorization: 'Bearer let-me-in-9876543210' });
    expect(wrong.status).toBe(401);
    await expect(connect(server.url, 'modern')).rejects.toThrow();
    const connection = await connect(server.url, 'legacy', testHandler(), { bearerToken: 'let-me-in-0123456789' });
    const result = await connection.client.callTool({
      name: 'summarize_document',
      arguments: { document_text: DOCUMENT },
    });
    expect(result.isError).toBeFalsy();
  });

  it('answers /healthz with the server state, and other paths with 404', async () => {
    const server = await serve();
    const health = await fetch(server.url.replace('/mcp', '/healthz'));
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', server: 'document-assistant', sessions: 0 });
    expect((await fetch(server.url.replace('/mcp', '/other'))).status).toBe(404);
  });
});

describe('serve --http: disconnects and sessions', () => {
  it('cancels the call of a 2025-era client that disconnects mid-call, and forgets idle sessions', async () => {
    const lines: string[] = [];
    const server = await serve({
      sessionIdleMs: 200,
      disconnectGraceMs: 100,
      log: { info: () => {}, error: () => {}, debug: (line) => lines.push(line) },
    });
    const session = await rawInitialize(server.url);
    const abort = new AbortController();
    const call = await sessionPost(server.url, session, summarizeCall(9), abort.signal);
    await readEvents(call, (m) => m['method'] === 'sampling/createMessage');
    // The client goes away without answering, and without DELETE.
    abort.abort();
    await waitFor(() => lines.some((line) => line.includes('cancelled request 9')), 'the call to be cancelled');
    await waitFor(() => server.stats().inFlight === 0, 'no request in flight');
    await waitFor(() => server.stats().sessions === 0, 'the idle session to be closed', 5000);
  });

  it('lets a 2025-era client whose stream dropped reconnect with Last-Event-ID and still get the request', async () => {
    const lines: string[] = [];
    const server = await serve({ log: { info: () => {}, error: () => {}, debug: (line) => lines.push(line) } });
    const session = await rawInitialize(server.url);
    const abort = new AbortController();
    const call = await sessionPost(server.url, session, summarizeCall(11), abort.signal);
    // The stream's first event is a priming event with an id and no data: where to resume from.
    const reader = call.body!.pipeThrough(new TextDecoderStream()).getReader();
    let head = '';
    while (!/^id: (\S+)$/m.test(head)) head += (await reader.read()).value ?? '';
    const primingId = /^id: (\S+)$/m.exec(head)![1]!;
    abort.abort();
    // Reconnect, as a client does after the `retry` interval: until the server has seen the old stream go,
    // it answers 409 (one connection per stream). The pushed request is replayed on the new stream.
    let resumed: Response;
    for (let attempt = 0; ; attempt += 1) {
      resumed = await fetch(server.url, {
        method: 'GET',
        headers: { ...sessionHeaders(session), 'last-event-id': primingId },
      });
      if (resumed.status !== 409 || attempt === 40) break;
      await resumed.body?.cancel();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(resumed.status).toBe(200);
    const { messages, reader: resumedReader } = await readEvents(
      resumed,
      (m) => m['method'] === 'sampling/createMessage',
    );
    const request = messages.at(-1)!;
    await sessionPost(server.url, session, samplingAnswer(request['id'], 'Resumed answer.'));
    // The tool's result arrives on the resumed stream, and the call was never cancelled.
    let rest = '';
    while (!rest.includes('"id":11')) {
      const { value, done } = await resumedReader.read();
      if (done) break;
      rest += value;
    }
    await resumedReader.cancel().catch(() => {});
    expect(rest).toContain('Summary:\\nResumed answer.');
    expect(lines.some((line) => line.includes('cancelled'))).toBe(false);
  });

  it('keeps the session map bounded: clients that vanish leave nothing behind', async () => {
    const server = await serve({ sessionIdleMs: 200 });
    for (let i = 0; i < 20; i += 1) await rawInitialize(server.url);
    expect(server.stats().sessions).toBe(20);
    await waitFor(() => server.stats().sessions === 0, 'idle sessions to be closed', 5000);
    // A DELETE ends a session at once.
    const session = await rawInitialize(server.url);
    const deleted = await fetch(server.url, {
      method: 'DELETE',
      headers: { 'mcp-session-id': session, 'mcp-protocol-version': '2025-11-25' },
    });
    expect(deleted.status).toBe(200);
    expect(server.stats().sessions).toBe(0);
  });

  it('refuses new sessions beyond maxSessions with 503 while the others are busy', async () => {
    const server = await serve({ maxSessions: 2 });
    await rawInitialize(server.url);
    await rawInitialize(server.url);
    const third = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: ACCEPT },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'x', version: '1' } },
      }),
    });
    // The two sessions are recent, so none is idle enough to make room.
    expect(third.status).toBe(503);
  });
});

describe('serve --http behind a balancer that names sessions (sessionIdHeader)', () => {
  const PROPOSAL = 'x-mcp-session-proposal';
  const proposed = '0123456789abcdef0123456789abcdef';

  it('opens a 2025-era session under the id the balancer proposes, and serves it under that id', async () => {
    const server = await serve({ sessionIdHeader: 'X-Mcp-Session-Proposal' });
    const session = await rawInitialize(server.url, { [PROPOSAL]: proposed });
    expect(session).toBe(proposed);
    const call = await sessionPost(server.url, session, summarizeCall(3));
    const { messages, reader } = await readEvents(call, (m) => m['method'] === 'sampling/createMessage');
    await reader.cancel().catch(() => {});
    expect(messages.at(-1)).toMatchObject({ method: 'sampling/createMessage' });
  });

  it('ignores a proposal that is malformed, names a session in use, or that it was not told to read', async () => {
    const server = await serve({ sessionIdHeader: 'X-Mcp-Session-Proposal' });
    const first = await rawInitialize(server.url, { [PROPOSAL]: proposed });
    // The same id again: another session, under a random id; the first one is untouched.
    const again = await rawInitialize(server.url, { [PROPOSAL]: proposed });
    expect(again).not.toBe(first);
    expect(server.stats().sessions).toBe(2);
    for (const bad of ['short', 'x'.repeat(129), 'has spaces in it, 0123456789']) {
      expect(await rawInitialize(server.url, { [PROPOSAL]: bad })).not.toBe(bad);
    }
    // Not configured: the header means nothing.
    const plain = await serve();
    expect(await rawInitialize(plain.url, { [PROPOSAL]: proposed })).not.toBe(proposed);
  });

  it('refuses a sessionIdHeader that is not a header name, or one clients send', async () => {
    await expect(serve({ sessionIdHeader: 'two words' })).rejects.toThrow(
      /sessionIdHeader must be an HTTP header name/,
    );
    await expect(serve({ sessionIdHeader: 'Mcp-Session-Id' })).rejects.toThrow(/name a header the balancer sets/);
  });
});

describe('serve --http: graceful shutdown', () => {
  /** A handler that holds each answer until `release()` is called. */
  function heldHandler() {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const arrived = new Promise<void>((resolve) => (started = resolve));
    const inner = testHandler();
    const handler: SamplingHandler = async (request, ctx) => {
      started();
      await released;
      return inner(request, ctx);
    };
    return { handler, arrived, release: () => release() };
  }

  it('finishes a 2025-era call in flight, refuses new work with 503, then closes', async () => {
    const server = await serve();
    const held = heldHandler();
    const connection = await connect(server.url, 'legacy', held.handler);
    const call = connection.client.callTool({ name: 'summarize_document', arguments: { document_text: DOCUMENT } });
    await held.arrived;
    const closed = server.close(10_000);
    expect(server.stats()).toMatchObject({ draining: true, inFlight: 1, sessions: 1 });
    const health = await fetch(server.url.replace('/mcp', '/healthz'));
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ status: 'draining' });
    // New work is refused, on a new session or on the draining one.
    await expect(connect(server.url, 'legacy')).rejects.toThrow();
    // The call in flight still gets its client's answer through, and completes.
    held.release();
    const result = await call;
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toMatch(/^Summary:\n/);
    await closed;
    expect(server.stats()).toMatchObject({ sessions: 0, inFlight: 0 });
  });

  it('moves a 2026-era call to another instance when its instance drains between rounds', async () => {
    const key = 'shared-secret-key-for-a-rolling-restart-0123';
    const a = await serve({ stateKey: key });
    const b = await serve({ stateKey: key });
    const used: string[] = [];
    // A balancer that prefers A and fails over to B when A refuses (503) or is gone.
    const balancer: typeof fetch = async (_url, init) => {
      const first = await fetch(a.url, init).catch(() => undefined);
      if (first !== undefined && first.status !== 503) {
        used.push('a');
        return first;
      }
      used.push('b');
      return fetch(b.url, init);
    };
    const held = heldHandler();
    const connection = await connect(a.url, 'modern', held.handler, { fetch: balancer });
    const call = connection.client.callTool({ name: 'summarize_document', arguments: { document_text: DOCUMENT } });
    await held.arrived;
    // The first round is answered by A; while the client samples, A shuts down.
    await a.close(10_000);
    held.release();
    const result = await call;
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toMatch(/^Summary:\n/);
    expect(used.at(-1)).toBe('b');
  });

  it('closes calls still running at the drain deadline', async () => {
    const server = await serve();
    const held = heldHandler();
    const connection = await connect(server.url, 'legacy', held.handler);
    const call = connection.client.callTool(
      { name: 'summarize_document', arguments: { document_text: DOCUMENT } },
      { timeout: 3000 },
    );
    await held.arrived;
    // close() resolves at the deadline although the call never finishes; the session is gone.
    await server.close(100);
    expect(server.stats()).toMatchObject({ sessions: 0 });
    held.release();
    await expect(call).rejects.toThrow();
  });
});

describe('wrong-shaped inputResponses over HTTP (2026-07-28)', () => {
  it('are refused with -32602 and the reason, before any tool runs', async () => {
    const server = await serve();
    const { client } = await connect(server.url, 'modern');
    const call = { name: 'summarize_document', arguments: { document_text: DOCUMENT } };
    const first = (await client.callTool(call, { allowInputRequired: true })) as unknown as {
      inputRequests: Record<string, unknown>;
      requestState: string;
    };
    const [key] = Object.keys(first.inputRequests);
    const retry = client.callTool(
      {
        ...call,
        inputResponses: { [key!]: { role: 'assistant', model: 'm', content: 'hello' } },
        requestState: first.requestState,
      } as typeof call,
      { allowInputRequired: true },
    );
    await expect(retry).rejects.toMatchObject({
      code: -32602,
      message: `inputResponses["${key}"] is not a valid sampling answer: content: expected object, received string`,
    });
  });
});

describe('a sampling answer with result null over HTTP (2025 era)', () => {
  it('fails the call at once with one line instead of waiting for the sampling timeout', async () => {
    const server = await serve();
    const session = await rawInitialize(server.url);
    const call = await sessionPost(server.url, session, summarizeCall(21));
    const { messages, reader } = await readEvents(call, (m) => m['method'] === 'sampling/createMessage');
    const request = messages.at(-1)!;
    const answer = await sessionPost(server.url, session, { jsonrpc: '2.0', id: request['id'], result: null });
    expect(answer.status).toBe(202);
    let buffer = '';
    let result: { isError?: boolean; content?: unknown } | undefined;
    while (result === undefined) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      const match = /data: (\{.*"id":21.*\})/.exec(buffer);
      if (match !== null) result = (JSON.parse(match[1]!) as { result: typeof result }).result;
    }
    await reader.cancel();
    expect(result?.isError).toBe(true);
    expect(textOf(result!)).toBe("the client's sampling answer is invalid: expected an object as the result, got null");
  });
});
