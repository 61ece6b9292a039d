/**
 * The client's policy end to end: a real server and client in memory, providers as local HTTP stubs.
 * Model resolution under allowlists, limits, budgets, rate limits, approval, fallbacks, cancellation,
 * the audit log, and usage reported back to the server.
 */
import { readFileSync } from 'node:fs';

import type { Client } from '@modelcontextprotocol/client';
import { McpServer } from '@modelcontextprotocol/server';
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod/v4';

import { type SamplingEvent } from '../src/client/sampling/events.js';
import { USAGE_META_KEY } from '../src/client/sampling/result.js';
import type { CompletionDecision, Prompter, RequestDecision } from '../src/policy/approval.js';
import type { AuditRecord } from '../src/policy/audit-log.js';
import { createSamplingEngine } from '../src/server/sampling/engine.js';
import { chatCompletion, startHttpStub, type HttpStub } from './helpers/http-stub.js';
import { connectInMemory, textOf, type InMemoryPair } from './helpers/in-memory.js';
import { testHandler, type TestRuntime } from './helpers/runtime.js';
import { ERAS, wire } from './helpers/wire.js';

const DOC = 'Street trees cool cities. They hold rain water. They need care in their first summers.';

let pair: InMemoryPair | undefined;
let stub: HttpStub | undefined;
afterEach(async () => {
  await pair?.close();
  await stub?.close();
  pair = undefined;
  stub = undefined;
});

function openaiEnv(s: HttpStub) {
  return { OPENAI_API_KEY: 'sk-policy-test-secret', OPENAI_BASE_URL: `${s.url}/v1` };
}

const FAST_RETRY = { maxRetries: 1, initialDelayMs: 1, maxDelayMs: 10 };

async function summarize(client: Client, text = DOC) {
  return client
    .callTool({ name: 'summarize_document', arguments: { document_text: text } })
    .then((result) => ({ isError: result.isError === true, text: textOf(result) }))
    .catch((error: Error) => ({ isError: true, text: error.message }));
}

/** The audit log of a test runtime, once the lines written behind the answers are on disk. */
async function readAudit(test: TestRuntime): Promise<AuditRecord[]> {
  await test.flush();
  return readFileSync(test.auditPath, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as AuditRecord);
}

/** A prompter that answers from a script and records what it was shown. */
function scriptedPrompter(request: RequestDecision, completion: CompletionDecision = { action: 'approve' }) {
  const shown: { stage: string; view: unknown }[] = [];
  const prompter: Prompter = {
    reviewRequest: async (view) => {
      shown.push({ stage: 'request', view });
      return request;
    },
    reviewCompletion: async (view) => {
      shown.push({ stage: 'completion', view });
      return completion;
    },
  };
  return { prompter, shown };
}

describe('model resolution under the server policy', () => {
  it('keeps to the models allowed for the server, matching the hint as a substring', async () => {
    stub = await startHttpStub(() => ({ json: chatCompletion('ok') }));
    const events: SamplingEvent[] = [];
    pair = await connectInMemory(
      'legacy',
      testHandler({
        env: openaiEnv(stub),
        config: { servers: { 'document-assistant': { models: ['openai/gpt-4o-mini'] } } },
        onEvent: (e) => events.push(e),
      }),
    );
    await summarize(pair.client);
    expect((stub.requests[0]!.body as { model: string }).model).toBe('gpt-4o-mini');
    const request = events.find((e) => e.type === 'request');
    expect(request?.type === 'request' && request.reason).toMatch(/gpt-4o/);
  });

  it('maps the gpt-4o hint to an Anthropic model when only Anthropic is configured', async () => {
    stub = await startHttpStub(() => ({
      json: {
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet-4-5',
        content: [{ type: 'text', text: 'Trees cool cities.' }],
        stop_reason: 'end_turn',
        stop_sequence: null,
        usage: { input_tokens: 30, output_tokens: 5 },
      },
    }));
    pair = await connectInMemory(
      'modern',
      testHandler({ env: { ANTHROPIC_API_KEY: 'sk-ant-test-secret', ANTHROPIC_BASE_URL: `${stub.url}/v1` } }),
    );
    const result = await summarize(pair.client);
    expect(result).toEqual({ isError: false, text: 'Summary:\nTrees cool cities.' });
    expect(stub.requests[0]!.path).toBe('/v1/messages');
    expect((stub.requests[0]!.body as { model: string }).model).toMatch(/claude/);
  });

  it('answers with a local Ollama model (OpenAI-compatible, no key) when that is all that is configured', async () => {
    stub = await startHttpStub(() => ({ json: { ...chatCompletion('Local summary.'), model: 'llama3.2' } }));
    const events: SamplingEvent[] = [];
    pair = await connectInMemory(
      'modern',
      testHandler({
        config: {
          providers: { ollama: { type: 'openai-compatible', baseURL: `${stub.url}/v1` } },
          models: [{ provider: 'ollama', id: 'llama3.2' }],
        },
        onEvent: (e) => events.push(e),
      }),
    );
    const result = await summarize(pair.client);
    expect(result).toEqual({ isError: false, text: 'Summary:\nLocal summary.' });
    expect(stub.requests[0]!.path).toBe('/v1/chat/completions');
    expect(stub.requests[0]!.headers.authorization).toBeUndefined();
    expect((stub.requests[0]!.body as { model: string }).model).toBe('llama3.2');
    const request = events.find((e) => e.type === 'request');
    expect(request).toMatchObject({ provider: 'ollama', model: 'llama3.2' });
  });

  it('refuses when no model is enabled for the server', async () => {
    pair = await connectInMemory('legacy', testHandler({ config: { embedded: { enabled: false } } }));
    const result = await summarize(pair.client);
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/no model/);
  });
});

