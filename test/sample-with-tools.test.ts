/**
 * The server's tool loop and structured output (`sampleWithTools`, `sampleObject`) against our real
 * client and policy path, with a scripted tool-using model (`MockLanguageModelV3`), on both eras.
 */
import type { Client } from '@modelcontextprotocol/client';
import { McpServer } from '@modelcontextprotocol/server';
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod/v4';

import type { SamplingHandler } from '../src/client/sampling/handler.js';
import { sampleObject, sampleWithTools, type SamplingTool } from '../src/server/sampling/with-tools.js';
import { createSamplingEngine } from '../src/server/sampling/engine.js';
import type { Sampler, SamplingToolBody } from '../src/server/sampling/sampler.js';
import { scriptedModelHandler } from './helpers/runtime.js';
import { clientWithoutTools, scriptedModel } from './helpers/scripted-model.js';
import { ERAS, textOf, wire, type Era } from './helpers/wire.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

const lookup: SamplingTool = {
  description: 'The temperature in a city, in °C.',
  input: z.object({ city: z.string().min(1) }),
  run: ({ city }: { city: string }) => (city === 'Oslo' ? '12' : city === 'Rome' ? '24' : `no data for ${city}`),
};

/**
 * A server with one tool whose body is `body`, linked in memory on `era` to our client answering with
 * `handler`, or to `client`, a client the test built.
 */
async function serve(
  era: Era,
  handler: SamplingHandler | Client,
  body: SamplingToolBody<{ question: string }>,
): Promise<Client> {
  const sampling = createSamplingEngine();
  const factory = () => {
    const server = new McpServer(
      { name: 'tools-test', version: '1.0.0' },
      { capabilities: { tools: {} }, requestState: { verify: sampling.verifyState } },
    );
    sampling.registerTool(server, 'ask', { inputSchema: z.object({ question: z.string() }) }, body);
    return server;
  };
  const wired = await wire({
    era,
    ...(typeof handler === 'function' ? { handler } : { client: handler }),
    server: factory,
  });
  closers.push(() => wired.close());
  return wired.client;
}

const ask = (client: Client, question = 'How warm is it in Oslo?') =>
  client.callTool({ name: 'ask', arguments: { question } });

const loopBody =
  (options: { maxIterations?: number } = {}) =>
  async ({ question }: { question: string }, sampler: Sampler) => {
    const outcome = await sampleWithTools(sampler, {
      messages: [{ role: 'user', content: { type: 'text', text: question } }],
      maxTokens: 200,
      tools: { lookup },
      ...options,
    });
    return {
      content: [{ type: 'text' as const, text: outcome.text }],
      structuredContent: { iterations: outcome.iterations, calls: outcome.calls },
    };
  };

