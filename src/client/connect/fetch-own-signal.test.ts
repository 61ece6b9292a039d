/**
 * The per-request signal wrapper for the HTTP client transport: no listener piles up on the transport's
 * signal (the leak behind MaxListenersExceededWarning on long documents), and aborting still works.
 */
import { getEventListeners } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterEach, describe, expect, it } from 'vitest';

import { fetchWithOwnSignal } from './fetch-own-signal.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
  server = undefined;
});

/** A local server: 202 with a short body, or a stream that stays open (`/stream`). */
async function start(): Promise<string> {
  server = createServer((req, res) => {
    if (req.url === '/stream') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: first\n\n');
      return;
    }
    res.writeHead(202, { 'content-type': 'text/plain' });
    res.end('accepted');
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('fetchWithOwnSignal', () => {
  it('leaves at most one listener on a long-lived signal, however many requests used it', async () => {
    const url = await start();
    const transport = new AbortController();
    const wrapped = fetchWithOwnSignal(fetch);
    for (let i = 0; i < 40; i++) {
      const response = await wrapped(url, { method: 'POST', body: '{}', signal: transport.signal });
      expect(await response.text()).toBe('accepted');
      expect(response.status).toBe(202);
    }
    expect(getEventListeners(transport.signal, 'abort').length).toBeLessThanOrEqual(1);
  });

  it('still aborts a stream in flight when the long-lived signal aborts', async () => {
    const url = await start();
    const transport = new AbortController();
    const response = await fetchWithOwnSignal(fetch)(`${url}/stream`, { signal: transport.signal });
    const reader = response.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('data: first\n\n');
    transport.abort(new Error('transport closed'));
    await expect(reader.read()).rejects.toThrow();
  });

  /** A base fetch that answers `body` as JSON and records the signal each request was given. */
  function recording(body: string) {
    const signals: AbortSignal[] = [];
    const base = (async (_input: unknown, init?: RequestInit) => {
      signals.push(init!.signal!);
      return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
    }) as typeof fetch;
    return { base, signals };
  }

  it("returns the base fetch's own response, whose body reads as usual", async () => {
    const transport = new AbortController();
    let given: Response | undefined;
    const base = (async () => (given = new Response('{"ok":true}', { status: 200 }))) as typeof fetch;
    const response = await fetchWithOwnSignal(base)('http://127.0.0.1:9/mcp', { signal: transport.signal });
    expect(response).toBe(given);
    expect(response).toBeInstanceOf(Response);
    expect(response.body).not.toBeNull();
    // Looking at the body does not lock it: a reader method still works afterwards.
    expect(await response.json()).toEqual({ ok: true });
    expect(response.bodyUsed).toBe(true);
  });

  it('aborts a request whose body is not read yet, and no longer one whose body was read', async () => {
    const transport = new AbortController();
    const { base, signals } = recording('{"n":1}');
    const wrapped = fetchWithOwnSignal(base);
    const read = await wrapped('http://127.0.0.1:9/mcp', { signal: transport.signal });
    expect(await read.text()).toBe('{"n":1}');
    const streamed = await wrapped('http://127.0.0.1:9/mcp', { signal: transport.signal });
    expect(await new Response(streamed.body).text()).toBe('{"n":1}');
    const cloned = await wrapped('http://127.0.0.1:9/mcp', { signal: transport.signal });
    expect(await cloned.clone().json()).toEqual({ n: 1 });
    const unread = await wrapped('http://127.0.0.1:9/mcp', { signal: transport.signal });
    transport.abort(new Error('transport closed'));
    expect(signals.map((signal) => signal.aborted)).toEqual([false, false, false, true]);
    expect(unread.bodyUsed).toBe(false);
  });
});
