/**
 * Budgets are reservations: a real server and our real client in memory, on both eras, many sampling
 * requests in flight at once, and a scripted provider that bills every call it answers for the whole
 * prompt in (by our estimate) and the full maxTokens out. Whatever the concurrency, what the provider
 * billed never exceeds the budget, and what the client counted is what was billed.
 */
import type { LanguageModelV3CallOptions, LanguageModelV3Prompt } from '@ai-sdk/provider';
import { McpServer } from '@modelcontextprotocol/server';
import { APICallError } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod/v4';

import { createSamplingHandler, type SamplingHandler } from '../src/client/sampling/handler.js';
import type { CompletionDecision, Prompter } from '../src/policy/approval.js';
import type { ServerPolicy } from '../src/config/schema.js';
import { textChunks } from '../src/server/documents/chunk-source.js';
import { documentBudget } from '../src/server/documents/map-reduce.js';
import { createSamplingEngine } from '../src/server/sampling/engine.js';
import { estimateTokens } from '../src/shared/estimate-tokens.js';
import { connectInMemory } from './helpers/in-memory.js';
import { scriptedModelHandler, testRuntime, withProviderModel } from './helpers/runtime.js';
import { ERAS, textOf, wire, type Era } from './helpers/wire.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()!();
});

/** A document of `paragraphs` distinct paragraphs of about 45 tokens each. */
function longDocument(paragraphs: number): string {
  return Array.from(
    { length: paragraphs },
    (_, i) =>
      `Paragraph ${i + 1} reports measurement ${i * 7 + 3} from station ${i % 13}. The readings stayed within ` +
      `the expected range for the season, and the team logged ${i % 5} anomalies that needed a second look.`,
  ).join('\n\n');
}

function promptText(prompt: LanguageModelV3Prompt): string {
  return prompt
    .flatMap((message) =>
      typeof message.content === 'string'
        ? [message.content]
        : message.content.flatMap((part) => (part.type === 'text' ? [part.text] : [])),
    )
    .join('\n');
}

/** US dollars per million tokens of the scripted model. */
const PRICE = { input: 3, output: 15 };

/**
 * A provider that bills each call it answers: its whole prompt in (by our estimate) and the full
 * maxOutputTokens out, after a short pause so that many calls overlap. A call aborted before it is
 * answered is not billed (the provider stopped).
 */
function billingModel() {
  const billed = { calls: 0, tokens: 0, costUsd: 0 };
  let inFlight = 0;
  const model = new MockLanguageModelV3({
    doGenerate: async (call: LanguageModelV3CallOptions) => {
      inFlight++;
      try {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(resolve, 5);
          call.abortSignal?.addEventListener('abort', () => {
            clearTimeout(timer);
            reject(new Error('aborted'));
          });
        });
      } finally {
        inFlight--;
      }
      const inputTokens = estimateTokens(promptText(call.prompt));
      const outputTokens = call.maxOutputTokens ?? 0;
      billed.calls += 1;
      billed.tokens += inputTokens + outputTokens;
      billed.costUsd += (inputTokens * PRICE.input + outputTokens * PRICE.output) / 1_000_000;
      return {
        content: [{ type: 'text', text: `summary ${billed.calls}` }],
        finishReason: { unified: 'stop', raw: 'stop' },
        usage: {
          inputTokens: { total: inputTokens, noCache: inputTokens, cacheRead: 0, cacheWrite: 0 },
          outputTokens: { total: outputTokens, text: outputTokens, reasoning: 0 },
        },
        warnings: [],
      };
    },
  });
  // Calls still running when the tool call has already failed are waited for before anything is counted.
  const settled = () => vi.waitFor(() => expect(inFlight).toBe(0));
  return { model, billed, settled };
}

const PARALLEL = 32;

/** A server whose tool sends PARALLEL requests at once and reports how many were answered. */
async function connectFanOut(era: Era, handler: SamplingHandler) {
  const engine = createSamplingEngine({ concurrency: PARALLEL });
  const wired = await wire({
    era,
    handler,
    server: () => {
      const server = new McpServer(
        { name: 'fan-out', version: '1.0.0' },
        { capabilities: { tools: {} }, requestState: { verify: engine.verifyState } },
      );
      engine.registerTool(server, 'fan_out', { inputSchema: z.object({}) }, async (_args, sampler) => {
        const outcomes = await Promise.allSettled(
          Array.from({ length: PARALLEL }, (_, i) =>
            sampler.sample({
              messages: [{ role: 'user', content: { type: 'text', text: longDocument(6 + (i % 3)) } }],
              maxTokens: 200,
            }),
          ),
        );
        const answered = outcomes.filter((o) => o.status === 'fulfilled').length;
        return { content: [{ type: 'text', text: `answered ${answered}` }] };
      });
      return server;
    },
  });
  closers.push(() => wired.close());
  return wired.client;
}

