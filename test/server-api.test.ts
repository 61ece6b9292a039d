/**
 * `mcp-sampling/server` as a tool author uses it: `createSamplingEngine`, `engine.createServer`,
 * `engine.registerTool` (on servers it built, built by hand, or wired wrongly), `ToolError` and the other
 * errors that become `isError` results, and `mapReduceText`, against the official SDK client on both eras.
 */
import { McpServer } from '@modelcontextprotocol/server';
import type { Client } from '@modelcontextprotocol/client';
import { afterAll, describe, expect, it } from 'vitest';
import * as z from 'zod/v4';

import {
  createSamplingEngine,
  EmptyDocumentError,
  mapReduceText,
  resultText,
  ToolError,
  type SamplingEngine,
} from '../src/server/index.js';
import { sdkClient, userText, type Reply } from './helpers/sdk-client.js';
import { ERAS, textOf, wire, type Era } from './helpers/wire.js';

const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  while (closers.length > 0) await closers.pop()!().catch(() => {});
});

async function connect(era: Era, factory: () => McpServer, client: Client): Promise<Client> {
  const wired = await wire({ era, server: factory, client });
  closers.push(() => wired.close());
  return wired.client;
}

const upper: Reply = (params) => userText(params).toUpperCase();

/** A tool that samples twice in a row (two rounds on 2026-07-28) and can fail in the ways a body can. */
function registerShout(engine: SamplingEngine, server: McpServer): void {
  engine.registerTool(
    server,
    'shout',
    { description: 'Shouts a text twice', inputSchema: z.object({ text: z.string() }) },
    async ({ text }, sampler) => {
      if (text === 'refuse') throw new ToolError('shout: I will not shout that');
      if (text === '') throw new EmptyDocumentError('shout: the text is empty');
      const ask = (body: string) =>
        sampler.sample({ messages: [{ role: 'user', content: { type: 'text', text: body } }], maxTokens: 50 });
      const first = resultText(await ask(text));
      const second = resultText(await ask(`${first}!`));
      return { content: [{ type: 'text', text: second }] };
    },
  );
}

describe.each(ERAS)('engine.createServer + engine.registerTool on the %s era', (era) => {
  const engine = createSamplingEngine();
  const factory = () => {
    const server = engine.createServer({ name: 'shouter', version: '1.0.0' });
    registerShout(engine, server);
    return server;
  };

  it('serves a tool that samples to the official SDK client', async () => {
    const client = await connect(era, factory, sdkClient(era, upper));
    const result = await client.callTool({ name: 'shout', arguments: { text: 'hello' } });
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toBe('HELLO!');
  });

  it('turns ToolError and EmptyDocumentError into isError results with their message', async () => {
    const client = await connect(era, factory, sdkClient(era, upper));
    const refused = await client.callTool({ name: 'shout', arguments: { text: 'refuse' } });
    expect(refused).toMatchObject({ isError: true });
    expect(textOf(refused)).toBe('shout: I will not shout that');
    const empty = await client.callTool({ name: 'shout', arguments: { text: '' } });
    expect(empty).toMatchObject({ isError: true, _meta: { 'mcp-sampling/error': { kind: 'invalid-input' } } });
    expect(textOf(empty)).toBe('shout: the text is empty');
  });

  it('tells a client without sampling that the tool needs it', async () => {
    const client = await connect(era, factory, sdkClient(era));
    const outcome = await client.callTool({ name: 'shout', arguments: { text: 'hello' } }).then(
      (result) => textOf(result),
      (error: unknown) => (error as Error).message,
    );
    expect(outcome).toMatch(/sampling/);
  });

  it('works on an McpServer built by hand with no requestState verify', async () => {
    const handBuilt = () => {
      const server = new McpServer({ name: 'by-hand', version: '1.0.0' }, { capabilities: { tools: {} } });
      registerShout(engine, server);
      return server;
    };
    const client = await connect(era, handBuilt, sdkClient(era, upper));
    expect(textOf(await client.callTool({ name: 'shout', arguments: { text: 'abc' } }))).toBe('ABC!');
  });
});

