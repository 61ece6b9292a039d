/**
 * The provider registry against local stubs of each vendor's API: what goes over the wire, what comes
 * back through `generateText`, and how missing keys, overrides and statuses read. No key ever shows.
 * What every vendor must do alike (text, stop reasons, usage, tool calls, failures) is the provider
 * contract's (provider.contract.test.ts, run by vendors/<name>.test.ts).
 */
import type * as anthropicSdk from '@ai-sdk/anthropic';
import { createAnthropic } from '@ai-sdk/anthropic';
import { generateText } from 'ai';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { chatCompletion, startHttpStub, type HttpStub, type StubReply } from '../../test/helpers/http-stub.js';
import type { ProviderConfig } from '../config/schema.js';
import { createProviderRegistry, type ProviderRegistry } from './registry.js';

// The real factory, counted: the registry must create each provider once.
vi.mock('@ai-sdk/anthropic', async (importOriginal) => {
  const real = await importOriginal<typeof anthropicSdk>();
  return { ...real, createAnthropic: vi.fn(real.createAnthropic) };
});

const SECRET = 'sk-secret-do-not-show-0123456789';

let stub: HttpStub | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

async function serve(respond: (index: number) => StubReply): Promise<HttpStub> {
  stub = await startHttpStub((_request, index) => respond(index));
  return stub;
}

function provider(config: Partial<ProviderConfig>): ProviderConfig {
  return { enabled: true, ...config };
}

function anthropicMessage(
  text: string,
  stop: { stop_reason: string; stop_sequence?: string | null } = { stop_reason: 'end_turn' },
) {
  return {
    id: 'msg_test',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-4-5-20250929',
    content: [{ type: 'text', text }],
    stop_sequence: null,
    ...stop,
    usage: { input_tokens: 31, output_tokens: 7 },
  };
}

function geminiResponse(text: string, finishReason: string) {
  return {
    candidates: [{ content: { role: 'model', parts: [{ text }] }, finishReason, index: 0 }],
    usageMetadata: { promptTokenCount: 25, candidatesTokenCount: 9, totalTokenCount: 34 },
    modelVersion: 'gemini-2.5-flash',
  };
}

const CALL = {
  system: 'You summarize.',
  prompt: 'Street trees cool cities.',
  maxOutputTokens: 200,
  temperature: 0.3,
  stopSequences: ['END'],
  maxRetries: 0,
};

