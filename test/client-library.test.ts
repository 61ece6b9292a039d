/**
 * `mcp-sampling/client` as a host uses it: `createSamplingRuntime` with the host's own models,
 * `createSamplingHandler`, `createSamplingClient`, against a plain SDK server whose tool samples through our
 * engine, on both eras. Host models go through the whole policy (hints, allowlists by server name, budgets
 * and cost, approval, audit); the default runtime answers with the embedded model when there is no key.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { LanguageModelV3 } from '@ai-sdk/provider';
import type { Client } from '@modelcontextprotocol/client';
import { MockLanguageModelV3 } from 'ai/test';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod/v4';

import {
  ConfigError,
  createSamplingClient,
  createSamplingHandler,
  createSamplingRuntime,
  loadConfig,
  type AuditRecord,
  type Prompter,
  type RequestView,
  type SamplingEvent,
  type SamplingRuntime,
  type SamplingRuntimeOptions,
} from '../src/client/index.js';
import { createSamplingEngine, resultText } from '../src/server/index.js';
import { scriptedModel } from './helpers/scripted-model.js';
import { ERAS, textOf, wire, type Era } from './helpers/wire.js';

const SERVER_NAME = 'lib-test-server';
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  vi.unstubAllEnvs();
});

/** A plain SDK server (built by our engine) with `ask` (one sampling request) and `caps` (what the client declared). */
function testServer() {
  const engine = createSamplingEngine();
  const server = engine.createServer({ name: SERVER_NAME, version: '1.0.0' });
  engine.registerTool(
    server,
    'ask',
    {
      inputSchema: z.object({
        prompt: z.string(),
        hint: z.string().optional(),
        maxTokens: z.number().int().optional(),
        withTools: z.boolean().optional(),
      }),
    },
    async ({ prompt, hint, maxTokens, withTools }, sampler) => {
      const result = await sampler.sample({
        messages: [{ role: 'user', content: { type: 'text', text: prompt } }],
        maxTokens: maxTokens ?? 50,
        ...(hint !== undefined && { modelPreferences: { hints: [{ name: hint }] } }),
        ...(withTools === true && {
          tools: [{ name: 'lookup', description: 'Looks a word up', inputSchema: { type: 'object' } }],
        }),
      });
      const blocks = Array.isArray(result.content) ? result.content : [result.content];
      const calls = blocks.flatMap((b) => (b.type === 'tool_use' ? [b.name] : []));
      // The model the policy chose (the client's usage `_meta`); `result.model` is what the model reported.
      const chosen = (result._meta?.['mcp-sampling/usage'] as { model?: string } | undefined)?.model;
      const text = `${chosen ?? result.model} (${result.stopReason ?? '?'}): ${resultText(result)}`;
      return { content: [{ type: 'text', text: calls.length > 0 ? `${text} calls ${calls.join(',')}` : text }] };
    },
  );
  engine.registerTool(server, 'caps', { inputSchema: z.object({}) }, async (_args, sampler) => ({
    content: [{ type: 'text', text: JSON.stringify(sampler.capabilities?.sampling ?? null) }],
  }));
  return server;
}

function tempPaths(): { dir: string; statePath: string; auditPath: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-sampling-lib-'));
  return { dir, statePath: join(dir, 'state.json'), auditPath: join(dir, 'audit.jsonl') };
}

/** A runtime with temporary state and audit files and no key in its environment. */
function runtimeOf(options: SamplingRuntimeOptions = {}): SamplingRuntime & { auditPath: string } {
  const paths = tempPaths();
  const runtime = createSamplingRuntime({
    env: {},
    statePath: paths.statePath,
    auditPath: paths.auditPath,
    ...options,
  });
  return Object.assign(runtime, { auditPath: paths.auditPath });
}

async function auditLines(runtime: SamplingRuntime & { auditPath: string }): Promise<AuditRecord[]> {
  await runtime.flush();
  return readFileSync(runtime.auditPath, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as AuditRecord);
}

async function connect(era: Era, client: Client): Promise<Client> {
  const wired = await wire({ era, client, server: testServer });
  closers.push(() => wired.close());
  return client;
}

/** The tool's text, or the error's message (a refusal fails the call on the 2026 era, is isError on 2025). */
async function ask(client: Client, args: Record<string, unknown>): Promise<string> {
  return client.callTool({ name: 'ask', arguments: args }).then(
    (result) => textOf(result),
    (error: Error) => error.message,
  );
}

