/**
 * The direct-provider fallback end to end: a server on the engine with `fallback: directSampling(…)` whose
 * model is the AI SDK's OpenAI provider pointed at a local Chat Completions stub, and a real SDK client
 * that lacks sampling (or has it), on both eras. What the stub received, what the tool returned, and which
 * path answered.
 */
import { createOpenAI } from '@ai-sdk/openai';
import { Client, type CreateMessageResult } from '@modelcontextprotocol/client';
import type { McpServer } from '@modelcontextprotocol/server';
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod/v4';

import { directSampling } from '../src/direct/index.js';
import {
  createSamplingEngine,
  resultText,
  SAMPLED_BY_META_KEY,
  sampleWithTools,
  type Sampler,
} from '../src/server/index.js';
import {
  chatCompletion,
  chatCompletionWithToolCalls,
  startHttpStub,
  type HttpStub,
  type StubReply,
} from './helpers/http-stub.js';
import { ERAS, textOf, versionNegotiation, wire, type Era } from './helpers/wire.js';

const KEY = 'sk-operator-secret-0123456789';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function stubOf(respond: (body: Record<string, unknown>, index: number) => StubReply): Promise<HttpStub> {
  const stub = await startHttpStub((request, index) => respond(request.body as Record<string, unknown>, index));
  closers.push(() => stub.close());
  return stub;
}

type Body = (args: { question: string }, sampler: Sampler) => Promise<{ content: { type: 'text'; text: string }[] }>;

/** The tool body of most cases: one completion with every parameter set; its `_meta` comes back too. */
const askBody = async ({ question }: { question: string }, sampler: Sampler) => {
  const result = await sampler.sample({
    systemPrompt: 'You answer in one short sentence.',
    messages: [{ role: 'user', content: { type: 'text', text: question } }],
    temperature: 0.2,
    maxTokens: 64,
    stopSequences: ['END'],
  });
  return { content: [{ type: 'text' as const, text: resultText(result) }], _meta: { answer: result._meta ?? null } };
};

/** A server whose tool `ask` runs `body`, with a fallback on the stub's OpenAI-compatible API. */
function serverFactory(stub: HttpStub, body: Body, when: 'no-sampling' | 'always' = 'no-sampling') {
  const model = createOpenAI({ baseURL: `${stub.url}/v1`, apiKey: KEY }).chat('gpt-4o-mini');
  const engine = createSamplingEngine({ fallback: directSampling({ model, when, maxRetries: 1 }) });
  return (): McpServer => {
    const server = engine.createServer({ name: 'direct-test', version: '1.0.0' });
    engine.registerTool(server, 'ask', { inputSchema: z.object({ question: z.string() }) }, body);
    return server;
  };
}

/** A client with the capabilities given (none by default), and the handlers it answers with. */
function clientWith(
  era: Era,
  options: { sampling?: () => CreateMessageResult; roots?: () => { uri: string; name?: string }[] } = {},
): Client {
  const client = new Client(
    { name: 'host', version: '1.0.0' },
    {
      capabilities: {
        ...(options.sampling !== undefined && { sampling: {} }),
        ...(options.roots !== undefined && { roots: {} }),
      },
      versionNegotiation: versionNegotiation(era),
    },
  );
  const { sampling, roots } = options;
  if (sampling !== undefined) client.setRequestHandler('sampling/createMessage', async () => sampling());
  if (roots !== undefined) client.setRequestHandler('roots/list', async () => ({ roots: roots() }));
  return client;
}

async function connect(era: Era, server: () => McpServer, client?: Client): Promise<Client> {
  const wired = await wire({ era, server, ...(client !== undefined && { client }) });
  closers.push(() => wired.close());
  return wired.client;
}

const ask = (client: Client, question = 'What is the capital of France?') =>
  client.callTool({ name: 'ask', arguments: { question } });

