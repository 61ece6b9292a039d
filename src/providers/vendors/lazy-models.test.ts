import type { LanguageModelV3, LanguageModelV3CallOptions } from '@ai-sdk/provider';
import { createAnthropic } from '@ai-sdk/anthropic';
import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { describe, expect, it, vi } from 'vitest';

import type { ProviderSettings } from '../provider.js';
import { anthropic } from './anthropic.js';
import { google } from './google.js';
import { lazyLanguageModels } from './lazy-models.js';
import { openaiCompatible } from './openai-compatible.js';
import { openai } from './openai.js';

const SETTINGS: ProviderSettings = {
  name: 'local',
  baseURL: 'http://127.0.0.1:9/v1',
  apiKey: 'k',
  headers: {},
  fetch: () => Promise.reject(new Error('no network in this test')),
};

const CALL: LanguageModelV3CallOptions = { prompt: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] };

function fakeModel(modelId: string): LanguageModelV3 {
  return {
    specificationVersion: 'v3',
    provider: 'fake.chat',
    modelId,
    supportedUrls: { 'image/*': [/^https:/] },
    doGenerate: vi.fn(() =>
      Promise.resolve({
        content: [{ type: 'text' as const, text: `from ${modelId}` }],
        finishReason: { unified: 'stop' as const, raw: 'stop' },
        usage: {
          inputTokens: { total: 1, noCache: 1, cacheRead: undefined, cacheWrite: undefined },
          outputTokens: { total: 1, text: 1, reasoning: undefined },
        },
        warnings: [],
      }),
    ),
    doStream: vi.fn(() => Promise.reject(new Error('not streamed here'))),
  };
}

describe('lazyLanguageModels', () => {
  it('loads nothing until a model is used, then builds the provider once and hands it every call', async () => {
    const models: LanguageModelV3[] = [];
    const load = vi.fn(() =>
      Promise.resolve((modelId: string) => {
        const model = fakeModel(modelId);
        models.push(model);
        return model;
      }),
    );
    const factory = lazyLanguageModels(load, 'fake.chat');
    const a = factory('a');
    const b = factory('b');
    expect(load).not.toHaveBeenCalled();
    expect(a).toMatchObject({ specificationVersion: 'v3', provider: 'fake.chat', modelId: 'a' });

    const answer = await a.doGenerate(CALL);
    expect(answer.content).toEqual([{ type: 'text', text: 'from a' }]);
    await a.doGenerate(CALL);
    expect(await b.supportedUrls).toEqual({ 'image/*': [/^https:/] });
    await expect(b.doStream(CALL)).rejects.toThrow('not streamed here');
    expect(load).toHaveBeenCalledTimes(1);
    // One real model per stand-in, given the calls as they were made.
    expect(models.map((m) => m.modelId)).toEqual(['a', 'b']);
    expect(models[0]!.doGenerate).toHaveBeenCalledTimes(2);
    expect(models[0]!.doGenerate).toHaveBeenCalledWith(CALL);
  });

  it('fails the call when the package cannot be loaded, and tries again on the next one', async () => {
    const load = vi
      .fn<() => Promise<(modelId: string) => LanguageModelV3>>()
      .mockRejectedValueOnce(new Error("Cannot find package '@ai-sdk/x'"))
      .mockResolvedValue(fakeModel);
    const factory = lazyLanguageModels(load, 'fake.chat');
    await expect(factory('m').doGenerate(CALL)).rejects.toThrow("Cannot find package '@ai-sdk/x'");
    expect((await factory('m').doGenerate(CALL)).content).toEqual([{ type: 'text', text: 'from m' }]);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('tries the import again on the same model’s next call after a failure', async () => {
    const load = vi
      .fn<() => Promise<(modelId: string) => LanguageModelV3>>()
      .mockRejectedValueOnce(new Error("Cannot find package '@ai-sdk/x'"))
      .mockResolvedValue(fakeModel);
    const model = lazyLanguageModels(load, 'fake.chat')('m');
    await expect(model.doGenerate(CALL)).rejects.toThrow("Cannot find package '@ai-sdk/x'");
    expect((await model.doGenerate(CALL)).content).toEqual([{ type: 'text', text: 'from m' }]);
    expect(load).toHaveBeenCalledTimes(2);
  });

  // The stand-in names the provider before the package is loaded: it must be what the real model says.
  it.each([
    ['anthropic', anthropic, () => createAnthropic({ apiKey: 'k' }).languageModel('m')],
    ['openai', openai, () => createOpenAI({ apiKey: 'k' }).chat('m')],
    ['google', google, () => createGoogleGenerativeAI({ apiKey: 'k' }).languageModel('m')],
    [
      'openai-compatible',
      openaiCompatible,
      () => createOpenAICompatible({ name: SETTINGS.name, baseURL: 'http://127.0.0.1:9/v1' }).chatModel('m'),
    ],
  ] as const)('%s: the provider id shown before loading is the real model’s', async (_kind, definition, real) => {
    const model = definition.languageModels(SETTINGS)('m');
    expect(model.provider).toBe(real().provider);
    expect(model.modelId).toBe('m');
    // Building the real model (as a call does) changes nothing the caller sees.
    await model.supportedUrls;
    expect(model.provider).toBe(real().provider);
  });
});