describe('limits', () => {
  it('caps maxTokens (never above the request) and clamps temperature', async () => {
    stub = await startHttpStub(() => ({ json: chatCompletion('ok') }));
    pair = await connectInMemory(
      'legacy',
      testHandler({
        env: openaiEnv(stub),
        config: { servers: { '*': { maxTokens: 120, temperature: { min: 0, max: 0.5 } } } },
      }),
    );
    await summarize(pair.client);
    expect(stub.requests[0]!.body).toMatchObject({ max_tokens: 120, temperature: 0.5 });
  });

  it('a cap above the request leaves the request as it is', async () => {
    stub = await startHttpStub(() => ({ json: chatCompletion('ok') }));
    pair = await connectInMemory(
      'legacy',
      testHandler({ env: openaiEnv(stub), config: { servers: { '*': { maxTokens: 4000 } } } }),
    );
    await summarize(pair.client);
    expect(stub.requests[0]!.body).toMatchObject({ max_tokens: 300 });
  });
});

describe('budgets', () => {
  it('refuses a request whose worst case does not fit, and keeps the day budget across clients', async () => {
    // Each call reserves 637 tokens (its prompt at a token per byte, plus maxTokens 300) and uses 162.
    stub = await startHttpStub(() => ({ json: chatCompletion('ok') }));
    const config = { servers: { '*': { budget: { session: { tokens: 700 }, day: { tokens: 900 } } } } };
    const first = testHandler({ env: openaiEnv(stub), config });
    pair = await connectInMemory('legacy', first);
    expect((await summarize(pair.client)).isError).toBe(false);
    const refused = await summarize(pair.client);
    expect(refused.isError).toBe(true);
    expect(refused.text).toMatch(
      /session token budget of 700 .* cannot cover this request, which may use up to 637 tokens: 538 left \(162 used\)/,
    );
    expect(stub.requests).toHaveLength(1);
    await pair.close();

    // A new client (new session) on the same state file: 162 used today, one more call fits in 900, not two.
    await first.test.flush();
    const statePath = first.test.statePath;
    const dayOnly = { servers: { '*': { budget: { day: { tokens: 900 } } } } };
    const second = testHandler({ env: openaiEnv(stub), config: dayOnly, statePath });
    pair = await connectInMemory('legacy', second);
    expect((await summarize(pair.client)).isError).toBe(false);
    const daily = await summarize(pair.client);
    expect(daily.isError).toBe(true);
    expect(daily.text).toMatch(/daily token budget of 900 .* \(324 used\)/);
    expect(stub.requests).toHaveLength(2);
  });
});