describe.each(ERAS)('the direct fallback on the %s era', (era) => {
  it('answers a client that lacks sampling from the operator model, with every parameter sent', async () => {
    const stub = await stubOf(() => ({ json: chatCompletion('Paris.') }));
    const client = await connect(era, serverFactory(stub, askBody));
    expect(client.getServerCapabilities()).toBeDefined();

    const result = await ask(client);
    expect(result.isError).not.toBe(true);
    expect(textOf(result)).toBe('Paris.');
    expect(result._meta?.['answer']).toEqual({
      [SAMPLED_BY_META_KEY]: {
        path: 'direct',
        model: 'gpt-4o-2024-08-06',
        provider: 'openai.chat',
        usage: { inputTokens: 120, outputTokens: 42 },
      },
    });
    expect(stub.requests).toHaveLength(1);
    const request = stub.requests[0]!;
    expect(request.path).toBe('/v1/chat/completions');
    expect(request.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(request.body).toMatchObject({
      model: 'gpt-4o-mini',
      temperature: 0.2,
      max_tokens: 64,
      stop: ['END'],
      messages: [
        { role: 'system', content: 'You answer in one short sentence.' },
        { role: 'user', content: 'What is the capital of France?' },
      ],
    });
  });

  it("calls the stub once per request, not once per round (a replay reuses the fallback's answer)", async () => {
    const stub = await stubOf((_, index) => ({ json: chatCompletion(index === 0 ? 'first' : 'second') }));
    let rootsAsked = 0;
    const body: Body = async ({ question }, sampler) => {
      const params = { messages: [{ role: 'user' as const, content: { type: 'text' as const, text: question } }] };
      const first = await sampler.sample({ ...params, maxTokens: 20 });
      // On the 2026 era this needs the client: a round, after which the body replays from the top.
      const roots = await sampler.roots();
      const second = await sampler.sample({ ...params, maxTokens: 30 });
      return { content: [{ type: 'text', text: `${resultText(first)} ${roots.length} ${resultText(second)}` }] };
    };
    const client = clientWith(era, {
      roots: () => {
        rootsAsked += 1;
        return [{ uri: 'file:///tmp/project', name: 'project' }];
      },
    });
    const result = await ask(await connect(era, serverFactory(stub, body), client));
    expect(textOf(result)).toBe('first 1 second');
    expect(rootsAsked).toBe(1);
    expect(stub.requests.map((r) => (r.body as { max_tokens: number }).max_tokens)).toEqual([20, 30]);
  });

  it("with when: 'always', a client that can sample is never asked", async () => {
    const stub = await stubOf(() => ({ json: chatCompletion('From the server.') }));
    let asked = 0;
    const client = clientWith(era, {
      sampling: () => {
        asked += 1;
        return { role: 'assistant', content: { type: 'text', text: 'From the client.' }, model: 'client-model' };
      },
    });
    const result = await ask(await connect(era, serverFactory(stub, askBody, 'always'), client));
    expect(textOf(result)).toBe('From the server.');
    expect(asked).toBe(0);
    expect(stub.requests).toHaveLength(1);
  });

  it("with when: 'no-sampling', a client that can sample answers, and its result carries no sampled-by", async () => {
    const stub = await stubOf(() => ({ json: chatCompletion('From the server.') }));
    let asked = 0;
    const client = clientWith(era, {
      sampling: () => {
        asked += 1;
        return { role: 'assistant', content: { type: 'text', text: 'From the client.' }, model: 'client-model' };
      },
    });
    const result = await ask(await connect(era, serverFactory(stub, askBody), client));
    expect(textOf(result)).toBe('From the client.');
    expect(asked).toBe(1);
    expect(stub.requests).toHaveLength(0);
    expect(result._meta?.['answer']).toBeNull();
  });

  it('runs a tool loop through the fallback (sampleWithTools), the tools offered to the model', async () => {
    const stub = await stubOf((_, index) =>
      index === 0
        ? { json: chatCompletionWithToolCalls([{ id: 'call_1', name: 'lookup', arguments: '{"city":"Oslo"}' }]) }
        : { json: chatCompletion('It is 12 °C in Oslo.') },
    );
    const body: Body = async ({ question }, sampler) => {
      const outcome = await sampleWithTools(sampler, {
        messages: [{ role: 'user', content: { type: 'text', text: question } }],
        maxTokens: 100,
        tools: {
          lookup: {
            description: 'The temperature in a city, in °C.',
            input: z.object({ city: z.string() }),
            run: ({ city }: { city: string }) => (city === 'Oslo' ? '12' : 'no data'),
          },
        },
      });
      return { content: [{ type: 'text', text: `${outcome.text} (${outcome.iterations} turns)` }] };
    };
    const result = await ask(await connect(era, serverFactory(stub, body)), 'How warm is it in Oslo?');
    expect(textOf(result)).toBe('It is 12 °C in Oslo. (2 turns)');
    expect(stub.requests).toHaveLength(2);
    const [first, second] = stub.requests.map((r) => r.body as Record<string, unknown>);
    expect(first).toMatchObject({
      tool_choice: 'auto',
      tools: [
        {
          type: 'function',
          function: {
            name: 'lookup',
            description: 'The temperature in a city, in °C.',
            parameters: { type: 'object' },
          },
        },
      ],
    });
    expect(second?.['messages']).toEqual(
      expect.arrayContaining([expect.objectContaining({ role: 'tool', tool_call_id: 'call_1', content: '12' })]),
    );
  });

  it('a 401 from the provider is a one-line isError result without the key', async () => {
    const stub = await stubOf(() => ({
      status: 401,
      json: { error: { message: `Incorrect API key provided: ${KEY}`, type: 'invalid_request_error' } },
    }));
    const result = await ask(await connect(era, serverFactory(stub, askBody)));
    expect(result.isError).toBe(true);
    const text = textOf(result);
    expect(text).toBe(
      "direct sampling (openai.chat gpt-4o-mini): HTTP 401: the provider refused the server operator's credentials (check the key in the server's environment)",
    );
    expect(text).not.toContain(KEY);
    expect(stub.requests).toHaveLength(1);
  });

  it("cancelling the tool call aborts the provider's HTTP request", async () => {
    let arrived!: () => void;
    const received = new Promise<void>((resolve) => (arrived = resolve));
    const stub = await stubOf(() => {
      arrived();
      return { hang: true };
    });
    const client = await connect(era, serverFactory(stub, askBody));
    const controller = new AbortController();
    const call = client.callTool({ name: 'ask', arguments: { question: 'Slow?' } }, { signal: controller.signal });
    await received;
    controller.abort(new Error('the user cancelled'));
    await expect(call).rejects.toThrow();
    // The server hangs up on the stub once the cancellation reaches the provider call.
    while (stub.abandoned.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(stub.abandoned).toEqual([0]);
    expect(stub.requests).toHaveLength(1);
  });

  it('retries a 500 once (retry-after-ms: 0) and then answers', async () => {
    const stub = await stubOf((_, index) =>
      index === 0 ? { status: 500, json: { error: { message: 'upstream hiccup' } } } : { json: chatCompletion('ok') },
    );
    const result = await ask(await connect(era, serverFactory(stub, askBody)));
    expect(textOf(result)).toBe('ok');
    expect(stub.requests).toHaveLength(2);
  });
});

describe('without a fallback', () => {
  it.each(ERAS)('a client without sampling still gets the refusal (%s era)', async (era) => {
    const engine = createSamplingEngine();
    const factory = () => {
      const server = engine.createServer({ name: 'plain', version: '1.0.0' });
      engine.registerTool(server, 'ask', { inputSchema: z.object({ question: z.string() }) }, askBody);
      return server;
    };
    const result = await ask(await connect(era, factory));
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain("did not declare the 'sampling' capability");
  });
});
