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
});