describe('budget reservations with fallbacks and cancellation', () => {
  // gpt-4o is overloaded; its fallback gpt-4o-mini is priced here at $1,000 per million tokens.
  const pricing = {
    retry: FAST_RETRY,
    fallbacks: { maxModels: 1 },
    models: [
      { provider: 'openai', id: 'gpt-4o', price: { input: 1, output: 1 } },
      { provider: 'openai', id: 'gpt-4o-mini', price: { input: 1000, output: 1000 } },
    ],
  };
  const overloaded = () =>
    startHttpStub((request) =>
      (request.body as { model: string }).model === 'gpt-4o'
        ? { status: 503, json: { error: { message: 'overloaded' } } }
        : { json: chatCompletion('From the fallback.') },
    );
  const policyFor = (costUsd: number) => ({
    servers: { '*': { models: ['openai/gpt-4o', 'openai/gpt-4o-mini'], budget: { session: { costUsd } } } },
  });

  it('a fallback whose worst case does not fit the budget is never called', async () => {
    stub = await overloaded();
    const handler = testHandler({ env: openaiEnv(stub), config: { ...pricing, ...policyFor(0.05) } });
    pair = await connectInMemory('legacy', handler);
    const result = await summarize(pair.client);
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/overloaded|503/);
    expect(stub.requests.map((r) => (r.body as { model: string }).model)).toEqual(['gpt-4o', 'gpt-4o']);
    const [line] = await readAudit(handler.test);
    expect(line!.applied?.notes).toContain(
      'fallback openai/gpt-4o-mini dropped: its worst case does not fit the budget',
    );
    expect(handler.test.runtime.budget.usage('document-assistant').session.costUsd).toBe(0);
  });

  it('the reservation covers the most expensive candidate: the fallback answers and its real cost counts', async () => {
    stub = await overloaded();
    const handler = testHandler({ env: openaiEnv(stub), config: { ...pricing, ...policyFor(5) } });
    pair = await connectInMemory('legacy', handler);
    expect(await summarize(pair.client)).toEqual({ isError: false, text: 'Summary:\nFrom the fallback.' });
    const usage = handler.test.runtime.budget.usage('document-assistant');
    expect(usage.session.costUsd).toBeCloseTo(((120 + 42) * 1000) / 1_000_000, 10);
    expect(usage.reserved.requests).toBe(0);
  });

  it.each(ERAS)(
    'a call cancelled at the provider counts at its worst case, since it may have been billed (%s era)',
    async (era) => {
      stub = await startHttpStub(() => ({ hang: true }));
      const handler = testHandler({
        env: openaiEnv(stub),
        config: { servers: { '*': { budget: { session: { tokens: 100_000 } } } } },
      });
      pair = await connectInMemory(era, handler);
      const controller = new AbortController();
      const call = pair.client.callTool(
        { name: 'summarize_document', arguments: { document_text: DOC } },
        { signal: controller.signal },
      );
      const settled = call.then(
        () => 'resolved',
        () => 'rejected',
      );
      await expect.poll(() => stub!.requests.length).toBe(1);
      const budget = handler.test.runtime.budget;
      const held = budget.usage('document-assistant').reserved;
      expect(held.requests).toBe(1);
      controller.abort(new Error('the user pressed Ctrl-C'));
      expect(await settled).toBe('rejected');
      await expect.poll(() => budget.usage('document-assistant').reserved.requests).toBe(0);
      expect(budget.usage('document-assistant').session.tokens).toBe(held.tokens);
    },
  );
});

describe('rate limits', () => {
  it('rejects past requests per minute when configured to reject', async () => {
    stub = await startHttpStub(() => ({ json: chatCompletion('ok') }));
    const handler = testHandler({
      env: openaiEnv(stub),
      config: { servers: { '*': { rateLimit: { requestsPerMinute: 1, onLimit: 'reject' } } } },
    });
    pair = await connectInMemory('legacy', handler);
    expect((await summarize(pair.client)).isError).toBe(false);
    const limited = await summarize(pair.client);
    expect(limited.isError).toBe(true);
    expect(limited.text).toMatch(/rate limit/);
    expect(stub.requests).toHaveLength(1);
    expect((await readAudit(handler.test)).map((line) => line.outcome)).toEqual(['ok', 'rate-limited']);
  });
});