/** A model that always answers `text` and reports `usage` (input, output tokens). */
function fixedModel(text: string, usage = { input: 10, output: 5 }): MockLanguageModelV3 {
  return new MockLanguageModelV3({
    doGenerate: async () => ({
      content: [{ type: 'text', text }],
      finishReason: { unified: 'stop', raw: 'stop' },
      usage: {
        inputTokens: { total: usage.input, noCache: usage.input, cacheRead: 0, cacheWrite: 0 },
        outputTokens: { total: usage.output, text: usage.output, reasoning: 0 },
      },
      warnings: [],
    }),
  });
}

function promptOf(model: MockLanguageModelV3, call = 0): string {
  return JSON.stringify(model.doGenerateCalls[call]?.prompt ?? null);
}

describe.each(ERAS)('createSamplingClient with host models (%s era)', (era) => {
  it('a host model answers through the policy, and its audit line names it', async () => {
    const mine = fixedModel('hello from my model');
    const runtime = runtimeOf({ models: { 'my-model': mine } });
    const client = await connect(era, createSamplingClient({ era, runtime }));
    expect(await ask(client, { prompt: 'hi', hint: 'my-model' })).toBe('my-model (endTurn): hello from my model');
    const [line] = await auditLines(runtime);
    expect(line).toMatchObject({
      server: SERVER_NAME,
      era,
      outcome: 'ok',
      model: { provider: 'host', id: 'my-model', reason: "hint 'my-model' matched host/my-model" },
    });
  });

  it("the server's allowlist (keyed by its name) decides: a hint for an excluded model is not followed, none allowed refuses", async () => {
    const runtime = runtimeOf({
      config: { servers: { [SERVER_NAME]: { models: ['host/other-model'] } } },
      models: { 'my-model': fixedModel('mine'), 'other-model': fixedModel('other') },
    });
    const client = await connect(era, createSamplingClient({ era, runtime }));
    expect(await ask(client, { prompt: 'hi', hint: 'my-model' })).toMatch(/^other-model \(endTurn\): other$/);

    const strict = runtimeOf({
      config: { servers: { [SERVER_NAME]: { models: ['openai/*'] } } },
      models: { 'my-model': fixedModel('mine') },
    });
    const refused = await connect(era, createSamplingClient({ era, runtime: strict }));
    expect(await ask(refused, { prompt: 'hi', hint: 'my-model' })).toMatch(/no model for server 'lib-test-server'/);
    const [line] = await auditLines(strict);
    expect(line).toMatchObject({ outcome: 'no-model', server: SERVER_NAME });
  });

  it("the budget counts a host model's cost from its price", async () => {
    // $1 per output token, input free: the first answer (90 tokens) costs $90 of a $100 session budget.
    const runtime = runtimeOf({
      config: { servers: { '*': { budget: { session: { costUsd: 100 } } } } },
      models: {
        priced: { model: fixedModel('paid for', { input: 10, output: 90 }), price: { input: 0, output: 1e6 } },
      },
    });
    const client = await connect(era, createSamplingClient({ era, runtime }));
    expect(await ask(client, { prompt: 'hi', maxTokens: 20 })).toMatch(/^priced \(endTurn\): paid for$/);
    expect(await ask(client, { prompt: 'again', maxTokens: 20 })).toMatch(/budget/);
    const [first, second] = await auditLines(runtime);
    expect(first).toMatchObject({ outcome: 'ok', costUsd: 90, usage: { inputTokens: 10, outputTokens: 90 } });
    expect(second).toMatchObject({ outcome: 'budget' });
  });

  it('a host model calls tools: the client declares sampling.tools and the tool call reaches the server', async () => {
    const runtime = runtimeOf({
      models: { toolish: scriptedModel([{ calls: [{ name: 'lookup', input: { w: 'x' } }] }]) },
    });
    expect(runtime.canCallTools).toBe(true);
    const client = await connect(era, createSamplingClient({ era, runtime }));
    expect(await client.callTool({ name: 'caps', arguments: {} }).then(textOf)).toBe('{"tools":{}}');
    expect(await ask(client, { prompt: 'look it up', withTools: true })).toMatch(
      /^toolish \(toolUse\): .*calls lookup$/,
    );
  });
});

describe.each(ERAS)('sampling.tools is declared only when a tool-capable model is usable (%s era)', (era) => {
  it('no key and no host model: sampling without tools, answered by the embedded model', async () => {
    const runtime = runtimeOf();
    expect(runtime.canCallTools).toBe(false);
    expect(runtime.models).toEqual(['embedded/extractive-summarizer']);
    const client = await connect(era, createSamplingClient({ era, runtime }));
    expect(await client.callTool({ name: 'caps', arguments: {} }).then(textOf)).toBe('{}');
    expect(await ask(client, { prompt: 'The cat sat on the mat. It was warm.' })).toMatch(
      /^extractive-summarizer \(endTurn\): /,
    );
  });

  it('a host model that says tools: false: no sampling.tools; it answers requests without tools', async () => {
    const runtime = runtimeOf({ models: { plain: { model: fixedModel('plain'), tools: false } } });
    expect(runtime.canCallTools).toBe(false);
    const client = await connect(era, createSamplingClient({ era, runtime }));
    expect(await client.callTool({ name: 'caps', arguments: {} }).then(textOf)).toBe('{}');
    expect(await ask(client, { prompt: 'plain' })).toBe('plain (endTurn): plain');
  });
});

