/**
 * The 2026-07-28 round's lean path (one `sample()`, no signal read, nothing tracked: no AbortController made)
 * and its fallback to the full path when a body issues a second request, in parallel or in sequence, reads
 * `sampler.signal`, or tracks work, against the official SDK client.
 */
import type { McpServer } from '@modelcontextprotocol/server';
import { afterAll, describe, expect, it } from 'vitest';
import * as z from 'zod/v4';

import { createSamplingEngine, resultText, type Sampler } from '../src/server/index.js';
import { sdkClient, userText, type Reply } from './helpers/sdk-client.js';
import { textOf, wire } from './helpers/wire.js';

const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  while (closers.length > 0) await closers.pop()!().catch(() => {});
});

const upper: Reply = (params) => userText(params).toUpperCase();
const ask = (text: string) => ({
  messages: [{ role: 'user' as const, content: { type: 'text' as const, text } }],
  maxTokens: 50,
});

describe('2026-07-28 rounds: lean path and full path', () => {
  const engine = createSamplingEngine();
  const samplers: Sampler[] = [];
  const signals: { abortedInBody: boolean; abortedAfter: () => boolean }[] = [];
  const factory = (): McpServer => {
    const server = engine.createServer({ name: 'lean', version: '1.0.0' });
    engine.registerTool(server, 'one', { inputSchema: z.object({ text: z.string() }) }, async ({ text }, sampler) => ({
      content: [{ type: 'text', text: resultText(await sampler.sample(ask(text))) }],
    }));
    engine.registerTool(server, 'parallel', { inputSchema: z.object({ text: z.string() }) }, async ({ text }, s) => {
      const [a, b] = await Promise.all([s.sample(ask(`${text}-a`)), s.sample(ask(`${text}-b`))]);
      return { content: [{ type: 'text', text: `${resultText(a)}+${resultText(b)}` }] };
    });
    engine.registerTool(server, 'sequence', { inputSchema: z.object({ text: z.string() }) }, async ({ text }, s) => {
      const a = resultText(await s.sample(ask(text)));
      const b = resultText(await s.sample(ask(`${a}-again`)));
      const c = resultText(await s.sample(ask(text))); // the same params again: its own occurrence key
      return { content: [{ type: 'text', text: `${b}|${c}` }] };
    });
    engine.registerTool(server, 'signal', { inputSchema: z.object({ text: z.string() }) }, async ({ text }, s) => {
      const answer = resultText(await s.sample(ask(text)));
      const signal = s.signal;
      signals.push({ abortedInBody: signal.aborted, abortedAfter: () => signal.aborted });
      const tracked = await s.track(Promise.resolve('tracked'));
      return { content: [{ type: 'text', text: `${answer} ${tracked}` }] };
    });
    engine.registerTool(server, 'keep', { inputSchema: z.object({ text: z.string() }) }, async ({ text }, s) => {
      samplers.push(s);
      return { content: [{ type: 'text', text: resultText(await s.sample(ask(text))) }] };
    });
    return server;
  };

  const connect = async () => {
    const wired = await wire({ era: 'modern', server: factory, client: sdkClient('modern', upper) });
    closers.push(() => wired.close());
    return wired.client;
  };

  it('answers a body with one sample()', async () => {
    const client = await connect();
    expect(textOf(await client.callTool({ name: 'one', arguments: { text: 'hi' } }))).toBe('HI');
  });

  it('answers a body that samples twice in parallel (both in one round)', async () => {
    const client = await connect();
    expect(textOf(await client.callTool({ name: 'parallel', arguments: { text: 'x' } }))).toBe('X-A+X-B');
  });

  it('answers a body that samples in sequence, the same params twice included', async () => {
    const client = await connect();
    expect(textOf(await client.callTool({ name: 'sequence', arguments: { text: 'y' } }))).toBe('Y-AGAIN|Y');
  });

  it('gives a body that reads sampler.signal a live signal, aborted once its round ends', async () => {
    signals.length = 0;
    const client = await connect();
    expect(textOf(await client.callTool({ name: 'signal', arguments: { text: 'z' } }))).toBe('Z tracked');
    expect(signals).toHaveLength(1);
    expect(signals[0]!.abortedInBody).toBe(false);
    expect(signals[0]!.abortedAfter()).toBe(true);
  });

  it('gives a signal first read after its round ended already aborted (the first round of a two-round call)', async () => {
    samplers.length = 0;
    const client = await connect();
    expect(textOf(await client.callTool({ name: 'keep', arguments: { text: 'w' } }))).toBe('W');
    expect(samplers).toHaveLength(2);
    expect(samplers[0]!.signal.aborted).toBe(true);
    expect(samplers[1]!.signal.aborted).toBe(true);
  });
});