describe.each(ERAS)('human in the loop (%s era)', (era) => {
  it('shows the request, then the completion, and returns what the person approved', async () => {
    const { prompter, shown } = scriptedPrompter({ action: 'approve' }, { action: 'edit', text: 'Edited summary.' });
    pair = await connectInMemory(era, testHandler({ prompter, config: { servers: { '*': { approval: 'ask' } } } }));
    const result = await summarize(pair.client);
    expect(result).toEqual({ isError: false, text: 'Summary:\nEdited summary.' });
    expect(shown.map((s) => s.stage)).toEqual(['request', 'completion']);
    expect(shown[0]!.view).toMatchObject({
      server: 'document-assistant',
      maxTokens: 300,
      model: { id: 'extractive-summarizer' },
    });
  });

  it('sends the edited prompt to the model', async () => {
    const { prompter } = scriptedPrompter({ action: 'edit', lastUserText: 'Only this sentence stays. Nothing else.' });
    pair = await connectInMemory(era, testHandler({ prompter, config: { servers: { '*': { approval: 'ask' } } } }));
    const result = await summarize(pair.client);
    expect(result.text).toContain('Only this sentence stays.');
    expect(result.text).not.toContain('Street trees');
  });

  it('a denial answers with a clear message and nothing is sent to a model', async () => {
    const { prompter } = scriptedPrompter({ action: 'deny', reason: 'not now' });
    const events: SamplingEvent[] = [];
    pair = await connectInMemory(
      era,
      testHandler({ prompter, config: { servers: { '*': { approval: 'ask' } } }, onEvent: (e) => events.push(e) }),
    );
    const result = await summarize(pair.client);
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/the user denied the sampling request \(not now\)/);
    expect(events.some((e) => e.type === 'result')).toBe(false);
  });

  it('ask mode without a terminal denies with a clear message', async () => {
    pair = await connectInMemory(era, testHandler({ config: { servers: { '*': { approval: 'ask' } } } }));
    const result = await summarize(pair.client);
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/no terminal to ask on/);
  });
});

describe('user rejection on the wire', () => {
  it('the server receives JSON-RPC error -1 when the user denies (2025-era push)', async () => {
    const { prompter } = scriptedPrompter({ action: 'deny' });
    const wired = await wire({
      era: 'legacy',
      handler: testHandler({ prompter, config: { servers: { '*': { approval: 'ask' } } } }),
      server: () => {
        const server = new McpServer({ name: 'rejection-probe', version: '1.0.0' }, { capabilities: { tools: {} } });
        server.registerTool('probe', { inputSchema: z.object({}) }, async (_args, ctx) => {
          const code = await ctx.mcpReq
            .requestSampling({ messages: [{ role: 'user', content: { type: 'text', text: 'hi' } }], maxTokens: 5 })
            .then(
              () => 'answered',
              (error: { code?: number }) => String(error.code),
            );
          return { content: [{ type: 'text', text: code }] };
        });
        return server;
      },
    });
    const result = await wired.client.callTool({ name: 'probe', arguments: {} });
    expect(textOf(result)).toBe('-1');
    await wired.close();
  });
});

describe('fallbacks', () => {
  it('after retries of a 503, the next candidate model answers', async () => {
    stub = await startHttpStub((request) =>
      (request.body as { model: string }).model === 'gpt-4o'
        ? { status: 503, json: { error: { message: 'overloaded' } } }
        : { json: chatCompletion('From the fallback.') },
    );
    const handler = testHandler({ env: openaiEnv(stub), config: { retry: FAST_RETRY } });
    pair = await connectInMemory('legacy', handler);
    const result = await summarize(pair.client);
    expect(result).toEqual({ isError: false, text: 'Summary:\nFrom the fallback.' });
    const models = stub.requests.map((r) => (r.body as { model: string }).model);
    expect(models.slice(0, 2)).toEqual(['gpt-4o', 'gpt-4o']);
    expect(models[2]).not.toBe('gpt-4o');
    const [line] = await readAudit(handler.test);
    // gpt-4o: one retry, then given up; the next model answers.
    expect(line!.attempts?.map((a) => `${a.id}:${a.outcome}`)).toEqual([
      'gpt-4o:retry',
      'gpt-4o:failed',
      `${models[2]}:ok`,
    ]);
  });

  it('a 401 fails fast: no retry, no other model', async () => {
    stub = await startHttpStub(() => ({ status: 401, json: { error: { message: 'Incorrect API key provided' } } }));
    pair = await connectInMemory('legacy', testHandler({ env: openaiEnv(stub), config: { retry: FAST_RETRY } }));
    const result = await summarize(pair.client);
    expect(result.text).toMatch(/openai gpt-4o: HTTP 401/);
    expect(stub.requests).toHaveLength(1);
  });
});