describe('the default runtime', () => {
  it.each(ERAS)(
    'no config file, no key: the embedded model answers; state and audit under ~/.mcp-sampling (%s era)',
    async (era) => {
      const home = mkdtempSync(join(tmpdir(), 'mcp-sampling-home-'));
      vi.stubEnv('HOME', home);
      for (const name of ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'GOOGLE_GENERATIVE_AI_API_KEY', 'GEMINI_API_KEY']) {
        vi.stubEnv(name, '');
      }
      const client = createSamplingClient({ era });
      await connect(era, client);
      expect(await ask(client, { prompt: 'Sampling asks the client. The client owns the keys.' })).toMatch(
        /^extractive-summarizer \(endTurn\): /,
      );
      await client.close(); // flushes the runtime it made
      const lines = readFileSync(join(home, '.mcp-sampling', 'audit.jsonl'), 'utf8')
        .trim()
        .split('\n');
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0]!)).toMatchObject({ outcome: 'ok', model: { provider: 'embedded' } });
    },
  );
});

describe('createSamplingHandler in a host’s own client', () => {
  const approveAll = (): Prompter & { views: RequestView[] } => {
    const views: RequestView[] = [];
    return {
      views,
      reviewRequest: async (view) => (views.push(view), { action: 'approve' }),
      reviewCompletion: async () => ({ action: 'approve' }),
    };
  };
  const ASK = { servers: { '*': { approval: 'ask' as const } } };

  async function hostClient(
    era: Era,
    runtime: SamplingRuntime,
    events?: SamplingEvent[],
    sampling: { tools?: Record<string, never> } = {},
  ): Promise<Client> {
    const { Client } = await import('@modelcontextprotocol/client');
    const { versionNegotiation } = await import('./helpers/wire.js');
    const client: Client = new Client(
      { name: 'my-host', version: '1.0.0' },
      { capabilities: { sampling }, versionNegotiation: versionNegotiation(era) },
    );
    client.setRequestHandler(
      'sampling/createMessage',
      createSamplingHandler(runtime, { client, ...(events !== undefined && { onEvent: (e) => events.push(e) }) }),
    );
    return connect(era, client);
  }

  it.each(ERAS)('the prompter approves: it sees the server, the model and the prompt (%s era)', async (era) => {
    const prompter = approveAll();
    const events: SamplingEvent[] = [];
    const runtime = runtimeOf({ config: ASK, prompter, models: { mine: fixedModel('approved answer') } });
    const client = await hostClient(era, runtime, events);
    expect(await ask(client, { prompt: 'please summarize' })).toBe('mine (endTurn): approved answer');
    expect(prompter.views[0]).toMatchObject({ server: SERVER_NAME, model: { provider: 'host', id: 'mine' } });
    expect(JSON.stringify(prompter.views[0]?.messages)).toContain('please summarize');
    expect(events.map((e) => e.type)).toEqual(['request', 'approval', 'approval', 'result']);
    const [line] = await auditLines(runtime);
    expect(line).toMatchObject({ approval: 'approved', outcome: 'ok' });
  });

  it.each(ERAS)('the prompter denies: the server gets the refusal, nothing is generated (%s era)', async (era) => {
    const mine = fixedModel('never');
    const runtime = runtimeOf({
      config: ASK,
      models: { mine },
      prompter: {
        reviewRequest: async () => ({ action: 'deny', reason: 'not now' }),
        reviewCompletion: async () => ({ action: 'approve' }),
      },
    });
    const client = await hostClient(era, runtime);
    expect(await ask(client, { prompt: 'x' })).toMatch(/the user denied the sampling request \(not now\)/);
    expect(mine.doGenerateCalls).toHaveLength(0);
    const [line] = await auditLines(runtime);
    expect(line).toMatchObject({ approval: 'denied', outcome: 'denied' });
  });

  it.each(ERAS)('the prompter edits the prompt and the completion (%s era)', async (era) => {
    const mine = fixedModel('the model said this');
    const runtime = runtimeOf({
      config: ASK,
      models: { mine },
      prompter: {
        reviewRequest: async () => ({ action: 'edit', lastUserText: 'an edited prompt' }),
        reviewCompletion: async (view) => ({ action: 'edit', text: `${view.completion}, edited` }),
      },
    });
    const client = await hostClient(era, runtime);
    expect(await ask(client, { prompt: 'the original prompt' })).toBe('mine (endTurn): the model said this, edited');
    expect(promptOf(mine)).toContain('an edited prompt');
    expect(promptOf(mine)).not.toContain('the original prompt');
  });

  it.each(ERAS)('a request with tools never goes to a host model that cannot call them (%s era)', async (era) => {
    const plain = fixedModel('plain');
    const runtime = runtimeOf({ models: { plain: { model: plain, tools: false } } });
    // A host that declares sampling.tools anyway: the policy refuses in one line.
    const client = await hostClient(era, runtime, undefined, { tools: {} });
    expect(await ask(client, { prompt: 'x', withTools: true })).toMatch(
      /this request offers tools, and no allowed model can call tools \(host\/plain cannot\)/,
    );
    expect(plain.doGenerateCalls).toHaveLength(0);
  });

  it('a closed runtime answers no more requests', async () => {
    const runtime = runtimeOf({ models: { mine: fixedModel('ok') } });
    const client = await hostClient('legacy', runtime);
    expect(await ask(client, { prompt: 'x' })).toBe('mine (endTurn): ok');
    await runtime.close();
    expect(runtime.closed).toBe(true);
    expect(await ask(client, { prompt: 'x' })).toMatch(/the sampling runtime is closed/);
  });
});

