/**
 * directSampling without a network: bad options refused at once, the request mapped as the client maps
 * it, the answer's shape and `_meta`, maxTokens held, tool calls, cancellation and failures in one line.
 */
import { APICallError } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { describe, expect, it } from 'vitest';

import { SAMPLED_BY_META_KEY } from '../shared/contract.js';
import { SamplingRequestError } from '../server/sampling/sampler.js';
import { maskCredentials } from './direct-error.js';
import { directSampling, type DirectModel } from './direct-sampling.js';

const usage = {
  inputTokens: { total: 7, noCache: 7, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 3, text: 3, reasoning: 0 },
};

function textModel(text: string, finish: 'stop' | 'length' = 'stop') {
  return new MockLanguageModelV3({
    modelId: 'mock-1',
    doGenerate: async () => ({
      content: [{ type: 'text', text }],
      finishReason: { unified: finish, raw: finish },
      usage,
      warnings: [],
    }),
  });
}

const signal = () => new AbortController().signal;
const ask = (text: string, extra: Record<string, unknown> = {}) => ({
  messages: [{ role: 'user' as const, content: { type: 'text' as const, text } }],
  maxTokens: 50,
  ...extra,
});

describe('directSampling options', () => {
  it('refuses a string model id in one line, naming the gateway', () => {
    expect(() => directSampling({ model: 'gpt-4o-mini' as unknown as DirectModel })).toThrow(
      /^directSampling: model must be an AI SDK model instance .*not the string "gpt-4o-mini" \(the AI SDK would route a string id to Vercel's AI Gateway\)$/,
    );
  });

  it('refuses what is not a model, a bad mode and bad numbers', () => {
    expect(() => directSampling({ model: {} as DirectModel })).toThrow(TypeError);
    expect(() => directSampling(undefined as never)).toThrow(TypeError);
    expect(() => directSampling({ model: textModel('x'), when: 'sometimes' as never })).toThrow(
      "directSampling: when must be 'no-sampling' or 'always' (got \"sometimes\")",
    );
    expect(() => directSampling({ model: textModel('x'), maxRetries: -1 })).toThrow(RangeError);
    expect(() => directSampling({ model: textModel('x'), timeoutMs: 0 })).toThrow(RangeError);
  });

  it('defaults to no-sampling with tools', () => {
    expect(directSampling({ model: textModel('x') })).toMatchObject({ when: 'no-sampling', tools: true });
    expect(directSampling({ model: textModel('x'), when: 'always', tools: false })).toMatchObject({
      when: 'always',
      tools: false,
    });
  });
});

describe('directSampling.sample', () => {
  it('sends the parameters as the client does and answers in the client shape with _meta', async () => {
    const model = textModel('Trees cool cities.');
    const result = await directSampling({ model }).sample(
      ask('Summarize.', { systemPrompt: 'Be brief.', temperature: 0.3, stopSequences: ['END'] }),
      { signal: signal() },
    );
    const call = model.doGenerateCalls[0]!;
    expect(call.prompt[0]).toEqual({ role: 'system', content: 'Be brief.' });
    expect(call).toMatchObject({ temperature: 0.3, maxOutputTokens: 50, stopSequences: ['END'] });
    expect(result).toEqual({
      role: 'assistant',
      content: { type: 'text', text: 'Trees cool cities.' },
      model: 'mock-1',
      stopReason: 'endTurn',
      _meta: {
        [SAMPLED_BY_META_KEY]: {
          path: 'direct',
          model: 'mock-1',
          provider: 'mock-provider',
          usage: { inputTokens: 7, outputTokens: 3 },
        },
      },
    });
  });

  it('holds a completion to maxTokens, as the client does', async () => {
    const result = await directSampling({ model: textModel('abcd'.repeat(500)) }).sample(ask('Long.'), {
      signal: signal(),
    });
    expect(result.stopReason).toBe('maxTokens');
    expect((result.content as { text: string }).text).toBe('abcd'.repeat(50));
    expect(result._meta?.[SAMPLED_BY_META_KEY]).toMatchObject({ truncated: { estimatedTokens: 500, maxTokens: 50 } });
  });

  it('returns tool calls as tool_use blocks with stopReason toolUse', async () => {
    const model = new MockLanguageModelV3({
      doGenerate: async () => ({
        content: [{ type: 'tool-call', toolCallId: 'c1', toolName: 'lookup', input: '{"city":"Oslo"}' }],
        finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
        usage,
        warnings: [],
      }),
    });
    const result = await directSampling({ model }).sample(
      ask('Weather?', {
        tools: [{ name: 'lookup', inputSchema: { type: 'object', properties: { city: { type: 'string' } } } }],
        toolChoice: { mode: 'required' },
      }),
      { signal: signal() },
    );
    expect(model.doGenerateCalls[0]).toMatchObject({ toolChoice: { type: 'required' } });
    expect(result).toMatchObject({
      content: [{ type: 'tool_use', id: 'c1', name: 'lookup', input: { city: 'Oslo' } }],
      stopReason: 'toolUse',
    });
  });

  it('fails in one line without the key, and reports a cancellation as the cancellation', async () => {
    const refused = new MockLanguageModelV3({
      modelId: 'gpt-x',
      doGenerate: async () => {
        throw new APICallError({
          message: 'Incorrect API key provided: sk-live-abcdefghijklmnop',
          url: 'https://api.example.com/v1/chat/completions',
          requestBodyValues: {},
          statusCode: 401,
          isRetryable: false,
        });
      },
    });
    const failure = directSampling({ model: refused }).sample(ask('Hi'), { signal: signal() });
    await expect(failure).rejects.toThrow(SamplingRequestError);
    await expect(failure).rejects.toThrow(
      "direct sampling (mock-provider gpt-x): HTTP 401: the provider refused the server operator's credentials (check the key in the server's environment)",
    );

    const hanging = new MockLanguageModelV3({
      doGenerate: ({ abortSignal }) =>
        new Promise((_, reject) => {
          if (abortSignal?.aborted === true) reject(abortSignal.reason);
          abortSignal?.addEventListener('abort', () => reject(abortSignal.reason));
        }),
    });
    const controller = new AbortController();
    const pending = directSampling({ model: hanging }).sample(ask('Hi'), { signal: controller.signal });
    const reason = new Error('call cancelled');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);

    // A timeout under a second is said in milliseconds (not "0 s").
    const slow = directSampling({ model: hanging, timeoutMs: 50, maxRetries: 0 });
    await expect(slow.sample(ask('Hi'), { signal: signal() })).rejects.toThrow(/timed out after 50 ms$/);
  });

  it('refuses a request it cannot map in one line', async () => {
    await expect(
      directSampling({ model: textModel('x') }).sample({ messages: [], maxTokens: 10 }, { signal: signal() }),
    ).rejects.toThrow('direct sampling (mock-provider mock-1): the request has no messages');
  });
});

describe('maskCredentials', () => {
  it('masks key-like tokens, bearer tokens and URL credentials', () => {
    expect(maskCredentials('bad key sk-proj-abc123def456ghi, Bearer tok.en1 at https://u:p@h.example/v1?key=1')).toBe(
      'bad key ***, Bearer *** at https://***@h.example/v1?…',
    );
  });
});
