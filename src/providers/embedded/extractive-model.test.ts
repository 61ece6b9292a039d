import type { LanguageModelV3CallOptions, LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { generateText, streamText, tool } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

import { estimateTokens } from '../../shared/estimate-tokens.js';
import { EXTRACTIVE_MODEL_ID, createExtractiveModel } from './extractive-model.js';

const DOCUMENT = `Community Gardens

Community gardens turn empty city lots into shared vegetable plots. Each member rents a small bed for a
season and grows whatever they like, from beans to sunflowers. The gardens also host workshops on
composting, seed saving and keeping bees.

Cities support community gardens because they make neighbourhoods greener and bring neighbours together.
A garden on a former parking lot absorbs rain water that would otherwise run into the drains. Many
gardens donate part of their harvest to local food banks.

The waiting lists are long. In some cities people wait several years for a bed in a community garden,
and new gardens fill up within days of opening.`;

const SYSTEM = 'You are an expert summarizer. Write a concise summary of the document in two sentences.';

const sentencesOf = (text: string): string[] =>
  text
    .split(/(?<=[.!?])\s+|\n/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
const flat = (text: string): string => text.replace(/\s+/g, ' ');

let logWarnings: typeof globalThis.AI_SDK_LOG_WARNINGS;
beforeAll(() => {
  logWarnings = globalThis.AI_SDK_LOG_WARNINGS;
  globalThis.AI_SDK_LOG_WARNINGS = false; // the warnings are asserted below, not printed
});
afterAll(() => {
  globalThis.AI_SDK_LOG_WARNINGS = logWarnings;
});

const baseCall = (text: string, extra: Partial<LanguageModelV3CallOptions> = {}): LanguageModelV3CallOptions => ({
  prompt: [{ role: 'user', content: [{ type: 'text', text }] }],
  ...extra,
});

describe('createExtractiveModel', () => {
  it('says what it is: an embedded extractive summarizer', () => {
    const model = createExtractiveModel();
    expect(model.specificationVersion).toBe('v3');
    expect(model.provider).toBe('embedded');
    expect(model.modelId).toBe(EXTRACTIVE_MODEL_ID);
    expect(model.modelId).toContain('extractive');
    expect(model.supportedUrls).toEqual({});
  });

  it('summarizes the prompt through generateText, within maxOutputTokens', async () => {
    const result = await generateText({
      model: createExtractiveModel(),
      system: SYSTEM,
      prompt: DOCUMENT,
      maxOutputTokens: 50,
    });
    expect(result.text.length).toBeGreaterThan(0);
    for (const sentence of sentencesOf(result.text)) expect(flat(DOCUMENT)).toContain(flat(sentence));
    expect(result.finishReason).toBe('length');
    expect(result.rawFinishReason).toBe('max-tokens');
    expect(result.usage.outputTokens).toBe(estimateTokens(result.text));
    expect(result.usage.outputTokens).toBeLessThanOrEqual(50);
    expect(result.usage.inputTokens).toBe(estimateTokens(DOCUMENT));
    expect(result.response.modelId).toContain('extractive');
    expect(result.providerMetadata?.['embedded']).toMatchObject({ kind: 'extractive', sentencesIn: 9 });
    expect(result.providerMetadata?.['embedded']?.['sentencesSelected']).toBeGreaterThan(0);
    expect(result.warnings).toContainEqual({
      type: 'other',
      message: expect.stringMatching(/does not follow instructions/),
    });
  });

  it('finishes with stop when the whole document fits in the default budget of 300 tokens', async () => {
    const result = await generateText({ model: createExtractiveModel(), prompt: DOCUMENT });
    expect(result.finishReason).toBe('stop');
    expect(result.rawFinishReason).toBe('complete');
    expect(flat(result.text)).toBe(flat(DOCUMENT));
    expect(result.warnings ?? []).toEqual([]);
  });

  it('is deterministic and warns that temperature has no effect, only when it is set', async () => {
    const model = createExtractiveModel();
    const hot = await generateText({ model, prompt: DOCUMENT, maxOutputTokens: 60, temperature: 1.5 });
    const cold = await generateText({ model, prompt: DOCUMENT, maxOutputTokens: 60, temperature: 0 });
    const unset = await generateText({ model, prompt: DOCUMENT, maxOutputTokens: 60 });
    expect(hot.text).toBe(cold.text);
    expect(unset.text).toBe(cold.text);
    expect(hot.warnings).toContainEqual(expect.objectContaining({ type: 'unsupported', feature: 'temperature' }));
    expect(unset.warnings ?? []).not.toContainEqual(expect.objectContaining({ feature: 'temperature' }));
  });

  it('honours stop sequences', async () => {
    const result = await generateText({
      model: createExtractiveModel(),
      prompt: DOCUMENT,
      stopSequences: ['garden'],
    });
    expect(result.text).not.toContain('garden');
    expect(result.finishReason).toBe('stop');
    expect(result.rawFinishReason).toBe('stop-sequence');
    expect(result.providerMetadata?.['embedded']?.['stopSequence']).toBe('garden');
  });

  it('summarizes only the last user message', async () => {
    const result = await generateText({
      model: createExtractiveModel(),
      messages: [
        { role: 'user', content: 'An older message about the weather. It rained all week.' },
        { role: 'assistant', content: 'Noted.' },
        { role: 'user', content: DOCUMENT },
      ],
      maxOutputTokens: 80,
    });
    expect(result.text).not.toMatch(/rained|Noted/);
    expect(result.warnings).toContainEqual({
      type: 'other',
      message: expect.stringMatching(/only the last user message/),
    });
  });

  it('reads text only and says so when the message carries a file', async () => {
    const result = await createExtractiveModel().doGenerate({
      prompt: [
        {
          role: 'user',
          content: [
            { type: 'text', text: DOCUMENT },
            { type: 'file', mediaType: 'image/png', data: new Uint8Array([137, 80, 78, 71]) },
          ],
        },
      ],
      maxOutputTokens: 40,
    });
    expect(result.content).toHaveLength(1);
    expect(result.content[0]?.type).toBe('text');
    expect(result.finishReason).toEqual({ unified: 'length', raw: 'max-tokens' });
    expect(result.usage.outputTokens.total).toBeLessThanOrEqual(40);
    expect(result.warnings).toContainEqual({ type: 'other', message: expect.stringMatching(/reads text only/) });
  });

  it('refuses tools', async () => {
    const lookUp = tool({
      description: 'Look something up',
      inputSchema: z.object({ query: z.string() }),
      execute: async () => 'nothing',
    });
    await expect(
      generateText({ model: createExtractiveModel(), prompt: DOCUMENT, tools: { lookUp }, maxRetries: 0 }),
    ).rejects.toThrow('the embedded extractive summarizer cannot call tools');
  });

  it('refuses an empty document', async () => {
    await expect(generateText({ model: createExtractiveModel(), prompt: '  \n ', maxRetries: 0 })).rejects.toThrow(
      'extractive summarizer: the document is empty (nothing to summarize)',
    );
  });

  it('stops at once when the call is already aborted', async () => {
    const controller = new AbortController();
    const reason = new Error('the user cancelled');
    controller.abort(reason);
    await expect(
      createExtractiveModel().doGenerate(baseCall(DOCUMENT, { abortSignal: controller.signal })),
    ).rejects.toBe(reason);
  });

  it('streams the same summary through streamText', async () => {
    const model = createExtractiveModel();
    const generated = await generateText({ model, prompt: DOCUMENT, maxOutputTokens: 50 });
    const streamed = streamText({ model, prompt: DOCUMENT, maxOutputTokens: 50 });
    let text = '';
    for await (const delta of streamed.textStream) text += delta;
    expect(text).toBe(generated.text);
    expect(await streamed.finishReason).toBe('length');
    expect((await streamed.usage).outputTokens).toBe(estimateTokens(text));
  });

  it('streams the parts stream-start, text-start, text-delta, text-end, finish', async () => {
    const { stream } = await createExtractiveModel().doStream(baseCall(DOCUMENT, { maxOutputTokens: 30 }));
    const parts: LanguageModelV3StreamPart[] = [];
    const reader = stream.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
    }
    const types = parts.map((part) => part.type).filter((type) => type !== 'response-metadata');
    expect(types).toEqual(['stream-start', 'text-start', 'text-delta', 'text-end', 'finish']);
    const finish = parts.at(-1);
    expect(finish?.type === 'finish' && finish.finishReason).toEqual({ unified: 'length', raw: 'max-tokens' });
  });
});
