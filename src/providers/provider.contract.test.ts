/**
 * The provider contract test: `runProviderContract(vendor)` checks one kind of provider, built by the
 * registry from its definition, against a local HTTP stub of its API: text, stop reasons, usage, tool
 * calls, 401 / 429 / 5xx, timeouts and the response-size cap, as seen through `generateText` and
 * `callWithFallbacks` (our retries and error lines). Each vendor's test file (vendors/<name>.test.ts,
 * embedded/embedded.test.ts) runs it; the embedded provider, which makes no HTTP call, runs the parts
 * that apply. The check at the bottom makes sure every kind has such a file.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { generateText, jsonSchema, type ToolSet } from 'ai';
import { afterEach, describe, expect, it } from 'vitest';

import {
  chatCompletion,
  chatCompletionWithToolCalls,
  startHttpStub,
  type HttpStub,
  type StubReply,
} from '../../test/helpers/http-stub.js';
import type { Env } from '../config/env.js';
import type { ProviderConfig } from '../config/schema.js';
import { estimateTokens } from '../shared/estimate-tokens.js';
import { callWithFallbacks } from './call-with-fallbacks.js';
import { PROVIDER_DEFINITIONS } from './definitions.js';
import { AllModelsFailedError, ProviderCallError } from './errors.js';
import { generateCompletion } from './generate-completion.js';
import type { ProviderKind } from './provider.js';
import { createProviderRegistry } from './registry.js';

const SECRET = 'sk-contract-secret-0123456789';

/** How one kind's API looks on the wire, for a stub to imitate. */
export interface WireFixture {
  /** The registry's providers and environment that point provider `name` at `baseURL` with key SECRET. */
  setup(baseURL: string, key: string): { name: string; providers: Record<string, ProviderConfig>; env: Env };
  /** A successful completion: `text`, the raw finish reason, the usage (input, output tokens). */
  completion(text: string, finish: string, usage: { input: number; output: number }): unknown;
  /** A completion holding one tool call, `arguments` given as JSON text. */
  toolCall(call: { id: string; name: string; arguments: string }): unknown;
  /** The API's error body. */
  error(status: number, message: string): unknown;
  /** The raw finish reasons that mean a normal end and the output limit. */
  finishes: { stop: string; length: string };
  /** The raw finish reason reported with a tool call. */
  toolCallFinish: string;
  /** Whether the API sends the tool call's id back (Gemini does not: the AI SDK makes one up). */
  echoesToolCallId: boolean;
}

export interface ContractVendor {
  kind: ProviderKind;
  /** The model id asked for. */
  model: string;
  /** Absent for a provider that makes no HTTP call (the embedded model): only the local parts run. */
  wire?: WireFixture;
}

const RETRY = { maxRetries: 2, initialDelayMs: 0, maxDelayMs: 0 };
/** One tool without `execute`, as the client offers the server's tools: calls are handed back, never run. */
const TOOLS: ToolSet = {
  weather: {
    description: 'The weather in a city.',
    inputSchema: jsonSchema({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }),
  },
};

export function runProviderContract(vendor: ContractVendor): void {
  describe(`the provider contract: ${vendor.kind}`, () => {
    it('has its own definition in the registry, of its kind', () => {
      expect(PROVIDER_DEFINITIONS[vendor.kind].kind).toBe(vendor.kind);
    });
    if (vendor.kind === 'command') runCommandContract(vendor);
    else if (vendor.wire === undefined) runLocalContract(vendor);
    else runWireContract(vendor, vendor.wire);
  });
}

