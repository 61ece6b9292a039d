/**
 * The no-clone wrapper for the HTTP client transport: a string body (small or large) is sent with redirect
 * "error", a redirect still reaches the caller as the response it asked for, and everything else is passed
 * through.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterEach, describe, expect, it, vi } from 'vitest';

import { fetchWithoutBodyClone } from './fetch-without-body-clone.js';
import { LARGE_BODY_CHARS } from './large-strings.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
  server = undefined;
});

/** A local server: `/moved` answers 307 to `/new`; anything else echoes the body's length. */
async function start(): Promise<{ url: string; lengths: number[] }> {
  const lengths: number[] = [];
  server = createServer((req, res) => {
    let length = 0;
    req.on('data', (chunk: Buffer) => (length += chunk.length));
    req.on('end', () => {
      lengths.push(length);
      if (req.url === '/moved') {
        res.writeHead(307, { location: '/new' });
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(String(length));
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, lengths };
}

const LARGE = `"${'é'.repeat(LARGE_BODY_CHARS)}"`;
const SMALL = '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"t"}}';

describe('fetchWithoutBodyClone', () => {
  it.each([
    ['large', LARGE],
    ['small', SMALL],
  ])('sends a %s string body whole, with redirect "error"', async (_, body) => {
    const { url } = await start();
    const base = vi.fn<typeof fetch>((input, init) => fetch(input, init));
    const response = await fetchWithoutBodyClone(base)(url, { method: 'POST', body, redirect: 'manual' });
    expect(await response.text()).toBe(String(Buffer.byteLength(body)));
    expect(base).toHaveBeenCalledTimes(1);
    expect(base.mock.calls[0]![1]).toMatchObject({ body, method: 'POST', redirect: 'error' });
  });

  it.each([
    ['large', LARGE],
    ['small', SMALL],
  ])(
    'gives the caller the redirect response it asked for ("manual") with a %s body, as the plain fetch does',
    async (_, body) => {
      const { url, lengths } = await start();
      const plain = await fetch(`${url}/moved`, { method: 'POST', body, redirect: 'manual' });
      const wrapped = await fetchWithoutBodyClone(fetch)(`${url}/moved`, {
        method: 'POST',
        body,
        redirect: 'manual',
      });
      expect(wrapped.status).toBe(plain.status);
      expect(wrapped.status).toBe(307);
      expect(wrapped.headers.get('location')).toBe('/new');
      // The wrapped request was sent again as asked: the redirecting server saw the whole body each time.
      expect(lengths).toEqual([Buffer.byteLength(body), Buffer.byteLength(body), Buffer.byteLength(body)]);
    },
  );

  it('follows a redirect as the plain fetch does when the caller asks to follow', async () => {
    const { url, lengths } = await start();
    const wrapped = await fetchWithoutBodyClone(fetch)(`${url}/moved`, { method: 'POST', body: SMALL });
    expect(wrapped.status).toBe(200);
    expect(await wrapped.text()).toBe(String(Buffer.byteLength(SMALL)));
    // Sent with "error" (refused at the redirect), then as asked: the redirect, then its target.
    expect(lengths).toEqual([Buffer.byteLength(SMALL), Buffer.byteLength(SMALL), Buffer.byteLength(SMALL)]);
  });

  it('passes bodies that are not strings, and requests that ask for "error", through untouched', async () => {
    const base = vi.fn<typeof fetch>(() => Promise.resolve(new Response('ok')));
    const wrapped = fetchWithoutBodyClone(base);
    const none: RequestInit = { method: 'GET', redirect: 'manual' };
    const bytes: RequestInit = { method: 'POST', body: new TextEncoder().encode(LARGE), redirect: 'manual' };
    const asked: RequestInit = { method: 'POST', body: LARGE, redirect: 'error' };
    for (const init of [none, bytes, asked]) await wrapped('http://127.0.0.1:1/', init);
    expect(base.mock.calls.map(([, init]) => init)).toEqual([none, bytes, asked]);
    expect(base.mock.calls.every(([, init], i) => init === [none, bytes, asked][i])).toBe(true);
  });

  it('does not send again after a failure that is not a redirect', async () => {
    const { url } = await start();
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
    const base = vi.fn<typeof fetch>((input, init) => fetch(input, init));
    await expect(fetchWithoutBodyClone(base)(url, { method: 'POST', body: LARGE })).rejects.toThrow('fetch failed');
    expect(base).toHaveBeenCalledTimes(1);
  });
});
