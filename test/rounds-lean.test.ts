/**
 * The 2026-07-28 round's lean path (one `sample()`, no signal read, nothing tracked: no AbortController made)
 * and its fallback to the full path when a body issues a second request, in parallel or in sequence, reads
 * `sampler.signal`, or tracks work, against the official SDK client; and the refusals of a retry's state
 * (tampered, expired, another instance's, other arguments) on that path.
 */
import type { Client } from '@modelcontextprotocol/client';
import type { McpServer } from '@modelcontextprotocol/server';
import { afterAll, describe, expect, it } from 'vitest';
import * as z from 'zod/v4';

import { createHmacStateCodec } from '../src/server/sampling/hmac-state-codec.js';
import { resolveStateKey } from '../src/server/sampling/engine.js';
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
    engine.registerTool(server, 'twice', { inputSchema: z.object({ text: z.string() }) }, async ({ text }, s) => {
      // The same params twice in one round, and nothing else: two occurrences of one digest.
      const [a, b] = await Promise.all([s.sample(ask(text)), s.sample(ask(text))]);
      return { content: [{ type: 'text', text: `${resultText(a)}=${resultText(b)}` }] };
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

  it('answers a body that sends the same params twice at once (keys .0 and .1 in one round)', async () => {
    const client = await connect();
    expect(textOf(await client.callTool({ name: 'twice', arguments: { text: 'q' } }))).toBe('Q=Q');
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

describe("2026-07-28 rounds: a retry whose state is not this call's is refused (-32602)", () => {
  const KEY = 'k'.repeat(40);
  const engine = createSamplingEngine({ stateKey: KEY });
  const factory = (): McpServer => {
    const server = engine.createServer({ name: 'lean-refusals', version: '1.0.0' });
    engine.registerTool(server, 'one', { inputSchema: z.object({ text: z.string() }) }, async ({ text }, sampler) => ({
      content: [{ type: 'text', text: resultText(await sampler.sample(ask(text))) }],
    }));
    return server;
  };
  const ANSWER = { role: 'assistant', model: 'm', content: { type: 'text', text: 'DONE' } };

  const connect = async (): Promise<Client> => {
    const wired = await wire({
      era: 'modern',
      server: factory,
      client: sdkClient('modern', upper, { autoFulfill: false }),
    });
    closers.push(() => wired.close());
    return wired.client;
  };
  const call = (client: Client, text: string, extra: Record<string, unknown> = {}) =>
    client
      .request(
        { method: 'tools/call', params: { name: 'one', arguments: { text }, ...extra } },
        { allowInputRequired: true },
      )
      .then(
        (result) => ({ ok: true as const, result: result as Record<string, unknown> }),
        (error: unknown) => ({ ok: false as const, code: (error as { code?: unknown }).code, message: String(error) }),
      );
  /** The first round: its one request's key and the state it issued. */
  const firstRound = async (client: Client, text: string) => {
    const round = await call(client, text);
    if (!round.ok) throw new Error(round.message);
    const requests = round.result['inputRequests'] as Record<string, unknown>;
    expect(round.result['resultType']).toBe('input_required');
    expect(Object.keys(requests)).toHaveLength(1);
    return { key: Object.keys(requests)[0]!, state: round.result['requestState'] as string };
  };

  it('accepts its own state and finishes in the second round', async () => {
    const client = await connect();
    const { key, state } = await firstRound(client, 'a');
    const done = await call(client, 'a', { requestState: state, inputResponses: { [key]: ANSWER } });
    expect(done.ok && textOf(done.result as { content?: unknown })).toBe('DONE');
  });

  it('refuses tampered state', async () => {
    const client = await connect();
    const { key, state } = await firstRound(client, 'b');
    const tampered = `${state.slice(0, -2)}${state.endsWith('AA') ? 'BB' : 'AA'}`;
    const refused = await call(client, 'b', { requestState: tampered, inputResponses: { [key]: ANSWER } });
    expect(refused).toMatchObject({ ok: false, code: -32602 });
  });

  it('refuses expired state signed with the same key', async () => {
    const client = await connect();
    const { key } = await firstRound(client, 'c');
    const expiredCodec = createHmacStateCodec({ key: resolveStateKey(KEY), ttlSeconds: -60 });
    const expired = expiredCodec.mintSync({ t: 'one', h: 'x', a: {} });
    const refused = await call(client, 'c', { requestState: expired, inputResponses: { [key]: ANSWER } });
    expect(refused).toMatchObject({ ok: false, code: -32602 });
  });

  it("refuses another instance's state (another key)", async () => {
    const client = await connect();
    const { key } = await firstRound(client, 'd');
    const other = createHmacStateCodec({ key: resolveStateKey('o'.repeat(40)), ttlSeconds: 900 });
    const foreign = other.mintSync({ t: 'one', h: 'x', a: {} });
    const refused = await call(client, 'd', { requestState: foreign, inputResponses: { [key]: ANSWER } });
    expect(refused).toMatchObject({ ok: false, code: -32602 });
  });

  it('refuses its own state replayed with other arguments', async () => {
    const client = await connect();
    const { key, state } = await firstRound(client, 'e');
    const refused = await call(client, 'other', { requestState: state, inputResponses: { [key]: ANSWER } });
    // Refused by the engine inside the tool handler (the signature is valid), which the SDK reports as an
    // isError result carrying the -32602 message; nothing is answered from the replayed state.
    expect(refused).toMatchObject({ ok: true, result: { isError: true } });
    const text = refused.ok ? textOf(refused.result as { content?: unknown }) : '';
    expect(text).toMatch(/another tool call/);
    expect(text).not.toContain('DONE');
  });
});

describe('2025 era: the call signal listener limit', () => {
  const engine = createSamplingEngine();
  const factory = (): McpServer => {
    const server = engine.createServer({ name: 'pushed-many', version: '1.0.0' });
    engine.registerTool(server, 'many', { inputSchema: z.object({ n: z.number() }) }, async ({ n }, s) => {
      // More queued and in-flight requests (each listening to the call's signal) than the default limit of 10.
      const answers = await Promise.all(Array.from({ length: n }, (_, i) => s.sample(ask(`part ${i}`))));
      return { content: [{ type: 'text', text: answers.map(resultText).join(',') }] };
    });
    return server;
  };

  it('is lifted for a call with many requests: no MaxListenersExceededWarning, every answer back', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
    process.on('warning', onWarning);
    try {
      const wired = await wire({ era: 'legacy', server: factory, client: sdkClient('legacy', upper) });
      closers.push(() => wired.close());
      const result = await wired.client.callTool({ name: 'many', arguments: { n: 24 } });
      expect(textOf(result).split(',')).toEqual(Array.from({ length: 24 }, (_, i) => `PART ${i}`));
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.filter((w) => w.includes('MaxListenersExceeded'))).toEqual([]);
  });
});