/** The embedded model: text, stop reasons and usage from the document itself; tool calls refused. */
function runLocalContract(vendor: ContractVendor): void {
  const registry = createProviderRegistry({ providers: {}, env: {} });
  const model = () => registry.languageModel(vendor.kind, vendor.model);
  const document = 'Street trees cool cities in summer. They hold rain water after storms. Shade lowers bills.';

  it('answers with text taken from the document, and its usage', async () => {
    const result = await generateText({ model: model(), prompt: document, maxRetries: 0 });
    expect(result.text.length).toBeGreaterThan(0);
    expect(document).toContain(result.text.split(' ')[0]);
    expect(result.usage).toMatchObject({
      inputTokens: estimateTokens(document),
      outputTokens: estimateTokens(result.text),
    });
  });

  it('maps its stop reasons: complete -> stop, max-tokens -> length', async () => {
    const whole = await generateText({ model: model(), prompt: document, maxOutputTokens: 1000, maxRetries: 0 });
    expect([whole.finishReason, whole.rawFinishReason]).toEqual(['stop', 'complete']);
    const cut = await generateText({ model: model(), prompt: document, maxOutputTokens: 5, maxRetries: 0 });
    expect([cut.finishReason, cut.rawFinishReason]).toEqual(['length', 'max-tokens']);
  });

  it('answers a plain-text request through generateCompletion as through generateText', async () => {
    const messages = [{ role: 'user' as const, content: [{ type: 'text' as const, text: document }] }];
    for (const maxOutputTokens of [1000, 5]) {
      const direct = await generateCompletion(model(), { messages, maxOutputTokens }, new AbortController().signal);
      const viaSdk = await generateText({ model: model(), messages, maxOutputTokens, maxRetries: 0 });
      expect(direct).toMatchObject({
        text: viaSdk.text,
        finishReason: viaSdk.finishReason,
        rawFinishReason: viaSdk.rawFinishReason,
        usage: { inputTokens: viaSdk.usage.inputTokens, outputTokens: viaSdk.usage.outputTokens },
        response: { modelId: viaSdk.response.modelId },
      });
    }
  });

  it('cannot call tools, and says so', async () => {
    expect(PROVIDER_DEFINITIONS[vendor.kind].canCallTools).toBe(false);
    await expect(generateText({ model: model(), prompt: document, tools: TOOLS, maxRetries: 0 })).rejects.toThrow(
      /cannot call tools/,
    );
  });
}

/** A command provider, on a CLI-like script of ours (test/fixtures/command/echo-model.mjs): text, usage, no tools. */
function runCommandContract(vendor: ContractVendor): void {
  const script = new URL('../../test/fixtures/command/echo-model.mjs', import.meta.url);
  const providers: Record<string, ProviderConfig> = {
    cli: { type: 'command', command: [process.execPath, fileURLToPath(script)], enabled: true },
  };
  const model = () => createProviderRegistry({ providers, env: {} }).languageModel('cli', vendor.model);

  it('answers with its stdout, and its usage', async () => {
    const result = await generateText({ model: model(), prompt: 'Say hello.', maxRetries: 0 });
    expect(result.text).toBe('echo (2 words): Say hello.');
    expect(result.finishReason).toBe('stop');
    expect(result.usage).toMatchObject({
      inputTokens: estimateTokens('Say hello.\n'),
      outputTokens: estimateTokens(result.text),
    });
  });

  it('cannot call tools, and says so', async () => {
    expect(PROVIDER_DEFINITIONS[vendor.kind].canCallTools).toBe(false);
    await expect(generateText({ model: model(), prompt: 'Hi', tools: TOOLS, maxRetries: 0 })).rejects.toThrow(
      /cannot call tools/,
    );
  });
}