const BUDGETS = [
  ['a session token budget of 500', { session: { tokens: 500 } }, 'tokens', 500],
  ['a session token budget of 8,000', { session: { tokens: 8_000 } }, 'tokens', 8_000],
  ['a daily token budget of 8,000', { day: { tokens: 8_000 } }, 'tokens', 8_000],
  ['a session dollar budget of $0.02', { session: { costUsd: 0.02 } }, 'costUsd', 0.02],
  ['a daily dollar budget of $0.02', { day: { costUsd: 0.02 } }, 'costUsd', 0.02],
] as const;

function configFor(budget: ServerPolicy['budget']) {
  return {
    models: [{ provider: 'scripted', id: 'scripted-model', price: PRICE }],
    servers: { '*': { budget, maxConcurrent: PARALLEL } },
  };
}

describe.each(ERAS)('%s era: requests in flight at once', (era) => {
  it.each(BUDGETS)('are never billed beyond %s', async (_name, budget, kind, limit) => {
    const { model, billed, settled } = billingModel();
    const handler = scriptedModelHandler(model, { config: configFor(budget) });
    const client = await connectFanOut(era, handler);
    const result = await client
      .callTool({ name: 'fan_out', arguments: {} })
      .then((r) => textOf(r))
      .catch((error: Error) => error.message);
    await settled();
    await handler.test.flush();

    expect(billed[kind]).toBeLessThanOrEqual(limit);
    // Not vacuous: the budget let some requests through (on the 2026 era the SDK may cancel them when
    // another request of the round is refused), and refused the rest with the usual refusal.
    if (limit > 500 && era === 'legacy') expect(billed.calls).toBeGreaterThan(0);
    expect(billed.calls).toBeLessThan(PARALLEL);
    if (era === 'legacy') expect(result).toBe(`answered ${billed.calls}`);
    else expect(result).toMatch(/budget of .* for server 'test-server' (cannot cover this request|is exhausted)/);
    // The client counted at least what the provider billed (exactly that, unless calls were cut off at
    // the provider: those count at their worst case), never beyond the budget, and no reservation is left.
    const usage = handler.test.runtime.budget.usage('test-server');
    const counted = 'session' in budget ? usage.session : usage.day;
    if (era === 'legacy') {
      expect(counted.tokens).toBe(billed.tokens);
      expect(counted.costUsd).toBeCloseTo(billed.costUsd, 10);
    }
    expect(counted[kind]).toBeGreaterThanOrEqual(billed[kind]);
    expect(counted[kind]).toBeLessThanOrEqual(limit);
    if (limit > 500) expect(counted[kind]).toBeGreaterThan(0);
    expect(usage.reserved).toEqual({ tokens: 0, costUsd: 0, requests: 0 });
  });

  it('summarizing a long document through parallel chunk requests stays within a 500-token budget', async () => {
    const document = longDocument(128);
    const contextTokens = 700;
    expect(textChunks(document, documentBudget(contextTokens, 300)).length).toBeGreaterThanOrEqual(PARALLEL);
    const { model, billed, settled } = billingModel();
    const handler = scriptedModelHandler(model, { config: configFor({ session: { tokens: 500 } }) });
    const pair = await connectInMemory(era, handler, { concurrency: PARALLEL });
    closers.push(() => pair.close());
    const result = await pair.client
      .callTool({ name: 'summarize_document', arguments: { document_text: document, context_tokens: contextTokens } })
      .then((r) => ({ isError: r.isError === true, text: textOf(r) }))
      .catch((error: Error) => ({ isError: true, text: error.message }));
    await settled();
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/session token budget of 500 for server 'test-server'/);
    expect(billed.tokens).toBeLessThanOrEqual(500);
    expect(handler.test.runtime.budget.usage('test-server').reserved.requests).toBe(0);
  });
});

/** A prompter that approves every request and answers every completion with `completion`. */
function prompter(completion: CompletionDecision): Prompter {
  return { reviewRequest: async () => ({ action: 'approve' }), reviewCompletion: async () => completion };
}