describe('Anthropic Messages API mapping', () => {
  async function anthropicRegistry(reply: StubReply): Promise<{ registry: ProviderRegistry; stub: HttpStub }> {
    const s = await serve(() => reply);
    const registry = createProviderRegistry({
      providers: {},
      env: { ANTHROPIC_API_KEY: SECRET, ANTHROPIC_BASE_URL: s.url },
    });
    return { registry, stub: s };
  }

  it('sends the key, the version, the system prompt, the messages and the sampling settings', async () => {
    const { registry, stub: s } = await anthropicRegistry({ json: anthropicMessage('Trees cool cities.') });
    const result = await generateText({ model: registry.languageModel('anthropic', 'claude-sonnet-4-5'), ...CALL });

    const request = s.requests[0]!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/v1/messages');
    expect(request.headers['x-api-key']).toBe(SECRET);
    expect(request.headers['anthropic-version']).toBe('2023-06-01');
    expect(request.headers.authorization).toBeUndefined();
    expect(request.body).toMatchObject({
      model: 'claude-sonnet-4-5',
      system: [{ type: 'text', text: 'You summarize.' }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Street trees cool cities.' }] }],
      max_tokens: 200,
      temperature: 0.3,
      stop_sequences: ['END'],
    });

    expect(result.text).toBe('Trees cool cities.');
    expect(result.finishReason).toBe('stop');
    expect(result.rawFinishReason).toBe('end_turn');
    expect(result.usage).toMatchObject({ inputTokens: 31, outputTokens: 7, totalTokens: 38 });
    expect(result.response.modelId).toBe('claude-sonnet-4-5-20250929');
    expect(result.providerMetadata?.['anthropic']).toMatchObject({ stopSequence: null });
  });

  it('maps stop_sequence to stop, with the matched sequence in the provider metadata', async () => {
    const { registry } = await anthropicRegistry({
      json: anthropicMessage('Trees cool cities.', { stop_reason: 'stop_sequence', stop_sequence: 'END' }),
    });
    const result = await generateText({ model: registry.languageModel('anthropic', 'claude-sonnet-4-5'), ...CALL });
    expect(result.finishReason).toBe('stop');
    expect(result.rawFinishReason).toBe('stop_sequence');
    expect(result.providerMetadata?.['anthropic']?.['stopSequence']).toBe('END');
  });

  it('accepts a base URL with or without /v1 (Anthropic SDK and AI SDK spellings)', async () => {
    const s = await serve(() => ({ json: anthropicMessage('ok') }));
    for (const baseURL of [s.url, `${s.url}/`, `${s.url}/v1`, `${s.url}/v1/`]) {
      const registry = createProviderRegistry({
        providers: { anthropic: provider({ baseURL }) },
        env: { ANTHROPIC_API_KEY: SECRET },
      });
      await generateText({ model: registry.languageModel('anthropic', 'claude-haiku-4-5'), ...CALL });
    }
    expect(s.requests.map((r) => r.path)).toEqual(['/v1/messages', '/v1/messages', '/v1/messages', '/v1/messages']);
  });

  it('reads the key from the variable the config names, and sends configured headers', async () => {
    const s = await serve(() => ({ json: anthropicMessage('ok') }));
    const registry = createProviderRegistry({
      providers: {
        anthropic: provider({
          apiKeyEnv: 'WORK_ANTHROPIC_KEY',
          baseURL: s.url,
          headers: { 'x-team': 'docs-${TEAM}', 'anthropic-beta': 'tools-2024-04-04' },
        }),
      },
      env: { ANTHROPIC_API_KEY: 'not-this-one', WORK_ANTHROPIC_KEY: SECRET, TEAM: 'blue' },
    });
    expect(registry.configured().find((p) => p.name === 'anthropic')).toMatchObject({
      keyEnv: 'WORK_ANTHROPIC_KEY',
      hasKey: true,
      usable: true,
    });
    await generateText({ model: registry.languageModel('anthropic', 'claude-haiku-4-5'), ...CALL });
    expect(s.requests[0]!.headers['x-api-key']).toBe(SECRET);
    expect(s.requests[0]!.headers['x-team']).toBe('docs-blue');
    expect(s.requests[0]!.headers['anthropic-beta']).toBe('tools-2024-04-04');
  });
});

describe('Google Gemini API mapping', () => {
  async function googleRegistry(reply: StubReply, env: Record<string, string> = { GEMINI_API_KEY: SECRET }) {
    const s = await serve(() => reply);
    const registry = createProviderRegistry({
      providers: { google: provider({ baseURL: `${s.url}/v1beta` }) },
      env,
    });
    return { registry, stub: s };
  }

  it('sends the key header, systemInstruction, contents and generationConfig', async () => {
    const { registry, stub: s } = await googleRegistry({ json: geminiResponse('Trees cool cities.', 'STOP') });
    const result = await generateText({ model: registry.languageModel('google', 'gemini-2.5-flash'), ...CALL });

    const request = s.requests[0]!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(request.headers['x-goog-api-key']).toBe(SECRET);
    expect(request.body).toMatchObject({
      systemInstruction: { parts: [{ text: 'You summarize.' }] },
      contents: [{ role: 'user', parts: [{ text: 'Street trees cool cities.' }] }],
      generationConfig: { maxOutputTokens: 200, temperature: 0.3, stopSequences: ['END'] },
    });

    expect(result.text).toBe('Trees cool cities.');
    expect(result.finishReason).toBe('stop');
    expect(result.rawFinishReason).toBe('STOP');
    expect(result.usage).toMatchObject({ inputTokens: 25, outputTokens: 9, totalTokens: 34 });
  });

  it('prefers GOOGLE_GENERATIVE_AI_API_KEY over GEMINI_API_KEY', async () => {
    const { registry, stub: s } = await googleRegistry(
      { json: geminiResponse('ok', 'STOP') },
      { GOOGLE_GENERATIVE_AI_API_KEY: SECRET, GEMINI_API_KEY: 'the-other-one' },
    );
    expect(registry.configured().find((p) => p.name === 'google')).toMatchObject({
      keyEnv: 'GOOGLE_GENERATIVE_AI_API_KEY',
      hasKey: true,
    });
    await generateText({ model: registry.languageModel('google', 'gemini-2.5-flash'), ...CALL });
    expect(s.requests[0]!.headers['x-goog-api-key']).toBe(SECRET);
  });
});

describe('OpenAI-compatible endpoints and OpenAI', () => {
  it('calls an Ollama-like endpoint on /v1/chat/completions with no key', async () => {
    const s = await serve(() => ({
      json: chatCompletion('Local answer.', 'stop', { prompt_tokens: 11, completion_tokens: 3 }),
    }));
    const registry = createProviderRegistry({
      providers: { ollama: provider({ type: 'openai-compatible', baseURL: `${s.url}/v1/` }) },
      env: {},
    });
    expect(registry.available('ollama')).toBe(true);
    expect(registry.configured().find((p) => p.name === 'ollama')).toEqual({
      name: 'ollama',
      type: 'openai-compatible',
      baseURL: `${s.url}/v1`,
      hasKey: false,
      enabled: true,
      usable: true,
    });

    const result = await generateText({ model: registry.languageModel('ollama', 'llama3.2'), ...CALL });
    const request = s.requests[0]!;
    expect(request.path).toBe('/v1/chat/completions');
    expect(request.headers.authorization).toBeUndefined();
    expect(request.body).toMatchObject({
      model: 'llama3.2',
      messages: [
        { role: 'system', content: 'You summarize.' },
        { role: 'user', content: 'Street trees cool cities.' },
      ],
      max_tokens: 200,
      temperature: 0.3,
      stop: ['END'],
    });
    expect(result.text).toBe('Local answer.');
    expect(result.finishReason).toBe('stop');
    expect(result.usage).toMatchObject({ inputTokens: 11, outputTokens: 3 });
  });

  it('sends a bearer key to an OpenAI-compatible endpoint when the config names one', async () => {
    const s = await serve(() => ({ json: chatCompletion('ok') }));
    const registry = createProviderRegistry({
      providers: { gateway: provider({ type: 'openai-compatible', baseURL: `${s.url}/v1`, apiKeyEnv: 'GATEWAY_KEY' }) },
      env: { GATEWAY_KEY: SECRET },
    });
    await generateText({ model: registry.languageModel('gateway', 'some-model'), ...CALL });
    expect(s.requests[0]!.headers.authorization).toBe(`Bearer ${SECRET}`);
  });

  it('uses Chat Completions for OpenAI and honours OPENAI_BASE_URL', async () => {
    const s = await serve(() => ({ json: chatCompletion('From OpenAI.', 'length') }));
    const registry = createProviderRegistry({
      providers: {},
      env: { OPENAI_API_KEY: SECRET, OPENAI_BASE_URL: `${s.url}/v1` },
    });
    const result = await generateText({ model: registry.languageModel('openai', 'gpt-4o'), ...CALL });
    expect(s.requests[0]!.path).toBe('/v1/chat/completions');
    expect(s.requests[0]!.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(result.text).toBe('From OpenAI.');
    expect(result.finishReason).toBe('length');
  });

  it('lets the config base URL win over OPENAI_BASE_URL', async () => {
    const s = await serve(() => ({ json: chatCompletion('ok') }));
    const registry = createProviderRegistry({
      providers: { openai: provider({ baseURL: `${s.url}/proxy/v1` }) },
      env: { OPENAI_API_KEY: SECRET, OPENAI_BASE_URL: 'http://127.0.0.1:9/unused' },
    });
    await generateText({ model: registry.languageModel('openai', 'gpt-4o-mini'), ...CALL });
    expect(s.requests[0]!.path).toBe('/proxy/v1/chat/completions');
  });
});

describe('statuses, errors and secrecy', () => {
  const env = {
    OPENAI_API_KEY: SECRET,
    ANTHROPIC_API_KEY: `${SECRET}-a`,
    GEMINI_API_KEY: `${SECRET}-g`,
    HEADER_TOKEN: `${SECRET}-h`,
  };

  it('lists the built-ins and the configured endpoints without any key or header value', () => {
    const registry = createProviderRegistry({
      providers: {
        ollama: provider({ type: 'openai-compatible', baseURL: 'http://localhost:11434/v1' }),
        proxy: provider({
          type: 'openai-compatible',
          baseURL: 'https://user:pa55word@proxy.example/v1',
          headers: { authorization: 'Bearer ${HEADER_TOKEN}' },
        }),
      },
      env,
    });
    const statuses = registry.configured();
    expect(statuses.map((p) => [p.name, p.type, p.usable])).toEqual([
      ['openai', 'openai', true],
      ['anthropic', 'anthropic', true],
      ['google', 'google', true],
      ['ollama', 'openai-compatible', true],
      ['proxy', 'openai-compatible', true],
    ]);
    expect(statuses.find((p) => p.name === 'google')).toMatchObject({ keyEnv: 'GEMINI_API_KEY', hasKey: true });
    expect(statuses.find((p) => p.name === 'openai')).toMatchObject({ baseURL: 'https://api.openai.com/v1' });
    const text = JSON.stringify(statuses);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('pa55word');
    // Nor do the model instances carry the key in their enumerable data.
    for (const name of ['openai', 'anthropic', 'google', 'proxy']) {
      expect(JSON.stringify(registry.languageModel(name, 'm'))).not.toContain(SECRET);
    }
  });

  it('says which variable to set when a key is missing', () => {
    const registry = createProviderRegistry({
      providers: {},
      env: { OPENAI_API_KEY: SECRET, ANTHROPIC_API_KEY: '  ' },
    });
    expect(registry.available('anthropic')).toBe(false);
    expect(() => registry.languageModel('anthropic', 'claude-sonnet-4-5')).toThrow(
      "provider 'anthropic' has no key: set ANTHROPIC_API_KEY (in the environment or .env)",
    );
    expect(() => registry.languageModel('google', 'gemini-2.5-flash')).toThrow(
      "provider 'google' has no key: set GOOGLE_GENERATIVE_AI_API_KEY or GEMINI_API_KEY (in the environment or .env)",
    );
    expect(registry.configured().find((p) => p.name === 'anthropic')).toEqual({
      name: 'anthropic',
      type: 'anthropic',
      baseURL: 'https://api.anthropic.com/v1',
      keyEnv: 'ANTHROPIC_API_KEY',
      hasKey: false,
      enabled: true,
      usable: false,
      why: "provider 'anthropic' has no key: set ANTHROPIC_API_KEY (in the environment or .env)",
    });
  });

  it('explains disabled providers, missing base URLs, missing named keys, missing header variables and unknown names', () => {
    const registry = createProviderRegistry({
      providers: {
        openai: provider({ enabled: false }),
        lmstudio: provider({ type: 'openai-compatible' }),
        gateway: provider({ type: 'openai-compatible', baseURL: 'http://127.0.0.1:1/v1', apiKeyEnv: 'GATEWAY_KEY' }),
        tagged: provider({
          type: 'openai-compatible',
          baseURL: 'http://127.0.0.1:1/v1',
          headers: { 'x-token': '${MISSING_TOKEN}' },
        }),
      },
      env,
    });
    const problems: string[] = [];
    for (const name of ['openai', 'lmstudio', 'gateway', 'tagged', 'nope']) {
      expect(registry.available(name)).toBe(false);
      try {
        registry.languageModel(name, 'm');
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
    expect(problems).toEqual([
      "provider 'openai' is disabled in the config (enabled: false)",
      'provider \'lmstudio\' has no baseURL: set "baseURL" for it under "providers" in the config',
      "provider 'gateway' has no key: set GATEWAY_KEY (in the environment or .env)",
      "provider 'tagged' header 'x-token' needs MISSING_TOKEN: set it (in the environment or .env)",
      'unknown provider \'nope\': use openai, anthropic, google, lmstudio, gateway, tagged, or add it under "providers" in the config',
    ]);
    for (const problem of problems) {
      expect(problem).not.toContain(SECRET);
      expect(problem.split('\n')).toHaveLength(1);
    }
  });

  it('caches provider instances and never reads process.env', async () => {
    const s = await serve(() => ({ json: anthropicMessage('ok') }));
    const previous = process.env['ANTHROPIC_API_KEY'];
    process.env['ANTHROPIC_API_KEY'] = 'from-process-env';
    try {
      const registry = createProviderRegistry({ providers: {}, env: {} });
      expect(registry.available('anthropic')).toBe(false);
      const withKey = createProviderRegistry({
        providers: { anthropic: provider({ baseURL: s.url }) },
        env: { ANTHROPIC_API_KEY: SECRET },
      });
      vi.mocked(createAnthropic).mockClear();
      const a = withKey.languageModel('anthropic', 'claude-haiku-4-5');
      const b = withKey.languageModel('anthropic', 'claude-sonnet-4-5');
      // The vendor package is loaded, and its provider built, on the first call (vendors/lazy-models.ts).
      expect(createAnthropic).not.toHaveBeenCalled();
      expect(a.modelId).toBe('claude-haiku-4-5');
      await generateText({ model: b, ...CALL });
      await generateText({ model: a, ...CALL });
      expect(createAnthropic).toHaveBeenCalledTimes(1);
      expect(s.requests[0]!.headers['x-api-key']).toBe(SECRET);
    } finally {
      if (previous === undefined) delete process.env['ANTHROPIC_API_KEY'];
      else process.env['ANTHROPIC_API_KEY'] = previous;
    }
  });
});