function runWireContract(vendor: ContractVendor, wire: WireFixture): void {
  let stub: HttpStub | undefined;
  afterEach(async () => {
    await stub?.close();
    stub = undefined;
  });

  async function against(respond: (index: number) => StubReply, options: { maxResponseBytes?: number } = {}) {
    stub = await startHttpStub((_request, index) => respond(index));
    const { name, providers, env } = wire.setup(stub.url, SECRET);
    const registry = createProviderRegistry({ providers, env, ...options });
    const call = (signal?: AbortSignal, extra: Partial<Parameters<typeof generateText>[0]> = {}) =>
      generateText({
        model: registry.languageModel(name, vendor.model),
        prompt: 'Street trees cool cities.',
        maxRetries: 0,
        ...(signal !== undefined && { abortSignal: signal }),
        ...extra,
      } as Parameters<typeof generateText>[0]);
    const withFallbacks = (attemptTimeoutMs?: number) =>
      callWithFallbacks([{ provider: name, id: vendor.model }], (_candidate, signal) => call(signal), {
        retry: RETRY,
        attemptTimeoutMs,
      });
    const direct = (signal: AbortSignal = new AbortController().signal, extra: { tools?: ToolSet } = {}) =>
      generateCompletion(
        registry.languageModel(name, vendor.model),
        {
          system: 'Answer briefly.',
          messages: [{ role: 'user', content: [{ type: 'text', text: 'Street trees cool cities.' }] }],
          maxOutputTokens: 50,
          temperature: 0.2,
          ...extra,
        },
        signal,
      );
    const directWithFallbacks = (attemptTimeoutMs?: number) =>
      callWithFallbacks([{ provider: name, id: vendor.model }], (_candidate, signal) => direct(signal), {
        retry: RETRY,
        attemptTimeoutMs,
      });
    return { name, stub, call, withFallbacks, direct, directWithFallbacks };
  }

  /** The failure `callWithFallbacks` ends with, as the ProviderCallError of the (only) candidate. */
  async function failure(promise: Promise<unknown>): Promise<ProviderCallError> {
    const error: unknown = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    const described = error instanceof AllModelsFailedError ? error.errors[0] : error;
    expect(described).toBeInstanceOf(ProviderCallError);
    return described as ProviderCallError;
  }

  it('answers with the text the API sent', async () => {
    const { call } = await against(() => ({ json: wire.completion('Trees cool cities.', wire.finishes.stop, U) }));
    expect((await call()).text).toBe('Trees cool cities.');
  });

  it.each([
    ['stop', 'stop'],
    ['length', 'length'],
  ] as const)('maps the stop reason meaning %s to %s, keeping the raw one', async (which, unified) => {
    const raw = wire.finishes[which];
    const { call } = await against(() => ({ json: wire.completion('Trees', raw, U) }));
    const result = await call();
    expect(result.finishReason).toBe(unified);
    expect(result.rawFinishReason).toBe(raw);
  });

  it('reports the usage the API sent', async () => {
    const { call } = await against(() => ({ json: wire.completion('ok', wire.finishes.stop, U) }));
    expect((await call()).usage).toMatchObject({
      inputTokens: U.input,
      outputTokens: U.output,
      totalTokens: U.input + U.output,
    });
  });

  it('hands back a tool call (never runs it), with finish reason tool-calls', async () => {
    expect(PROVIDER_DEFINITIONS[vendor.kind].canCallTools).toBe(true);
    const { call } = await against(() => ({
      json: wire.toolCall({ id: 'call_1', name: 'weather', arguments: '{"city":"Lyon"}' }),
    }));
    const result = await call(undefined, { tools: TOOLS });
    expect(result.finishReason).toBe('tool-calls');
    expect(result.rawFinishReason).toBe(wire.toolCallFinish);
    expect(result.toolCalls).toHaveLength(1);
    expect(result.toolCalls[0]).toMatchObject({ toolName: 'weather', input: { city: 'Lyon' } });
    if (wire.echoesToolCallId) expect(result.toolCalls[0]?.toolCallId).toBe('call_1');
  });

  it('answers a plain-text request through generateCompletion exactly as through generateText', async () => {
    for (const finish of [wire.finishes.stop, wire.finishes.length]) {
      const {
        call,
        direct,
        stub: s,
      } = await against(() => ({ json: wire.completion('Trees cool cities.', finish, U) }));
      const viaSdk = await call();
      const result = await direct();
      expect(result).toMatchObject({
        text: viaSdk.text,
        toolCalls: [],
        finishReason: viaSdk.finishReason,
        rawFinishReason: viaSdk.rawFinishReason,
        usage: { inputTokens: U.input, outputTokens: U.output, totalTokens: U.input + U.output },
        response: { modelId: viaSdk.response.modelId },
      });
      // The direct request carries the system prompt, the text and the settings to the API.
      const sent = JSON.stringify(s.requests.at(-1)?.body ?? '');
      expect(sent).toContain('Answer briefly.');
      expect(sent).toContain('Street trees cool cities.');
      await s.close();
      stub = undefined;
    }
  });

  it('sends a request with tools through generateText, which hands the tool call back', async () => {
    const { direct } = await against(() => ({
      json: wire.toolCall({ id: 'call_1', name: 'weather', arguments: '{"city":"Lyon"}' }),
    }));
    const result = await direct(undefined, { tools: TOOLS });
    expect(result.finishReason).toBe('tool-calls');
    expect(result.toolCalls[0]).toMatchObject({ toolName: 'weather', input: { city: 'Lyon' } });
  });

  it('fails through generateCompletion as through generateText: 401 at once, 429 retried, timeouts', async () => {
    const unauthorized = await against(() => ({ status: 401, json: wire.error(401, 'Invalid API key provided') }));
    const error = await failure(unauthorized.directWithFallbacks());
    expect(error.status).toBe(401);
    expect(error.message).toMatch(new RegExp(`^${unauthorized.name} ${vendor.model}: HTTP 401: .*Invalid API key`));
    expect(error.message).not.toContain(SECRET);
    expect(unauthorized.stub.requests).toHaveLength(1);
    await unauthorized.stub.close();

    const limited = await against((index) =>
      index === 0
        ? { status: 429, json: wire.error(429, 'Rate limit reached') }
        : { json: wire.completion('After the retry.', wire.finishes.stop, U) },
    );
    expect((await limited.directWithFallbacks()).value.text).toBe('After the retry.');
    expect(limited.stub.requests).toHaveLength(2);
    await limited.stub.close();

    const hanging = await against(() => ({ hang: true }));
    const timedOut = await failure(hanging.directWithFallbacks(150));
    expect(timedOut.message).toMatch(new RegExp(`^${hanging.name} ${vendor.model}: timed out`));
    expect(hanging.stub.requests).toHaveLength(RETRY.maxRetries + 1);
  });

  it('fails on 401 at once, in one line naming provider, model and status, without the key', async () => {
    const {
      name,
      stub: s,
      withFallbacks,
    } = await against(() => ({
      status: 401,
      json: wire.error(401, 'Invalid API key provided'),
    }));
    const error = await failure(withFallbacks());
    expect(error.status).toBe(401);
    expect(error.message).toMatch(new RegExp(`^${name} ${vendor.model}: HTTP 401: .*Invalid API key provided`));
    expect(error.message).not.toContain(SECRET);
    expect(error.message.split('\n')).toHaveLength(1);
    expect(s.requests).toHaveLength(1);
  });

  it('retries a 429, then succeeds', async () => {
    const { stub: s, withFallbacks } = await against((index) =>
      index === 0
        ? { status: 429, json: wire.error(429, 'Rate limit reached') }
        : { json: wire.completion('After the retry.', wire.finishes.stop, U) },
    );
    const { value } = await withFallbacks();
    expect(value.text).toBe('After the retry.');
    expect(s.requests).toHaveLength(2);
  });

  it.each([500, 503])('retries HTTP %i, then fails in one line naming the status', async (status) => {
    const {
      name,
      stub: s,
      withFallbacks,
    } = await against(() => ({
      status,
      json: wire.error(status, 'The server had an error'),
    }));
    const error = await failure(withFallbacks());
    expect(error.status).toBe(status);
    expect(error.message).toMatch(new RegExp(`^${name} ${vendor.model}: HTTP ${status}.*The server had an error`));
    expect(error.message.split('\n')).toHaveLength(1);
    expect(s.requests).toHaveLength(RETRY.maxRetries + 1);
  });

  it('times out an attempt that gets no answer, and retries it', async () => {
    const { name, stub: s, withFallbacks } = await against(() => ({ hang: true }));
    const error = await failure(withFallbacks(150));
    expect(error.message).toMatch(new RegExp(`^${name} ${vendor.model}: timed out`));
    expect(s.requests).toHaveLength(RETRY.maxRetries + 1);
  });

  it('cuts off a response over limits.maxResponseBytes, and does not retry it', async () => {
    const { stub: s, withFallbacks } = await against(
      () => ({ json: wire.completion('x'.repeat(2000), wire.finishes.stop, U) }),
      { maxResponseBytes: 512 },
    );
    const error = await failure(withFallbacks());
    expect(error.message).toContain('larger than limits.maxResponseBytes (512 bytes)');
    expect(s.requests).toHaveLength(1);
  });
}