describe('requestState on servers not built by engine.createServer (2026-07-28)', () => {
  const engine = createSamplingEngine();
  const ANSWER = { role: 'assistant', model: 'm', content: { type: 'text', text: 'DONE' } };

  /** The first round of `shout` by hand: its request key and the state the server issued. */
  async function firstRound(client: Client) {
    const round = (await client.request(
      { method: 'tools/call', params: { name: 'shout', arguments: { text: 'x' } } },
      { allowInputRequired: true },
    )) as { inputRequests?: Record<string, unknown>; requestState?: string };
    const [key] = Object.keys(round.inputRequests ?? {});
    return { key: key!, state: round.requestState! };
  }
  const retry = (client: Client, requestState: string, key: string) =>
    client
      .request(
        {
          method: 'tools/call',
          params: { name: 'shout', arguments: { text: 'x' }, requestState, inputResponses: { [key]: ANSWER } },
        },
        { allowInputRequired: true },
      )
      .then(
        (result) => ({ text: textOf(result as { content?: unknown }), raw: result as Record<string, unknown> }),
        (error: unknown) => ({ text: (error as Error).message, raw: {} as Record<string, unknown> }),
      );

  it('with no verify hook: the engine verifies the state itself, refuses a forged one and accepts its own', async () => {
    const factory = () => {
      const server = new McpServer({ name: 'by-hand', version: '1.0.0' }, { capabilities: { tools: {} } });
      registerShout(engine, server);
      return server;
    };
    const client = await connect('modern', factory, sdkClient('modern', upper, { autoFulfill: false }));
    const { key, state } = await firstRound(client);
    const forged = await retry(client, `${state.slice(0, -2)}AA`, key);
    expect(forged.text).toMatch(/Invalid or expired requestState/);
    const real = await retry(client, state, key);
    expect(real.raw['resultType']).toBe('input_required'); // the second sample() of the body
  });

  it('with another verify hook: the state it decoded is refused with how to wire the server', async () => {
    const factory = () => {
      const server = new McpServer(
        { name: 'lax', version: '1.0.0' },
        // A hook that vouches for anything: exactly what the engine must not trust.
        { capabilities: { tools: {} }, requestState: { verify: () => ({ t: 'shout', h: 'x', a: {} }) } },
      );
      registerShout(engine, server);
      return server;
    };
    const client = await connect('modern', factory, sdkClient('modern', upper, { autoFulfill: false }));
    const { key, state } = await firstRound(client);
    const outcome = await retry(client, state, key);
    expect(outcome.text).toMatch(/not this sampling engine's: build the server with engine\.createServer\(\)/);
    expect(outcome.text).not.toContain('DONE');
  });
});

describe('bad input to the engine fails at once with one line', () => {
  it('createSamplingEngine options', () => {
    expect(() => createSamplingEngine({ concurrency: 0 })).toThrow(
      /^createSamplingEngine: concurrency must be a positive integer \(got 0\)$/,
    );
    expect(() => createSamplingEngine({ maxRequestsPerRound: 1.5 })).toThrow(RangeError);
    expect(() => createSamplingEngine({ stateKey: 'short' })).toThrow(
      /^createSamplingEngine: stateKey is too short \(5 characters\)/,
    );
    // An empty option is a mistake (a load balancer's instances would each get a random key), not "unset".
    expect(() => createSamplingEngine({ stateKey: '' })).toThrow(/^createSamplingEngine: stateKey is too short/);
    expect(() => createSamplingEngine({ stateKey: new Uint8Array(8) })).toThrow(
      /^createSamplingEngine: stateKey must be at least 32 bytes \(got 8\)$/,
    );
  });

  it('registerTool arguments, and a server built by another engine', () => {
    const engine = createSamplingEngine();
    const server = engine.createServer({ name: 's', version: '1' });
    const body = async () => ({ content: [] });
    const inputSchema = z.object({});
    expect(() => engine.registerTool(server, '', { inputSchema }, body)).toThrow(/name must be a non-empty string/);
    expect(() => engine.registerTool(server, 't', { inputSchema }, 'nope' as never)).toThrow(/body must be a function/);
    expect(() => engine.registerTool(server, 't', {} as never, body)).toThrow(/inputSchema is required/);
    expect(() => engine.registerTool({} as never, 't', { inputSchema }, body)).toThrow(/server must be an McpServer/);
    const other = createSamplingEngine();
    expect(() => other.registerTool(server, 't', { inputSchema }, body)).toThrow(/built by another sampling engine/);
  });
});

describe.each(ERAS)('mapReduceText on the %s era', (era) => {
  // Paragraphs "P01 …" of about 150 tokens: a small context holds two or three per chunk.
  const paragraph = (n: number) => `P${String(n).padStart(2, '0')} ${'lorem ipsum dolor sit amet '.repeat(22)}`;
  const text = Array.from({ length: 24 }, (_, i) => paragraph(i + 1)).join('\n\n');
  // Map: the chunk's paragraph labels; reduce: the parts' labels joined with "+"; final: "FINAL " first.
  const reply: Reply = (params) => {
    const body = userText(params);
    if (params.systemPrompt === 'MAP') return (body.match(/P\d\d/g) ?? []).join('+');
    const joined = body.split('\n\n').join('+');
    return params.systemPrompt === 'FINAL' ? `FINAL ${joined}` : joined;
  };
  const request = (systemPrompt: string, body: string, maxTokens: number) => ({
    systemPrompt,
    messages: [{ role: 'user' as const, content: { type: 'text' as const, text: body } }],
    maxTokens,
  });
  const engine = createSamplingEngine();
  const factory = () => {
    const server = engine.createServer({ name: 'mapper', version: '1.0.0' });
    engine.registerTool(
      server,
      'labels',
      { inputSchema: z.object({ text: z.string(), single: z.boolean().optional(), broken: z.boolean().optional() }) },
      async (args, sampler) => {
        const result = await mapReduceText(sampler, args.text, {
          contextTokens: 700,
          map: (chunk) => request('MAP', chunk, 60),
          reduce: (parts, { final }) => request(final ? 'FINAL' : 'REDUCE', parts.join('\n\n'), 60),
          ...(args.single === true && { single: (whole: string) => request('SINGLE', whole, 60) }),
          ...(args.broken === true && { map: 'not a function' as never }),
        });
        return {
          content: [{ type: 'text', text: result.text }],
          structuredContent: { chunks: result.chunks, requests: result.requests, levels: result.levels },
        };
      },
    );
    engine.registerTool(
      server,
      'two_texts',
      { inputSchema: z.object({ first: z.string(), second: z.string(), own: z.boolean().optional() }) },
      async (args, sampler) => {
        // A body's own checkpoint first: the walks after it must still come out right (they start over).
        if (args.own === true) sampler.save({ mine: true });
        const options = {
          contextTokens: 700,
          map: (chunk: string) => request('MAP', chunk, 60),
          reduce: (parts: string[], { final }: { final: boolean }) =>
            request(final ? 'FINAL' : 'REDUCE', parts.join('\n\n'), 60),
        };
        const first = await mapReduceText(sampler, args.first, options);
        const second = await mapReduceText(sampler, args.second, options);
        return { content: [{ type: 'text', text: `${first.text} | ${second.text}` }] };
      },
    );
    return server;
  };

  it('runs two walks in one body, each over its own text (each resumes its own checkpoint)', async () => {
    const other = text.replaceAll(/P(\d\d)/g, 'Q$1');
    const labels = (letter: string) =>
      Array.from({ length: 24 }, (_, i) => `${letter}${String(i + 1).padStart(2, '0')}`).join('+');
    const qReply: Reply = (params) =>
      params.systemPrompt === 'MAP' ? (userText(params).match(/[PQ]\d\d/g) ?? []).join('+') : reply(params);
    const client = await connect(era, factory, sdkClient(era, qReply));
    for (const own of [false, true]) {
      const result = await client.callTool({ name: 'two_texts', arguments: { first: text, second: other, own } });
      expect(textOf(result)).toBe(`FINAL ${labels('P')} | FINAL ${labels('Q')}`);
    }
  });

  it('maps every chunk with the caller’s request and reduces them in order, with progress', async () => {
    const client = await connect(era, factory, sdkClient(era, reply));
    const progress: string[] = [];
    const result = await client.callTool(
      { name: 'labels', arguments: { text } },
      { onprogress: (p) => progress.push(p.message ?? '') },
    );
    const labels = Array.from({ length: 24 }, (_, i) => `P${String(i + 1).padStart(2, '0')}`).join('+');
    expect(textOf(result)).toBe(`FINAL ${labels}`);
    const counts = result.structuredContent as { chunks: number; requests: number; levels: number };
    expect(counts.chunks).toBeGreaterThan(4);
    expect(counts.levels).toBeGreaterThanOrEqual(2);
    expect(counts.requests).toBeGreaterThan(counts.chunks);
    expect(progress.some((m) => /^(mapped \d+ of \d+ parts|combining \d+ results)/.test(m))).toBe(true);
  });

  it('takes the single request for a text that fits one chunk, and refuses an empty text or bad options', async () => {
    const client = await connect(
      era,
      factory,
      sdkClient(era, (params) => `${params.systemPrompt}:${userText(params)}`),
    );
    const short = await client.callTool({ name: 'labels', arguments: { text: 'P01 short.', single: true } });
    expect(textOf(short)).toBe('SINGLE:P01 short.');
    expect(short.structuredContent).toEqual({ chunks: 1, requests: 1, levels: 0 });
    const withoutSingle = await client.callTool({ name: 'labels', arguments: { text: 'P01 short.' } });
    expect(textOf(withoutSingle)).toBe('FINAL:MAP:P01 short.');
    const empty = await client.callTool({ name: 'labels', arguments: { text: '  ' } });
    expect(empty).toMatchObject({ isError: true });
    expect(textOf(empty)).toMatch(/the text is empty/);
    const broken = await client.callTool({ name: 'labels', arguments: { text: 'x', broken: true } });
    expect(broken).toMatchObject({ isError: true });
    expect(textOf(broken)).toMatch(/options\.map and options\.reduce must be functions/);
  });
});