describe('what counts against a budget', () => {
  it('a completion the user rejects was paid for: it counts', async () => {
    const { model, billed } = billingModel();
    const test = testRuntime({
      config: {
        ...configFor({ session: { tokens: 100_000 } }),
        providers: { scripted: { type: 'openai-compatible', baseURL: 'http://127.0.0.1:9/v1' } },
        defaultModel: 'scripted/scripted-model',
        servers: { '*': { approval: 'ask', budget: { session: { tokens: 100_000 } } } },
      },
      prompter: prompter({ action: 'reject', reason: 'not good' }),
    });
    const handler = createSamplingHandler({
      runtime: withProviderModel(test.runtime, 'scripted', model),
      server: () => ({ name: 'test-server', address: 'test' }),
      era: () => 'test',
    });
    const pair = await connectInMemory('legacy', handler);
    closers.push(() => pair.close());
    const result = await pair.client.callTool({ name: 'summarize_document', arguments: { document_text: 'Trees.' } });
    expect(textOf(result)).toMatch(/rejected the completion/);
    expect(billed.calls).toBe(1);
    expect(test.runtime.budget.usage('test-server').session.tokens).toBe(billed.tokens);
  });

  it('a prompt edited on approval is reserved again: an edit that no longer fits is refused, unsent', async () => {
    const { model, billed } = billingModel();
    const budget = { session: { tokens: 2_000 } };
    const test = testRuntime({
      config: {
        ...configFor(budget),
        providers: { scripted: { type: 'openai-compatible', baseURL: 'http://127.0.0.1:9/v1' } },
        defaultModel: 'scripted/scripted-model',
        servers: { '*': { approval: 'ask', budget } },
      },
      prompter: {
        reviewRequest: async () => ({ action: 'edit', lastUserText: longDocument(40) }),
        reviewCompletion: async () => ({ action: 'approve' }),
      },
    });
    const handler = createSamplingHandler({
      runtime: withProviderModel(test.runtime, 'scripted', model),
      server: () => ({ name: 'test-server', address: 'test' }),
      era: () => 'test',
    });
    const pair = await connectInMemory('legacy', handler);
    closers.push(() => pair.close());
    const result = await pair.client.callTool({ name: 'summarize_document', arguments: { document_text: 'Trees.' } });
    expect(textOf(result)).toMatch(/session token budget of 2,000 .* cannot cover this request/);
    expect(billed.calls).toBe(0);
    expect(test.runtime.budget.usage('test-server').reserved.requests).toBe(0);
  });

  describe.each(ERAS)('a reservation is given back (%s era)', (era) => {
    const budget = { session: { tokens: 100_000 } };
    const cases: [string, Record<string, unknown>, () => MockLanguageModelV3, Prompter | undefined, RegExp][] = [
      [
        'when the user denies the request',
        { approval: 'ask' },
        () => billingModel().model,
        {
          reviewRequest: async () => ({ action: 'deny', reason: 'no' }),
          reviewCompletion: async () => ({ action: 'approve' }),
        },
        /denied/,
      ],
      [
        'when the rate limit refuses it',
        { rateLimit: { tokensPerMinute: 1, onLimit: 'reject' } },
        () => billingModel().model,
        undefined,
        /rate limit/,
      ],
      [
        'when every provider attempt fails',
        {},
        () =>
          new MockLanguageModelV3({
            doGenerate: async () => {
              throw new APICallError({
                message: 'overloaded',
                url: 'http://127.0.0.1:9/v1/chat/completions',
                requestBodyValues: {},
                statusCode: 503,
                isRetryable: true,
              });
            },
          }),
        undefined,
        /overloaded|503/,
      ],
    ];
    it.each(cases)('%s', async (_name, policy, makeModel, reviewer, why) => {
      const test = testRuntime({
        config: {
          ...configFor(budget),
          providers: { scripted: { type: 'openai-compatible', baseURL: 'http://127.0.0.1:9/v1' } },
          defaultModel: 'scripted/scripted-model',
          retry: { maxRetries: 1, initialDelayMs: 1, maxDelayMs: 5 },
          servers: { '*': { budget, ...policy } },
        },
        ...(reviewer !== undefined && { prompter: reviewer }),
      });
      const handler = createSamplingHandler({
        runtime: withProviderModel(test.runtime, 'scripted', makeModel()),
        server: () => ({ name: 'test-server', address: 'test' }),
        era: () => 'test',
      });
      const pair = await connectInMemory(era, handler);
      closers.push(() => pair.close());
      const text = await pair.client
        .callTool({ name: 'summarize_document', arguments: { document_text: 'Trees cool cities.' } })
        .then((r) => textOf(r))
        .catch((error: Error) => error.message);
      expect(text).toMatch(why);
      expect(test.runtime.budget.usage('test-server')).toMatchObject({
        session: { tokens: 0, costUsd: 0 },
        reserved: { tokens: 0, costUsd: 0, requests: 0 },
      });
    });
  });
});
