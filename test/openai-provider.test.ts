/**
 * The OpenAI path against a local stub of the Chat Completions API: what goes over the wire, what comes
 * back, and how failures read. The key and base URL come from the client's environment only.
 */
import { afterEach, describe, expect, it } from 'vitest';

import type { SamplingEvent } from '../src/client/sampling/events.js';
import { testHandler } from './helpers/runtime.js';
import { chatCompletion, startHttpStub, type HttpStub } from './helpers/http-stub.js';
import { connectInMemory, textOf, type InMemoryPair } from './helpers/in-memory.js';

let pair: InMemoryPair | undefined;
let stub: HttpStub | undefined;
afterEach(async () => {
  await pair?.close();
  await stub?.close();
  pair = undefined;
  stub = undefined;
});

async function summarizeThroughStub(
  reply: Parameters<typeof startHttpStub>[0],
  options: { providerTimeoutMs?: number; baseUrl?: string } = {},
) {
  stub = await startHttpStub(reply);
  const events: SamplingEvent[] = [];
  pair = await connectInMemory(
    'legacy',
    testHandler({
      env: { OPENAI_API_KEY: 'sk-test-secret', OPENAI_BASE_URL: options.baseUrl ?? `${stub.url}/v1` },
      onEvent: (e) => events.push(e),
      config: {
        retry: { maxRetries: 2, initialDelayMs: 1, maxDelayMs: 10 },
        // One model only: these tests are about one provider's failures, not about fallbacks.
        fallbacks: { maxModels: 0 },
        ...(options.providerTimeoutMs !== undefined && { timeouts: { providerMs: options.providerTimeoutMs } }),
      },
    }),
  );
  const result = await pair.client.callTool({
    name: 'summarize_document',
    arguments: { document_text: 'Street trees cool cities. They hold rain water.' },
  });
  return { result, text: textOf(result), events };
}

describe('OpenAI Chat Completions mapping', () => {
  it('sends the system prompt, the document, temperature and max_tokens with the key as a bearer token', async () => {
    const { text, events } = await summarizeThroughStub(() => ({ json: chatCompletion('Trees cool cities.') }));
    expect(text).toBe('Summary:\nTrees cool cities.');
    const request = stub!.requests[0]!;
    expect(request.path).toBe('/v1/chat/completions');
    expect(request.headers.authorization).toBe('Bearer sk-test-secret');
    const body = request.body as Record<string, unknown>;
    expect(body).toMatchObject({
      model: 'gpt-4o',
      temperature: 0.7,
      max_tokens: 300,
      messages: [
        { role: 'system', content: expect.stringMatching(/expert summarizer/i) },
        { role: 'user', content: 'Street trees cool cities. They hold rain water.' },
      ],
    });
    expect(events.find((e) => e.type === 'result')).toMatchObject({
      model: 'gpt-4o-2024-08-06',
      stopReason: 'endTurn',
      inputTokens: 120,
      outputTokens: 42,
    });
  });

  it.each([
    ['stop', 'endTurn'],
    ['length', 'maxTokens'],
  ])('maps finish_reason %s to stopReason %s', async (finish, stopReason) => {
    const { events } = await summarizeThroughStub(() => ({ json: chatCompletion('ok', finish) }));
    expect(events.find((e) => e.type === 'result')).toMatchObject({ stopReason });
  });

  it('retries a 429 and then succeeds', async () => {
    const { text } = await summarizeThroughStub((_r, index) =>
      index === 0
        ? { status: 429, json: { error: { message: 'Rate limit reached', type: 'requests' } } }
        : { json: chatCompletion('After the retry.') },
    );
    expect(text).toBe('Summary:\nAfter the retry.');
    expect(stub!.requests).toHaveLength(2);
  });

  it('retries when the provider closes the connection in the middle of the body', async () => {
    const { result, text } = await summarizeThroughStub((_r, index) =>
      index === 0
        ? { json: chatCompletion('Never arrives whole.'), cutBody: true }
        : { json: chatCompletion('Whole.') },
    );
    expect(result.isError).not.toBe(true);
    expect(text).toBe('Summary:\nWhole.');
    expect(stub!.requests).toHaveLength(2);
  });

  it.each([
    [401, 'Incorrect API key provided', 1],
    [500, 'The server had an error', 3],
  ])('fails on HTTP %i with one line naming the provider and the status', async (status, message, attempts) => {
    const { result, text } = await summarizeThroughStub(() => ({ status, json: { error: { message } } }));
    expect(result.isError).toBe(true);
    expect(text).toMatch(new RegExp(`openai gpt-4o: HTTP ${status}.*${message}`));
    expect(text).not.toContain('sk-test-secret');
    expect(text.split('\n')).toHaveLength(1);
    expect(stub!.requests).toHaveLength(attempts);
  });

  it('fails with a timeout when the provider does not answer in time', async () => {
    const { result, text } = await summarizeThroughStub(() => ({ hang: true }), { providerTimeoutMs: 300 });
    expect(result.isError).toBe(true);
    expect(text).toMatch(/openai gpt-4o: timed out/);
  });

  it('fails clearly when the provider cannot be reached', async () => {
    const closed = await startHttpStub(() => ({}));
    const deadUrl = `${closed.url}/v1`;
    await closed.close();
    const { result, text } = await summarizeThroughStub(() => ({}), { baseUrl: deadUrl });
    expect(result.isError).toBe(true);
    expect(text).toMatch(/openai gpt-4o: cannot reach/);
  });
});
