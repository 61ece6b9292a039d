/**
 * `serveHttp` keeps an idle keep-alive connection longer than the gap a 2026-era client leaves between the
 * rounds of a long document. With Node's default (5 s) the server closed the pooled connection just as the
 * client reused it for the next round's POST, which then failed as "fetch failed".
 */
import { Agent, request } from 'node:http';

import { describe, expect, it } from 'vitest';

import { createSamplingEngine, serveHttp } from '../src/server/index.js';

const QUIET = { info: () => {}, error: () => {} };

/** GET `path` through `agent`; resolves with the status and the socket that carried it. */
function get(url: URL, agent: Agent): Promise<{ status: number; socket: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      res.resume();
      res.once('end', () => resolve({ status: res.statusCode ?? 0, socket: req.socket }));
    });
    req.once('error', reject);
    req.end();
  });
}

describe('serveHttp keep-alive', () => {
  it('a connection left idle for 6 s is still open for the next request', async () => {
    const engine = createSamplingEngine();
    const http = await serveHttp(() => engine.createServer({ name: 'keep-alive', version: '1.0.0' }), {
      port: 0,
      signals: false,
      log: QUIET,
    });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const health = new URL('/healthz', http.url);
      const first = await get(health, agent);
      await new Promise((resolve) => setTimeout(resolve, 6_000));
      const second = await get(health, agent);
      expect([first.status, second.status]).toEqual([200, 200]);
      // The same socket carried both: the server did not close it while it sat idle.
      expect(second.socket).toBe(first.socket);
    } finally {
      agent.destroy();
      await http.close(0);
    }
  }, 20_000);
});
