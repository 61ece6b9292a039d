/**
 * Fallbacks over real provider mappings against two local stubs (OpenAI Chat Completions first, the
 * Anthropic Messages API second): retryable failures move on, client errors end the call naming the
 * provider, model and status, an abort ends everything, and the key never shows.
 */
import { generateText } from 'ai';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { chatCompletion, startHttpStub, type HttpStub, type StubReply } from '../../test/helpers/http-stub.js';
import {
  callWithFallbacks,
  type FallbackAttemptEvent,
  type FallbackCandidate,
  type FallbackOptions,
} from './call-with-fallbacks.js';
import { AllModelsFailedError, ProviderCallError } from './errors.js';
import { createProviderRegistry } from './registry.js';
import type { Sleep } from './retry.js';

const SECRET = 'sk-fallback-secret-42';
const RETRY = { maxRetries: 2, initialDelayMs: 100, maxDelayMs: 5_000 };
const CANDIDATES = [
  { provider: 'openai', id: 'gpt-4o' },
  { provider: 'anthropic', id: 'claude-sonnet-4-5' },
] as const satisfies readonly FallbackCandidate[];

const stubs: HttpStub[] = [];
afterEach(async () => {
  await Promise.all(stubs.splice(0).map((s) => s.close()));
});

const openaiError = (status: number, message: string, headers: Record<string, string> = {}): StubReply => ({
  status,
  headers,
  json: { error: { message, type: 'server_error' } },
});
const anthropicError = (status: number, type: string, message: string): StubReply => ({
  status,
  json: { type: 'error', error: { type, message } },
});
const anthropicOk = (text: string): StubReply => ({
  json: {
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-4-5',
    content: [{ type: 'text', text }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: 5, output_tokens: 2 },
  },
});

/** Stubs for both vendors, a registry pointing at them, and a call through generateText. */
async function setup(openai: (index: number) => StubReply, anthropic: (index: number) => StubReply) {
  const a = await startHttpStub((_r, i) => openai(i));
  const b = await startHttpStub((_r, i) => anthropic(i));
  stubs.push(a, b);
  const registry = createProviderRegistry({
    providers: {},
    env: {
      OPENAI_API_KEY: SECRET,
      OPENAI_BASE_URL: `${a.url}/v1`,
      ANTHROPIC_API_KEY: SECRET,
      ANTHROPIC_BASE_URL: b.url,
    },
  });
  const call = vi.fn(async (candidate: FallbackCandidate, signal: AbortSignal) => {
    const result = await generateText({
      model: registry.languageModel(candidate.provider, candidate.id),
      prompt: 'Summarize: trees cool cities.',
      maxOutputTokens: 50,
      maxRetries: 0,
      abortSignal: signal,
    });
    return result.text;
  });
  const delays: number[] = [];
  const sleep: Sleep = (ms) => (delays.push(ms), Promise.resolve());
  const events: FallbackAttemptEvent[] = [];
  const options: FallbackOptions = { retry: RETRY, sleep, onAttempt: (e) => events.push(e) };
  return { openai: a, anthropic: b, call, delays, events, options };
}

