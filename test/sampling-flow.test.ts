/**
 * The sampling flow end to end in memory, on both eras: the real server, the real client and handler.
 */
import { readFileSync } from 'node:fs';

import type { CreateMessageRequest } from '@modelcontextprotocol/client';
import { afterEach, describe, expect, it } from 'vitest';

import type { SamplingEvent } from '../src/client/sampling/events.js';
import { testHandler } from './helpers/runtime.js';
import { EXTRACTIVE_MODEL_ID } from '../src/providers/embedded/extractive-model.js';
import { chatCompletion, startHttpStub, type HttpStub } from './helpers/http-stub.js';
import { connectInMemory, textOf, type InMemoryPair } from './helpers/in-memory.js';
import { ERAS } from './helpers/wire.js';

const SAMPLE = readFileSync(new URL('../sample.txt', import.meta.url), 'utf8');
const sentencesOf = (text: string) =>
  text
    .split(/(?<=[.!?])\s+/)
    .map((s) => s.trim())
    .filter(Boolean);

let pair: InMemoryPair | undefined;
let stub: HttpStub | undefined;
afterEach(async () => {
  await pair?.close();
  await stub?.close();
  pair = undefined;
  stub = undefined;
});

describe.each(ERAS)('on the %s era', (era) => {
  it('summarizes with the embedded extractive model when no key is configured', async () => {
    const events: SamplingEvent[] = [];
    pair = await connectInMemory(era, testHandler({ env: {}, onEvent: (e) => events.push(e) }));
    const result = await pair.client.callTool({ name: 'summarize_document', arguments: { document_text: SAMPLE } });

    expect(result.isError).not.toBe(true);
    const text = textOf(result);
    expect(text.startsWith('Summary:\n')).toBe(true);
    const summary = text.slice('Summary:\n'.length);
    // Extractive: every sentence of the summary is a sentence of the document.
    for (const sentence of sentencesOf(summary)) expect(SAMPLE).toContain(sentence);
    expect(summary.length).toBeGreaterThan(100);

    const request = events.find((e) => e.type === 'request');
    expect(request).toMatchObject({ provider: 'embedded', model: EXTRACTIVE_MODEL_ID });
    const done = events.find((e) => e.type === 'result');
    expect(done).toMatchObject({ model: EXTRACTIVE_MODEL_ID });
    expect(done?.type === 'result' && done.outputTokens).toBeLessThanOrEqual(300);
  });

  it('sends the demo parameters: expert-summarizer system prompt, the document, 0.7, 300 tokens, hint gpt-4o', async () => {
    const seen: CreateMessageRequest['params'][] = [];
    pair = await connectInMemory(era, async (request) => {
      seen.push(request.params);
      return { role: 'assistant', model: 'scripted', content: { type: 'text', text: 'Trees cool streets.' } };
    });
    const result = await pair.client.callTool({
      name: 'summarize_document',
      arguments: { document_text: 'Street trees cool cities. They also hold rain water.' },
    });
    expect(textOf(result)).toBe('Summary:\nTrees cool streets.');
    expect(seen).toHaveLength(1);
    const params = seen[0]!;
    expect(params.systemPrompt).toMatch(/expert summarizer/i);
    expect(params.messages).toEqual([
      { role: 'user', content: { type: 'text', text: 'Street trees cool cities. They also hold rain water.' } },
    ]);
    expect(params.temperature).toBe(0.7);
    expect(params.maxTokens).toBe(300);
    expect(params.modelPreferences?.hints).toEqual([{ name: 'gpt-4o' }]);
    expect(params.modelPreferences?.intelligencePriority).toBeGreaterThan(params.modelPreferences?.costPriority ?? 1);
  });

  it('refuses an empty or whitespace-only document without sending a sampling request', async () => {
    let requests = 0;
    pair = await connectInMemory(era, async () => {
      requests++;
      return { role: 'assistant', model: 'scripted', content: { type: 'text', text: 'x' } };
    });
    for (const document_text of ['', '  \n\t  ']) {
      const result = await pair.client.callTool({ name: 'summarize_document', arguments: { document_text } });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/empty/);
    }
    expect(requests).toBe(0);
  });

  it('answers a client without the sampling capability with an isError result, not a hang', async () => {
    pair = await connectInMemory(era, undefined);
    const result = await pair.client.callTool({
      name: 'summarize_document',
      arguments: { document_text: 'Some text.' },
    });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/needs a client that supports MCP sampling/);
  });

  it('routes the gpt-4o hint to OpenAI gpt-4o when a key is configured, and maps the answer back', async () => {
    stub = await startHttpStub(() => ({ json: chatCompletion('Trees make streets cooler.', 'length') }));
    const events: SamplingEvent[] = [];
    pair = await connectInMemory(
      era,
      testHandler({
        env: { OPENAI_API_KEY: 'sk-test-key', OPENAI_BASE_URL: `${stub.url}/v1` },
        onEvent: (e) => events.push(e),
      }),
    );
    const result = await pair.client.callTool({ name: 'summarize_document', arguments: { document_text: SAMPLE } });
    expect(textOf(result)).toBe('Summary:\nTrees make streets cooler.');
    expect(stub.requests).toHaveLength(1);
    expect(stub.requests[0]).toMatchObject({ method: 'POST', path: '/v1/chat/completions' });
    expect((stub.requests[0]!.body as { model: string }).model).toBe('gpt-4o');
    expect(events.find((e) => e.type === 'result')).toMatchObject({
      provider: 'openai',
      stopReason: 'maxTokens',
      inputTokens: 120,
      outputTokens: 42,
    });
  });

  it('reports a provider failure with the provider and the status', async () => {
    stub = await startHttpStub(() => ({
      status: 401,
      json: {
        error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' },
      },
    }));
    pair = await connectInMemory(
      era,
      testHandler({ env: { OPENAI_API_KEY: 'sk-wrong', OPENAI_BASE_URL: `${stub.url}/v1` } }),
    );
    const outcome = await pair.client
      .callTool({ name: 'summarize_document', arguments: { document_text: SAMPLE } })
      .then((result) => ({ isError: result.isError, text: textOf(result) }))
      .catch((error: Error) => ({ isError: true, text: error.message }));
    // 2025 era: the server turns the JSON-RPC error into an isError result. 2026 era: the protocol has no
    // error channel for an embedded request, so the client's call fails with the same message.
    expect(outcome.isError).toBe(true);
    expect(outcome.text).toMatch(/openai gpt-4o: HTTP 401: Incorrect API key provided/);
    expect(outcome.text).not.toContain('sk-wrong');
  });
});