const U = { input: 31, output: 7 };

/** The Chat Completions wire (OpenAI and OpenAI-compatible endpoints), pointed at a stub by `setup`. */
export function chatCompletionsWire(setup: WireFixture['setup']): WireFixture {
  return {
    setup,
    completion: (text, finish, usage) =>
      chatCompletion(text, finish, { prompt_tokens: usage.input, completion_tokens: usage.output }),
    toolCall: (call) => chatCompletionWithToolCalls([call]),
    error: (_status, message) => ({ error: { message, type: 'invalid_request_error' } }),
    finishes: { stop: 'stop', length: 'length' },
    toolCallFinish: 'tool_calls',
    echoesToolCallId: true,
  };
}

// Run only in this file (the vendor files import it): every kind has a test file that runs the contract.
if (expect.getState().testPath?.endsWith('provider.contract.test.ts') === true) {
  describe('every provider kind', () => {
    it.each(Object.keys(PROVIDER_DEFINITIONS))('%s runs the contract in its own test file', (kind) => {
      const file =
        kind === 'embedded'
          ? './embedded/embedded.test.ts'
          : kind === 'command'
            ? './command/command.test.ts'
            : `./vendors/${kind}.test.ts`;
      const source = readFileSync(new URL(file, import.meta.url), 'utf8');
      expect(source).toMatch(new RegExp(`runProviderContract\\(\\{\\s*kind: '${kind}'`));
    });
  });
}
