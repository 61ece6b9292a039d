/**
 * `serveStdio(factory)` and `serveHttp(factory, options)` of `mcp-sampling/server` with a user-built server
 * (engine.createServer + engine.registerTool, one tool that samples), called by the official SDK client on
 * both eras: over stdio as a spawned child process, over HTTP in this process on 127.0.0.1 port 0. And what
 * bad options do: one line, at once.
 */
import { fileURLToPath } from 'node:url';

import { StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import type { McpServer } from '@modelcontextprotocol/server';
import { describe, expect, it } from 'vitest';
import * as z from 'zod/v4';

import { createSamplingEngine, resultText, serveHttp, serveStdio } from '../src/server/index.js';
import { sdkClient, userText, type Reply } from './helpers/sdk-client.js';
import { ERAS, textOf } from './helpers/wire.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/library/echo-server.ts', import.meta.url));
const QUIET = { info: () => {}, error: () => {} };
const reverse: Reply = (params) => [...userText(params)].reverse().join('');

function factory(): () => McpServer {
  const engine = createSamplingEngine();
  return () => {
    const server = engine.createServer({ name: 'http-echo', version: '1.0.0' });
    engine.registerTool(
      server,
      'reverse',
      { inputSchema: z.object({ text: z.string() }) },
      async ({ text }, sampler) => {
        const answer = await sampler.sample({
          messages: [{ role: 'user', content: { type: 'text', text } }],
          maxTokens: 50,
        });
        return { content: [{ type: 'text', text: `reversed: ${resultText(answer)}` }] };
      },
    );
    return server;
  };
}

describe.each(ERAS)('a user-built server on the %s era', (era) => {
  it('served by serveStdio in a child process', async () => {
    const client = sdkClient(era, reverse);
    await client.connect(
      new StdioClientTransport({ command: process.execPath, args: ['--import', 'tsx', FIXTURE], stderr: 'pipe' }),
    );
    try {
      expect(client.getProtocolEra()).toBe(era);
      const result = await client.callTool({ name: 'reverse', arguments: { text: 'stressed' } });
      expect(textOf(result)).toBe('reversed: desserts');
    } finally {
      await client.close();
    }
  });

  it('served by serveHttp, both eras on one endpoint', async () => {
    const http = await serveHttp(factory(), { port: 0, signals: false, log: QUIET });
    const client = sdkClient(era, reverse);
    try {
      await client.connect(new StreamableHTTPClientTransport(new URL(http.url)));
      expect(client.getProtocolEra()).toBe(era);
      const result = await client.callTool({ name: 'reverse', arguments: { text: 'drawer' } });
      expect(textOf(result)).toBe('reversed: reward');
    } finally {
      await client.close();
      await http.close(0);
    }
    await http.closed; // resolved once close() is done
    expect(http.stats().draining).toBe(true);
  });
});

describe('serveHttp and serveStdio', () => {
  it('report the port picked and health, and close when asked', async () => {
    const http = await serveHttp(factory(), { port: 0, signals: false, log: QUIET, name: 'mine', version: '2.0.0' });
    expect(http.url).toBe(`http://127.0.0.1:${http.port}/mcp`);
    const health = await fetch(`http://127.0.0.1:${http.port}/healthz`).then((r) => r.json());
    expect(health).toMatchObject({ status: 'ok', server: 'mine', version: '2.0.0', sessions: 0 });
    await http.close();
    await expect(fetch(http.url)).rejects.toThrow();
  });

  it('refuse bad options at once with one line', () => {
    const good = factory();
    expect(() => serveHttp('nope' as never)).toThrow(
      /^serveHttp: the first argument must be a function that returns an McpServer \(got string\)$/,
    );
    expect(() => serveHttp(good, { port: 70000 })).toThrow(
      /^serveHttp: port must be an integer from 0 to 65535 \(got 70000\)$/,
    );
    expect(() => serveHttp(good, { port: -1 })).toThrow(RangeError);
    expect(() => serveHttp(good, { maxBodyBytes: 0 })).toThrow(/maxBodyBytes must be a positive integer/);
    expect(() => serveHttp(good, { authToken: '' })).toThrow(/authToken must be a non-empty string/);
    expect(() => serveStdio(undefined as never)).toThrow(/^serveStdio: the first argument must be a function/);
    expect(() => serveStdio(good, { maxMessageBytes: -5 })).toThrow(
      /^serveStdio: maxMessageBytes must be a positive integer \(got -5\)$/,
    );
  });

  it('serveHttp rejects when the port is taken', async () => {
    const first = await serveHttp(factory(), { port: 0, signals: false, log: QUIET });
    try {
      await expect(serveHttp(factory(), { port: first.port, signals: false, log: QUIET })).rejects.toThrow(
        /EADDRINUSE/,
      );
    } finally {
      await first.close();
    }
  });
});