describe.each(ERAS)('cancellation (%s era)', (era) => {
  it('cancelling the tool call aborts the provider call in flight', async () => {
    stub = await startHttpStub(() => ({ hang: true }));
    pair = await connectInMemory(era, testHandler({ env: openaiEnv(stub) }));
    const controller = new AbortController();
    const call = pair.client.callTool(
      { name: 'summarize_document', arguments: { document_text: DOC } },
      { signal: controller.signal },
    );
    const settled = call.then(
      () => 'resolved',
      () => 'rejected',
    );
    await expect.poll(() => stub!.requests.length).toBe(1);
    controller.abort(new Error('the user pressed Ctrl-C'));
    expect(await settled).toBe('rejected');
    await expect.poll(() => stub!.abandoned).toEqual([0]);
  });
});

describe('audit log', () => {
  it('writes one line per request with the decision, usage and cost, and never a key', async () => {
    stub = await startHttpStub(() => ({ json: chatCompletion('Trees cool cities.') }));
    const handler = testHandler({ env: openaiEnv(stub), era: 'legacy' });
    pair = await connectInMemory('legacy', handler);
    await summarize(pair.client);
    await handler.test.flush();
    const raw = readFileSync(handler.test.auditPath, 'utf8');
    expect(raw).not.toContain('sk-policy-test-secret');
    expect(raw).not.toContain('Street trees'); // no prompt text unless enabled
    const [line] = await readAudit(handler.test);
    expect(line).toMatchObject({
      server: 'document-assistant',
      era: 'legacy',
      request: { maxTokens: 300, temperature: 0.7, hints: ['gpt-4o'], systemPrompt: true },
      model: { provider: 'openai', id: 'gpt-4o' },
      approval: 'auto',
      usage: { inputTokens: 120, outputTokens: 42 },
      outcome: 'ok',
    });
    expect(line!.costUsd).toBeGreaterThan(0);
    expect(line!.model!.reason).toMatch(/gpt-4o/);
  });

  it('a rejected completion is recorded as rejected, a denied request as denied', async () => {
    const { prompter } = scriptedPrompter({ action: 'approve' }, { action: 'reject' });
    const handler = testHandler({ prompter, config: { servers: { '*': { approval: 'ask' } } } });
    pair = await connectInMemory('legacy', handler);
    expect((await summarize(pair.client)).isError).toBe(true);
    const [line] = await readAudit(handler.test);
    expect(line).toMatchObject({ outcome: 'rejected', approval: 'approved, completion rejected' });
  });

  it('records prompt and completion text when enabled, and failures with their outcome', async () => {
    const { prompter } = scriptedPrompter({ action: 'deny' });
    const handler = testHandler({
      prompter,
      config: { audit: { includeText: true }, servers: { '*': { approval: 'ask' } } },
    });
    pair = await connectInMemory('legacy', handler);
    await summarize(pair.client);
    const [line] = await readAudit(handler.test);
    expect(line).toMatchObject({ outcome: 'denied', approval: 'denied' });
    expect(JSON.stringify(line!.prompt)).toContain('Street trees');
  });
});

describe('usage reported to the server', () => {
  it(`the result's _meta carries tokens and cost under ${USAGE_META_KEY}`, async () => {
    stub = await startHttpStub(() => ({ json: chatCompletion('ok') }));
    const engine = createSamplingEngine();
    const wired = await wire({
      era: 'legacy',
      handler: testHandler({ env: openaiEnv(stub), config: { defaultModel: 'openai/gpt-4o' } }),
      server: () => {
        const server = new McpServer(
          { name: 'usage-probe', version: '1.0.0' },
          { capabilities: { tools: {} }, requestState: { verify: engine.verifyState } },
        );
        engine.registerTool(server, 'probe', { inputSchema: z.object({}) }, async (_args, sampler) => {
          const result = await sampler.sample({
            messages: [{ role: 'user', content: { type: 'text', text: 'hello' } }],
            maxTokens: 10,
          });
          return { content: [{ type: 'text', text: JSON.stringify(result._meta?.[USAGE_META_KEY]) }] };
        });
        return server;
      },
    });
    const result = await wired.client.callTool({ name: 'probe', arguments: {} });
    const usage = JSON.parse(textOf(result));
    expect(usage).toMatchObject({ provider: 'openai', model: 'gpt-4o', inputTokens: 120, outputTokens: 42 });
    expect(usage.costUsd).toBeGreaterThan(0);
    await wired.close();
  });
});