describe.each(ERAS)('sampleWithTools on the %s era', (era) => {
  it('runs one tool call and returns the answer the model gives with its result', async () => {
    const model = scriptedModel([
      { calls: [{ name: 'lookup', input: { city: 'Oslo' } }] },
      { text: 'It is 12 °C in Oslo.' },
    ]);
    const client = await serve(era, scriptedModelHandler(model), loopBody());
    const result = await ask(client);
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toBe('It is 12 °C in Oslo.');
    expect(result.structuredContent).toEqual({
      iterations: 2,
      calls: [{ name: 'lookup', input: { city: 'Oslo' }, isError: false, output: '12' }],
    });
    // The model was offered the tool (as JSON Schema), then saw its result.
    const [first, second] = model.doGenerateCalls;
    expect(first!.tools?.[0]).toMatchObject({ type: 'function', name: 'lookup' });
    expect(JSON.stringify(first!.tools?.[0])).toContain('"city"');
    const toolMessage = second!.prompt.find((m) => m.role === 'tool');
    expect(JSON.stringify(toolMessage)).toContain('12');
  });

  it('runs parallel tool calls of one turn and returns all their results together', async () => {
    const model = scriptedModel([
      {
        calls: [
          { name: 'lookup', input: { city: 'Oslo' } },
          { name: 'lookup', input: { city: 'Rome' } },
        ],
      },
      { text: 'Rome is 12 degrees warmer.' },
    ]);
    const client = await serve(era, scriptedModelHandler(model), loopBody());
    const result = await ask(client, 'Which is warmer, Oslo or Rome?');
    expect(textOf(result)).toBe('Rome is 12 degrees warmer.');
    expect((result.structuredContent as { calls: { output: string }[] }).calls.map((c) => c.output)).toEqual([
      '12',
      '24',
    ]);
    const toolMessage = model.doGenerateCalls[1]!.prompt.find((m) => m.role === 'tool');
    expect(toolMessage?.content).toHaveLength(2);
  });

  it('answers invalid tool input with an error result the model can read, and the model corrects it', async () => {
    const model = scriptedModel([
      { calls: [{ name: 'lookup', input: { town: 'Oslo' } }] },
      { calls: [{ name: 'lookup', input: { city: 'Oslo' } }] },
      { text: '12 °C.' },
    ]);
    const client = await serve(era, scriptedModelHandler(model), loopBody());
    const result = await ask(client);
    expect(textOf(result)).toBe('12 °C.');
    const calls = (result.structuredContent as { calls: { isError: boolean; output: string }[] }).calls;
    expect(calls[0]).toMatchObject({
      isError: true,
      output: expect.stringMatching(/^invalid input for lookup: city: /),
    });
    expect(calls[1]).toMatchObject({ isError: false, output: '12' });
    expect(JSON.stringify(model.doGenerateCalls[1]!.prompt)).toContain('invalid input for lookup');
  });

  it('forbids tools on the last iteration (toolChoice none) and ends with the answer given then', async () => {
    // A model that calls the tool whenever it may.
    const model = scriptedModel((call) =>
      call.toolChoice?.type === 'none'
        ? { text: 'Still no better answer: 12 °C.' }
        : { calls: [{ name: 'lookup', input: { city: 'Oslo' } }] },
    );
    const client = await serve(era, scriptedModelHandler(model), loopBody({ maxIterations: 3 }));
    const result = await ask(client);
    expect(textOf(result)).toBe('Still no better answer: 12 °C.');
    expect(model.doGenerateCalls.map((c) => c.toolChoice?.type)).toEqual(['auto', 'auto', 'none']);
    expect((result.structuredContent as { iterations: number }).iterations).toBe(3);
  });

  it('stops with a clear error when a client answers with tool calls past the cap', async () => {
    // Our client refuses a completion that calls a tool under toolChoice none; this one does not.
    let requests = 0;
    const careless: SamplingHandler = async () => {
      requests += 1;
      return {
        role: 'assistant',
        model: 'careless',
        content: [{ type: 'tool_use', id: `use_${requests}`, name: 'lookup', input: { city: 'Oslo' } }],
        stopReason: 'toolUse',
      } as unknown as Awaited<ReturnType<SamplingHandler>>;
    };
    const client = await serve(era, careless, loopBody({ maxIterations: 2 }));
    const result = await ask(client);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(
      /still called lookup on its last turn \(2 turns; tools were not allowed on the last one\)/,
    );
    expect(requests).toBe(2);
  });

  it('our client refuses a model that calls a tool when told not to', async () => {
    const model = scriptedModel([{ calls: [{ name: 'lookup', input: { city: 'Oslo' } }] }]);
    const client = await serve(era, scriptedModelHandler(model), loopBody({ maxIterations: 2 }));
    const outcome = await ask(client).then(
      (result) => textOf(result),
      (error: Error) => error.message,
    );
    expect(outcome).toMatch(/tool call even though tool choice was none/);
  });

  it('refuses a client without sampling.tools before anything is sent', async () => {
    const model = scriptedModel([{ text: 'unused' }]);
    const client = await serve(era, clientWithoutTools(era, scriptedModelHandler(model)), loopBody());
    const result = await ask(client);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/needs a client that supports tools in sampling/);
    expect(model.doGenerateCalls).toHaveLength(0);
  });
});

const KeyFacts = z.object({ city: z.string(), celsius: z.number() });

const objectBody = async (_args: { question: string }, sampler: Sampler) => {
  const { value, attempts } = await sampleObject(sampler, {
    schema: KeyFacts,
    name: 'key facts',
    messages: [{ role: 'user', content: { type: 'text', text: 'Oslo is at 12 degrees.' } }],
    maxTokens: 100,
  });
  return { content: [{ type: 'text' as const, text: JSON.stringify(value) }], structuredContent: { value, attempts } };
};

describe.each(ERAS)('sampleObject on the %s era', (era) => {
  it('gets the value through the final_response tool when the client supports tools, retrying an invalid one', async () => {
    const model = scriptedModel([
      { calls: [{ name: 'final_response', input: { city: 'Oslo', celsius: 'twelve' } }] },
      { calls: [{ name: 'final_response', input: { city: 'Oslo', celsius: 12 } }] },
    ]);
    const client = await serve(era, scriptedModelHandler(model), objectBody);
    const result = await ask(client);
    expect(result.structuredContent).toEqual({ value: { city: 'Oslo', celsius: 12 }, attempts: 2 });
    expect(model.doGenerateCalls[0]!.toolChoice).toEqual({ type: 'required' });
    expect(JSON.stringify(model.doGenerateCalls[1]!.prompt)).toContain('invalid key facts: celsius');
  });

  it('asks for JSON in the text when the client has no tools, and parses a fenced answer', async () => {
    const model = scriptedModel([{ text: 'Here:\n```json\n{"city": "Oslo", "celsius": 12}\n```' }]);
    const client = await serve(era, clientWithoutTools(era, scriptedModelHandler(model)), objectBody);
    const result = await ask(client);
    expect(result.structuredContent).toEqual({ value: { city: 'Oslo', celsius: 12 }, attempts: 1 });
    expect(model.doGenerateCalls[0]!.tools).toBeUndefined();
    expect(JSON.stringify(model.doGenerateCalls[0]!.prompt[0])).toContain('JSON Schema');
  });

  it('gives up after 2 retries with an error that says what was wrong', async () => {
    const model = scriptedModel([{ text: 'Oslo is pleasant.' }, { text: '{"city": "Oslo"}' }]);
    const client = await serve(era, clientWithoutTools(era, scriptedModelHandler(model)), objectBody);
    const result = await ask(client);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/did not return a valid key facts in 3 attempts \(as JSON text\): celsius: /);
    expect(model.doGenerateCalls).toHaveLength(3);
  });
});
