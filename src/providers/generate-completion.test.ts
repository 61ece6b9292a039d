/**
 * Which requests take the direct `doGenerate` path (plain text only) and what it sends; the same answers
 * as `generateText` against every vendor are in the provider contract test (provider.contract.test.ts).
 */
import type { LanguageModelV3, LanguageModelV3CallOptions } from '@ai-sdk/provider';
import { jsonSchema } from 'ai';
import { describe, expect, it } from 'vitest';

import { generateCompletion, toPlainPrompt } from './generate-completion.js';

const text = (value: string) => ({ type: 'text' as const, text: value });

function recordingModel(calls: LanguageModelV3CallOptions[]): LanguageModelV3 {
  return {
    specificationVersion: 'v3',
    provider: 'recording',
    modelId: 'recording-1',
    supportedUrls: {},
    doGenerate: async (options) => {
      calls.push(options);
      return {
        content: [{ type: 'reasoning', text: 'thinking' }, text('Trees '), text('cool cities.')],
        finishReason: { unified: 'length', raw: 'max_tokens' },
        usage: {
          inputTokens: { total: 12, noCache: 12, cacheRead: undefined, cacheWrite: undefined },
          outputTokens: { total: 4, text: 4, reasoning: undefined },
        },
        providerMetadata: { recording: { stopSequence: null } },
        response: { modelId: 'recording-1-2026' },
        warnings: [],
      };
    },
    doStream: () => Promise.reject(new Error('no streaming')),
  };
}

describe('toPlainPrompt', () => {
  it('maps a text-only conversation, the system prompt first', () => {
    expect(
      toPlainPrompt({
        system: 'Be brief.',
        messages: [
          { role: 'user', content: [text('Hello')] },
          { role: 'assistant', content: 'Hi.' },
          { role: 'user', content: [text('Summarize: '), text('trees')] },
        ],
        maxOutputTokens: 10,
      }),
    ).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: [text('Hello')] },
      { role: 'assistant', content: [text('Hi.')] },
      { role: 'user', content: [text('Summarize: '), text('trees')] },
    ]);
  });

  it('leaves tools, images and tool messages to generateText', () => {
    const tools = { weather: { inputSchema: jsonSchema({ type: 'object' }) } };
    expect(toPlainPrompt({ messages: [{ role: 'user', content: 'hi' }], maxOutputTokens: 5, tools })).toBeUndefined();
    expect(
      toPlainPrompt({
        messages: [{ role: 'user', content: [{ type: 'image', image: 'aGk=', mediaType: 'image/png' }] }],
        maxOutputTokens: 5,
      }),
    ).toBeUndefined();
    expect(
      toPlainPrompt({
        messages: [
          {
            role: 'tool',
            content: [{ type: 'tool-result', toolCallId: 'c1', toolName: 'w', output: { type: 'text', value: 'x' } }],
          },
        ],
        maxOutputTokens: 5,
      }),
    ).toBeUndefined();
  });
});

describe('generateCompletion', () => {
  it("calls doGenerate once with the request's settings and reports the answer as generateText would", async () => {
    const calls: LanguageModelV3CallOptions[] = [];
    const signal = new AbortController().signal;
    const value = await generateCompletion(
      recordingModel(calls),
      {
        system: 'Be brief.',
        messages: [{ role: 'user', content: [text('Trees?')] }],
        maxOutputTokens: 4,
        temperature: 0.3,
        stopSequences: ['END'],
      },
      signal,
    );
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ maxOutputTokens: 4, temperature: 0.3, stopSequences: ['END'] });
    expect(calls[0]?.abortSignal).toBe(signal);
    expect(calls[0]?.prompt[0]).toEqual({ role: 'system', content: 'Be brief.' });
    expect(value).toMatchObject({
      text: 'Trees cool cities.',
      toolCalls: [],
      finishReason: 'length',
      rawFinishReason: 'max_tokens',
      usage: { inputTokens: 12, outputTokens: 4, totalTokens: 16 },
      providerMetadata: { recording: { stopSequence: null } },
      response: { modelId: 'recording-1-2026' },
    });
  });

  it("passes the provider's error on unchanged", async () => {
    const failure = new Error('HTTP 500');
    const model = { ...recordingModel([]), doGenerate: () => Promise.reject(failure) };
    await expect(
      generateCompletion(
        model,
        { messages: [{ role: 'user', content: 'x' }], maxOutputTokens: 1 },
        new AbortController().signal,
      ),
    ).rejects.toBe(failure);
  });
});