describe('callWithFallbacks', () => {
  it('answers from the first model when it succeeds', async () => {
    const t = await setup(
      () => ({ json: chatCompletion('first') }),
      () => anthropicOk('second'),
    );
    const result = await callWithFallbacks(CANDIDATES, t.call, t.options);
    expect(result).toEqual({
      value: 'first',
      candidate: CANDIDATES[0],
      attempts: [{ provider: 'openai', id: 'gpt-4o', outcome: 'ok' }],
    });
    expect(t.anthropic.requests).toHaveLength(0);
  });

  it('retries a 429 (retry-after-ms 0) on the same model, then succeeds', async () => {
    const t = await setup(
      (i) => (i === 0 ? openaiError(429, 'Rate limit reached') : { json: chatCompletion('after the wait') }),
      () => anthropicOk('second'),
    );
    const result = await callWithFallbacks(CANDIDATES, t.call, t.options);
    expect(result.value).toBe('after the wait');
    expect(result.candidate).toBe(CANDIDATES[0]);
    expect(result.attempts).toEqual([
      { provider: 'openai', id: 'gpt-4o', outcome: 'retry', status: 429, error: 'HTTP 429: Rate limit reached' },
      { provider: 'openai', id: 'gpt-4o', outcome: 'ok' },
    ]);
    expect(t.delays).toEqual([0]);
    expect(t.anthropic.requests).toHaveLength(0);
  });

  it('retries 500 twice, then succeeds on the same model', async () => {
    const t = await setup(
      (i) => (i < 2 ? openaiError(500, 'The server had an error') : { json: chatCompletion('third') }),
      () => anthropicOk('second'),
    );
    const result = await callWithFallbacks(CANDIDATES, t.call, t.options);
    expect(result.value).toBe('third');
    expect(result.attempts.map((a) => a.outcome)).toEqual(['retry', 'retry', 'ok']);
    expect(t.openai.requests).toHaveLength(3);
    expect(t.anthropic.requests).toHaveLength(0);
  });

  it('moves to the next model when the first keeps answering 503', async () => {
    const t = await setup(
      () => openaiError(503, 'Service unavailable'),
      () => anthropicOk('from claude'),
    );
    const result = await callWithFallbacks(CANDIDATES, t.call, t.options);
    expect(result.value).toBe('from claude');
    expect(result.candidate).toBe(CANDIDATES[1]);
    expect(result.attempts.map((a) => [a.provider, a.id, a.outcome, a.status])).toEqual([
      ['openai', 'gpt-4o', 'retry', 503],
      ['openai', 'gpt-4o', 'retry', 503],
      ['openai', 'gpt-4o', 'failed', 503],
      ['anthropic', 'claude-sonnet-4-5', 'ok', undefined],
    ]);
    expect(result.attempts[2]!.error).toBe('HTTP 503 (after 3 attempts): Service unavailable');
    expect(t.call.mock.calls.map(([candidate]) => candidate.provider)).toEqual([
      'openai',
      'openai',
      'openai',
      'anthropic',
    ]);
    expect(t.events.map((e) => [e.provider, e.outcome, e.attempt, e.next])).toEqual([
      ['openai', 'retry', 1, undefined],
      ['openai', 'retry', 2, undefined],
      ['openai', 'failed', 3, true],
      ['anthropic', 'ok', 1, undefined],
    ]);
    expect(t.openai.requests).toHaveLength(3);
    expect(t.anthropic.requests).toHaveLength(1);
  });

  it('moves on at once when the server asks for a longer wait than maxDelayMs', async () => {
    const t = await setup(
      () => openaiError(429, 'Rate limit reached', { 'retry-after-ms': '', 'retry-after': '3600' }),
      () => anthropicOk('no waiting'),
    );
    const result = await callWithFallbacks(CANDIDATES, t.call, t.options);
    expect(result.value).toBe('no waiting');
    expect(t.openai.requests).toHaveLength(1);
    expect(t.delays).toEqual([]);
  });

  it.each([
    [401, 'Incorrect API key provided'],
    [400, 'Invalid max_tokens'],
    [403, 'Forbidden'],
    [404, 'The model `gpt-4o` does not exist'],
    [422, 'Unprocessable'],
  ])('fails fast on HTTP %i without trying the next model', async (status, message) => {
    const t = await setup(
      () => openaiError(status, message),
      () => anthropicOk('never'),
    );
    const error: unknown = await callWithFallbacks(CANDIDATES, t.call, t.options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderCallError);
    expect(error).toMatchObject({ provider: 'openai', model: 'gpt-4o', status });
    expect((error as Error).message).toBe(`openai gpt-4o: HTTP ${status}: ${message}`);
    expect(t.openai.requests).toHaveLength(1);
    expect(t.anthropic.requests).toHaveLength(0);
    expect(t.events).toEqual([
      {
        provider: 'openai',
        id: 'gpt-4o',
        outcome: 'failed',
        status,
        error: `HTTP ${status}: ${message}`,
        attempt: 1,
        next: false,
      },
    ]);
  });

  it('fails fast on a 401 from the second model after the first was overloaded', async () => {
    const t = await setup(
      () => openaiError(503, 'busy'),
      () => anthropicError(401, 'authentication_error', 'invalid x-api-key'),
    );
    const error: unknown = await callWithFallbacks(CANDIDATES, t.call, t.options).catch((e: unknown) => e);
    expect((error as Error).message).toBe('anthropic claude-sonnet-4-5: HTTP 401: invalid x-api-key');
    expect(t.anthropic.requests).toHaveLength(1);
  });

  it('lists every model tried, in one line, when all fail, keeping the last error as cause', async () => {
    const t = await setup(
      () => openaiError(503, 'Service unavailable'),
      () => anthropicError(529, 'overloaded_error', 'Overloaded'),
    );
    const error: unknown = await callWithFallbacks(CANDIDATES, t.call, t.options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AllModelsFailedError);
    const failed = error as AllModelsFailedError;
    expect(failed.message).toBe(
      'all models failed: openai gpt-4o: HTTP 503 (after 3 attempts): Service unavailable; ' +
        'anthropic claude-sonnet-4-5: HTTP 529 (after 3 attempts): Overloaded',
    );
    expect(failed.message.split('\n')).toHaveLength(1);
    expect(failed.message).not.toContain(SECRET);
    expect(failed.cause).toBeInstanceOf(ProviderCallError);
    expect(failed.cause).toMatchObject({ provider: 'anthropic', model: 'claude-sonnet-4-5', status: 529 });
    expect(failed.errors.map((e) => e.status)).toEqual([503, 529]);
    expect(failed.attempts.filter((a) => a.outcome === 'failed')).toHaveLength(2);
    expect(t.openai.requests).toHaveLength(3);
    expect(t.anthropic.requests).toHaveLength(3);
  });

  it('moves on from a model that cannot be reached', async () => {
    const dead = await startHttpStub(() => ({}));
    const deadUrl = dead.url;
    await dead.close();
    const b = await startHttpStub(() => anthropicOk('reachable'));
    stubs.push(b);
    const registry = createProviderRegistry({
      providers: {
        ollama: { type: 'openai-compatible', baseURL: `${deadUrl}/v1`, enabled: true },
        anthropic: { baseURL: b.url, enabled: true },
      },
      env: { ANTHROPIC_API_KEY: SECRET },
    });
    const result = await callWithFallbacks(
      [
        { provider: 'ollama', id: 'llama3.2' },
        { provider: 'anthropic', id: 'claude-haiku-4-5' },
      ],
      async (c, signal) =>
        (
          await generateText({
            model: registry.languageModel(c.provider, c.id),
            prompt: 'hi',
            maxRetries: 0,
            abortSignal: signal,
          })
        ).text,
      { retry: { maxRetries: 1, initialDelayMs: 0, maxDelayMs: 0 } },
    );
    expect(result.value).toBe('reachable');
    expect(result.attempts.map((a) => [a.provider, a.outcome])).toEqual([
      ['ollama', 'retry'],
      ['ollama', 'failed'],
      ['anthropic', 'ok'],
    ]);
    expect(result.attempts[1]!.error).toMatch(/^cannot reach/);
  });

  it('moves on from a model that times out', async () => {
    const t = await setup(
      () => ({ hang: true }),
      () => anthropicOk('in time'),
    );
    const result = await callWithFallbacks(CANDIDATES, t.call, {
      ...t.options,
      retry: { ...RETRY, maxRetries: 0 },
      attemptTimeoutMs: 200,
    });
    expect(result.value).toBe('in time');
    expect(result.attempts[0]).toMatchObject({
      provider: 'openai',
      outcome: 'failed',
      error: expect.stringMatching(/^timed out/),
    });
  });

  it('stops everything when aborted mid-flight: rejects promptly, the next model is never called', async () => {
    const t = await setup(
      () => ({ hang: true }),
      () => anthropicOk('never'),
    );
    const controller = new AbortController();
    const pending = callWithFallbacks(CANDIDATES, t.call, { ...t.options, signal: controller.signal });
    await vi.waitFor(() => expect(t.openai.requests).toHaveLength(1));
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(t.anthropic.requests).toHaveLength(0);
    expect(t.call).toHaveBeenCalledTimes(1);
    expect(t.events).toEqual([
      { provider: 'openai', id: 'gpt-4o', outcome: 'failed', error: 'cancelled', attempt: 1, next: false },
    ]);
  });

  it('stops everything when aborted during a retry wait', async () => {
    const t = await setup(
      () => openaiError(503, 'busy'),
      () => anthropicOk('never'),
    );
    const controller = new AbortController();
    const pending = callWithFallbacks(CANDIDATES, t.call, {
      ...t.options,
      signal: controller.signal,
      sleep: () => {
        controller.abort();
        return new Promise<void>(() => undefined);
      },
    });
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(t.openai.requests).toHaveLength(1);
    expect(t.anthropic.requests).toHaveLength(0);
  });

  it('refuses an empty candidate list', async () => {
    await expect(callWithFallbacks([], () => Promise.resolve(1), { retry: RETRY })).rejects.toThrow(/no model to call/);
  });
});