describe('bad input is refused at once, in one line', () => {
  it('a bad config: ConfigError, one line per problem', () => {
    const bad = () => createSamplingRuntime({ env: {}, config: { servers: { '*': { maxTokens: -1 } } } });
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(/^invalid config \(createSamplingRuntime options\.config\): servers\.\*\.maxTokens: /);
    const two = () => createSamplingRuntime({ env: {}, config: { nope: 1, retry: { maxRetries: 'x' } } as never });
    expect(two).toThrow(/\(2 problems\):\n {2}.*\n {2}.*$/);
  });

  it('loadConfig: the file named, one line per problem; a valid file returns the validated config', () => {
    const { dir } = tempPaths();
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ servers: { x: { approval: 'sometimes' } } }));
    expect(() => loadConfig(file)).toThrow(ConfigError);
    expect(() => loadConfig(file)).toThrow(new RegExp(`^invalid config ${file}: servers\\.x\\.approval: `));
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ defaultModel: 'host/mine' }));
    const config = loadConfig(good);
    expect(config.defaultModel).toBe('host/mine');
    expect(config.retry.maxRetries).toBe(2);
    // A loaded config passes as is.
    expect(createSamplingRuntime({ env: {}, config, models: { mine: fixedModel('x') } }).config.defaultModel).toBe(
      'host/mine',
    );
  });

  it('a string instead of a model instance, a model without doGenerate, bad facts', () => {
    expect(() => createSamplingRuntime({ env: {}, models: { m: 'gpt-4o' as unknown as LanguageModelV3 } })).toThrow(
      /^createSamplingRuntime: models\['m'\] is the string 'gpt-4o': pass an AI SDK model instance/,
    );
    expect(() => createSamplingRuntime({ env: {}, models: { m: {} as LanguageModelV3 } })).toThrow(TypeError);
    expect(() =>
      createSamplingRuntime({ env: {}, models: { m: { model: fixedModel('x'), contextWindow: 0 } } }),
    ).toThrow(/^createSamplingRuntime: models\['m'\]: contextWindow: /);
    expect(() => createSamplingRuntime({ env: {}, onlyModels: true })).toThrow(/onlyModels needs at least one model/);
    // Not silently false (which would let the configured providers answer).
    expect(() => createSamplingRuntime({ env: {}, onlyModels: 'yes' as never })).toThrow(
      /^createSamplingRuntime: onlyModels must be true or false \(got "yes"\)$/,
    );
  });

  it('createSamplingHandler and createSamplingClient check their options', () => {
    expect(() => createSamplingHandler({} as SamplingRuntime)).toThrow(
      /runtime must be a value of createSamplingRuntime/,
    );
    expect(() => createSamplingClient({ era: 'newest' as never, runtime: runtimeOf() })).toThrow(RangeError);
  });
});

describe('onlyModels', () => {
  it('only the host models answer: the keys in env and the embedded model are not used', async () => {
    const runtime = runtimeOf({
      env: { OPENAI_API_KEY: 'sk-test' },
      models: { mine: fixedModel('mine') },
      onlyModels: true,
    });
    expect(runtime.models).toEqual(['host/mine']);
    const next = runtimeOf({ env: { OPENAI_API_KEY: 'sk-test' }, models: { mine: fixedModel('mine') } });
    expect(next.models).toContain('openai/gpt-4o');
    expect(next.models).toContain('host/mine');
  });
});
