/**
 * The client's side of sampling with tools (2025-11-25), end to end: a small MCP server in memory runs a
 * tool loop through our client (pushed requests on the 2025 era; input_required rounds with a signed
 * requestState on 2026-07-28, and the SDK's legacy shim), and the providers are local HTTP stubs that
 * answer with tool calls. Checked: what the provider receives (tools as JSON-schema functions, the tool
 * choice, and on the second turn the assistant's tool calls and the tool results), what the server gets
 * back (tool_use blocks with the model's ids, stopReason toolUse), the embedded model's refusal, approval
 * of tool calls in `ask` mode, and the audit line.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

import {
  type Client,
  type CreateMessageResult,
  type CreateMessageResultWithTools,
  type SamplingMessage,
} from '@modelcontextprotocol/client';
import {
  createRequestStateCodec,
  inputRequired,
  inputResponse,
  McpServer,
  type CallToolResult,
  type CreateMessageRequestParams,
  type InputRequiredResult,
} from '@modelcontextprotocol/server';
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod/v4';

import type { SamplingEvent } from '../src/client/sampling/events.js';
import type { SamplingHandler } from '../src/client/sampling/handler.js';
import type {
  CompletionDecision,
  CompletionView,
  Prompter,
  RequestDecision,
  RequestView,
} from '../src/policy/approval.js';
import type { AuditRecord } from '../src/policy/audit-log.js';
import {
  chatCompletion,
  chatCompletionWithToolCalls,
  startHttpStub,
  type HttpStub,
  type RecordedRequest,
  type StubToolCall,
} from './helpers/http-stub.js';
import { testHandler } from './helpers/runtime.js';
import { ERAS, textOf, wire, type Era } from './helpers/wire.js';

type SamplingResult = CreateMessageResult | CreateMessageResultWithTools;

const WEATHER_TOOL = {
  name: 'get_weather',
  description: 'Current weather for a city',
  inputSchema: {
    type: 'object' as const,
    properties: { city: { type: 'string', description: 'City name' } },
    required: ['city'],
  },
};
const QUESTION: SamplingMessage = { role: 'user', content: { type: 'text', text: 'What is the weather in Paris?' } };
const FINAL_ANSWER = 'It is 18°C and sunny in Paris.';

// ---------------------------------------------------------------------------------------------------------
// The probe server: one tool loop, written twice (pushed requests; input_required rounds).
// ---------------------------------------------------------------------------------------------------------

const LoopArgs = z.object({
  toolChoice: z.enum(['auto', 'required', 'none']).default('auto'),
  /** 1: only the first request (the model's tool calls); 2: also the request with the tool results. */
  steps: z.number().int().min(1).max(2).default(2),
  /** Whether the server's tool "fails" (the tool_result says isError). */
  toolFails: z.boolean().default(false),
});
type LoopArgs = z.infer<typeof LoopArgs>;

function firstRequest(args: LoopArgs): CreateMessageRequestParams {
  return { messages: [QUESTION], tools: [WEATHER_TOOL], toolChoice: { mode: args.toolChoice }, maxTokens: 200 };
}

/** The second request: the conversation so far, the model's tool calls, and the server's results for them. */
function secondRequest(first: SamplingResult, args: LoopArgs): CreateMessageRequestParams {
  const blocks = Array.isArray(first.content) ? first.content : [first.content];
  const results = blocks.flatMap((block) =>
    block.type === 'tool_use'
      ? [
          {
            type: 'tool_result' as const,
            toolUseId: block.id,
            content: [
              {
                type: 'text' as const,
                text: args.toolFails ? `no weather service for ${String(block.input['city'])}` : '18°C and sunny',
              },
            ],
            ...(args.toolFails && { isError: true }),
          },
        ]
      : [],
  );
  return {
    messages: [QUESTION, { role: 'assistant', content: blocks }, { role: 'user', content: results }],
    tools: [WEATHER_TOOL],
    maxTokens: 200,
  };
}

function loopResult(server: McpServer, results: SamplingResult[]): CallToolResult {
  const capabilities = server.server.getClientCapabilities();
  return { content: [{ type: 'text', text: JSON.stringify({ capabilities, results }) }] };
}

function probeServer(): McpServer {
  const codec = createRequestStateCodec<{ first: SamplingResult }>({ key: randomBytes(32), ttlSeconds: 600 });
  const server = new McpServer(
    { name: 'tool-loop-probe', version: '1.0.0' },
    { capabilities: { tools: {} }, requestState: { verify: codec.verify } },
  );

  // 2025 era: the tool pushes sampling/createMessage and awaits each answer.
  server.registerTool('loop_push', { inputSchema: LoopArgs }, async (args, ctx) => {
    try {
      const first = await ctx.mcpReq.requestSampling(firstRequest(args));
      if (args.steps === 1) return loopResult(server, [first]);
      const second = await ctx.mcpReq.requestSampling(secondRequest(first, args));
      return loopResult(server, [first, second]);
    } catch (error) {
      const code = (error as { code?: number }).code;
      return { isError: true, content: [{ type: 'text', text: `${code ?? ''} ${(error as Error).message}` }] };
    }
  });

  // A request that carries a finished tool loop but offers no tools (a server's "now answer" step).
  server.registerTool('history_push', { inputSchema: z.object({}) }, async (_args, ctx) => {
    const first: SamplingResult = {
      role: 'assistant',
      model: 'earlier-model',
      content: [{ type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } }],
    };
    const { messages } = secondRequest(first, LoopArgs.parse({}));
    try {
      const answer = await ctx.mcpReq.requestSampling({ messages, maxTokens: 100 });
      return loopResult(server, [answer]);
    } catch (error) {
      const code = (error as { code?: number }).code;
      return { isError: true, content: [{ type: 'text', text: `${code ?? ''} ${(error as Error).message}` }] };
    }
  });

  // Both eras: input_required rounds; the first answer travels to the third entry in the signed state.
  server.registerTool(
    'loop_rounds',
    { inputSchema: LoopArgs },
    async (args, ctx): Promise<CallToolResult | InputRequiredResult> => {
      const answered = (key: string) => {
        const view = inputResponse(ctx.mcpReq.inputResponses, key);
        return view.kind === 'sampling' ? view.result : undefined;
      };
      const state = ctx.mcpReq.requestState<{ first: SamplingResult }>();
      const first = state?.first ?? answered('first');
      if (first === undefined) {
        return inputRequired({ inputRequests: { first: inputRequired.createMessage(firstRequest(args)) } });
      }
      if (args.steps === 1) return loopResult(server, [first]);
      const second = state === undefined ? undefined : answered('second');
      if (second === undefined) {
        return inputRequired({
          inputRequests: { second: inputRequired.createMessage(secondRequest(first, args)) },
          requestState: await codec.mint({ first }),
        });
      }
      return loopResult(server, [first, second]);
    },
  );
  return server;
}

let close: (() => Promise<void>) | undefined;
let stub: HttpStub | undefined;
afterEach(async () => {
  await close?.();
  await stub?.close();
  close = undefined;
  stub = undefined;
});

async function connectProbe(era: Era, handler: SamplingHandler): Promise<Client> {
  const wired = await wire({ era, handler, server: probeServer });
  expect(wired.client.getProtocolEra()).toBe(era);
  close = wired.close;
  return wired.client;
}

interface LoopOutcome {
  isError: boolean;
  text: string;
  capabilities?: { sampling?: { tools?: object } };
  results: SamplingResult[];
}

async function runLoop(
  client: Client,
  tool: 'loop_push' | 'loop_rounds',
  args: Partial<LoopArgs> = {},
): Promise<LoopOutcome> {
  const result = await client.callTool({ name: tool, arguments: args });
  const text = textOf(result);
  if (result.isError === true) return { isError: true, text, results: [] };
  return { isError: false, text, ...(JSON.parse(text) as Omit<LoopOutcome, 'isError' | 'text'>) };
}

// ---------------------------------------------------------------------------------------------------------
// Provider stubs.
// ---------------------------------------------------------------------------------------------------------

type ChatBody = { messages: { role: string }[]; tools?: unknown; tool_choice?: unknown; model: string };

const hasToolMessage = (request: RecordedRequest) =>
  (request.body as ChatBody).messages.some((message) => message.role === 'tool');

/** A Chat Completions endpoint that calls get_weather(Paris) first, and answers once it has the result. */
async function startWeatherStub(model: string, calls: StubToolCall[] = [PARIS_CALL]): Promise<HttpStub> {
  return startHttpStub((request) =>
    hasToolMessage(request) || (request.body as ChatBody).tool_choice === 'none'
      ? { json: { ...chatCompletion(FINAL_ANSWER), model } }
      : { json: chatCompletionWithToolCalls(calls, null, model) },
  );
}

const PARIS_CALL: StubToolCall = { id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' };

/** An Ollama-like OpenAI-compatible provider as the only model besides the embedded one. */
function ollamaConfig(s: HttpStub, extra: Record<string, unknown> = {}) {
  return {
    providers: { ollama: { type: 'openai-compatible', baseURL: `${s.url}/v1` } },
    models: [{ provider: 'ollama', id: 'llama3.2' }],
    ...extra,
  };
}

const FIRST_RESULT = {
  role: 'assistant',
  content: [{ type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } }],
  stopReason: 'toolUse',
};
const SECOND_RESULT = { role: 'assistant', content: { type: 'text', text: FINAL_ANSWER }, stopReason: 'endTurn' };

async function readAudit(handler: ReturnType<typeof testHandler>): Promise<AuditRecord[]> {
  await handler.test.flush();
  return readFileSync(handler.test.auditPath, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as AuditRecord);
}

// ---------------------------------------------------------------------------------------------------------

describe('OpenAI-compatible provider, 2025 era (pushed requests)', () => {
  it('declares sampling.tools, maps tools and tool results both ways, and the loop completes', async () => {
    stub = await startWeatherStub('llama3.2');
    const events: SamplingEvent[] = [];
    const client = await connectProbe(
      'legacy',
      testHandler({ config: ollamaConfig(stub), onEvent: (e) => events.push(e) }),
    );

    const outcome = await runLoop(client, 'loop_push');

    expect(outcome.isError).toBe(false);
    expect(outcome.capabilities?.sampling).toEqual({ tools: {} });
    // What the server got back: the model's call as a tool_use block with the model's id, then the answer.
    expect(outcome.results).toEqual([
      { ...FIRST_RESULT, model: 'llama3.2', _meta: expect.any(Object) },
      { ...SECOND_RESULT, model: 'llama3.2', _meta: expect.any(Object) },
    ]);

    // What the provider got: the tool as a JSON-schema function and the tool choice ...
    expect(stub.requests).toHaveLength(2);
    expect(stub.requests[0]!.path).toBe('/v1/chat/completions');
    expect(stub.requests[0]!.body).toMatchObject({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: WEATHER_TOOL.description,
            parameters: WEATHER_TOOL.inputSchema,
          },
        },
      ],
      tool_choice: 'auto',
    });
    // ... and on the second turn, the assistant's tool call and the tool message answering it.
    const second = stub.requests[1]!.body as ChatBody;
    expect(second.messages).toMatchObject([
      { role: 'user', content: 'What is the weather in Paris?' },
      {
        role: 'assistant',
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '18°C and sunny' },
    ]);
    expect(second.tools).toHaveLength(1);

    // The CLI's trace: the tools offered, the tools called.
    expect(events.filter((e) => e.type === 'request').map((e) => e.type === 'request' && e.tools)).toEqual([
      ['get_weather'],
      ['get_weather'],
    ]);
    expect(events.filter((e) => e.type === 'result').map((e) => e.type === 'result' && e.toolCalls)).toEqual([
      ['get_weather'],
      [],
    ]);
  });

  it.each([
    ['auto', 'auto'],
    ['required', 'required'],
    ['none', 'none'],
  ] as const)(
    'toolChoice %s reaches the provider as tool_choice %s, with the tools still declared',
    async (mode, wire) => {
      stub = await startWeatherStub('llama3.2');
      const client = await connectProbe('legacy', testHandler({ config: ollamaConfig(stub) }));
      const outcome = await runLoop(client, 'loop_push', { toolChoice: mode, steps: 1 });
      expect(outcome.isError).toBe(false);
      expect(stub.requests[0]!.body).toMatchObject({
        tool_choice: wire,
        tools: [{ function: { name: 'get_weather' } }],
      });
      // With `none` the stub answers in text: one text block, a plain end of turn.
      expect(outcome.results[0]).toMatchObject(mode === 'none' ? SECOND_RESULT : FIRST_RESULT);
    },
  );

  it('several calls in one turn, with text before them, keep their order and ids', async () => {
    stub = await startHttpStub((request) =>
      hasToolMessage(request)
        ? { json: chatCompletion(FINAL_ANSWER) }
        : {
            json: chatCompletionWithToolCalls(
              [PARIS_CALL, { id: 'call_2', name: 'get_weather', arguments: '{"city":"Lyon"}' }],
              'Checking both cities.',
            ),
          },
    );
    const client = await connectProbe('legacy', testHandler({ config: ollamaConfig(stub) }));
    const outcome = await runLoop(client, 'loop_push');
    expect(outcome.results[0]).toMatchObject({
      stopReason: 'toolUse',
      content: [
        { type: 'text', text: 'Checking both cities.' },
        { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
        { type: 'tool_use', id: 'call_2', name: 'get_weather', input: { city: 'Lyon' } },
      ],
    });
    expect((stub.requests[1]!.body as ChatBody).messages).toMatchObject([
      {},
      { role: 'assistant', content: 'Checking both cities.', tool_calls: [{ id: 'call_1' }, { id: 'call_2' }] },
      { role: 'tool', tool_call_id: 'call_1' },
      { role: 'tool', tool_call_id: 'call_2' },
    ]);
  });

  it('a tool call with an input that is not a JSON object fails the request, naming provider and model', async () => {
    stub = await startHttpStub(() => ({
      json: chatCompletionWithToolCalls([{ id: 'call_1', name: 'get_weather', arguments: 'Paris, please' }]),
    }));
    const client = await connectProbe('legacy', testHandler({ config: ollamaConfig(stub) }));
    const outcome = await runLoop(client, 'loop_push', { steps: 1 });
    expect(outcome.isError).toBe(true);
    expect(outcome.text).toMatch(
      /^-32603 .*ollama llama3\.2: the model called tool 'get_weather' with an input that is not a JSON object/,
    );
  });
});

describe.each(ERAS)('OpenAI (Chat Completions), input_required rounds (%s era)', (era) => {
  it('runs the two-step loop through the rounds; the tool_use ids survive the signed state', async () => {
    stub = await startWeatherStub('gpt-4o-2024-08-06');
    const handler = testHandler({
      env: { OPENAI_API_KEY: 'sk-tools-test-secret', OPENAI_BASE_URL: `${stub.url}/v1` },
      config: { defaultModel: 'openai/gpt-4o', fallbacks: { maxModels: 0 } },
      era,
    });
    const client = await connectProbe(era, handler);

    const outcome = await runLoop(client, 'loop_rounds');

    expect(outcome.isError).toBe(false);
    expect(outcome.results).toMatchObject([
      { ...FIRST_RESULT, model: 'gpt-4o-2024-08-06' },
      { ...SECOND_RESULT, model: 'gpt-4o-2024-08-06' },
    ]);
    expect(stub.requests.map((r) => r.path)).toEqual(['/v1/chat/completions', '/v1/chat/completions']);
    expect(stub.requests[0]!.headers.authorization).toBe('Bearer sk-tools-test-secret');
    expect(stub.requests[0]!.body).toMatchObject({
      model: 'gpt-4o',
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: WEATHER_TOOL.inputSchema } }],
      tool_choice: 'auto',
    });
    expect((stub.requests[1]!.body as ChatBody).messages).toMatchObject([
      { role: 'user' },
      { role: 'assistant', tool_calls: [{ id: 'call_1', function: { name: 'get_weather' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: '18°C and sunny' },
    ]);

    // The audit says how many tools were offered and calls returned; no input, no key.
    const audit = await readAudit(handler);
    expect(audit.map((line) => [line.request.tools, line.request.toolChoice, line.toolCalls])).toEqual([
      [1, 'auto', 1],
      [1, 'auto', 0],
    ]);
    expect(audit[0]!.request.contentTypes).toEqual(['text']);
    expect(audit[1]!.request.contentTypes).toEqual(['text', 'tool_use', 'tool_result']);
    const raw = readFileSync(handler.test.auditPath, 'utf8');
    expect(raw).not.toContain('Paris');
    expect(raw).not.toContain('sk-tools-test-secret');
  });
});

describe('Anthropic', () => {
  it('maps tools to input_schema, tool_use back with its id, and an error result to is_error', async () => {
    stub = await startHttpStub((request) => {
      const messages = (request.body as { messages: { role: string; content: { type: string }[] }[] }).messages;
      const answered = messages.some((m) => m.role === 'user' && m.content.some((c) => c.type === 'tool_result'));
      return {
        json: {
          id: 'msg_1',
          type: 'message',
          role: 'assistant',
          model: 'claude-sonnet-4-5',
          content: answered
            ? [{ type: 'text', text: 'The weather service has nothing for Paris.' }]
            : [
                { type: 'text', text: 'Let me check.' },
                { type: 'tool_use', id: 'toolu_01', name: 'get_weather', input: { city: 'Paris' } },
              ],
          stop_reason: answered ? 'end_turn' : 'tool_use',
          stop_sequence: null,
          usage: { input_tokens: 30, output_tokens: 12 },
        },
      };
    });
    const client = await connectProbe(
      'legacy',
      testHandler({
        env: { ANTHROPIC_API_KEY: 'sk-ant-tools-secret', ANTHROPIC_BASE_URL: `${stub.url}/v1` },
        config: { defaultModel: 'anthropic/claude-sonnet-4-5', fallbacks: { maxModels: 0 } },
      }),
    );

    const outcome = await runLoop(client, 'loop_push', { toolFails: true });

    expect(outcome.isError).toBe(false);
    expect(outcome.results).toMatchObject([
      {
        stopReason: 'toolUse',
        content: [
          { type: 'text', text: 'Let me check.' },
          { type: 'tool_use', id: 'toolu_01', name: 'get_weather', input: { city: 'Paris' } },
        ],
      },
      { stopReason: 'endTurn', content: { type: 'text', text: 'The weather service has nothing for Paris.' } },
    ]);
    expect(stub.requests[0]!.path).toBe('/v1/messages');
    expect(stub.requests[0]!.body).toMatchObject({
      tools: [{ name: 'get_weather', description: WEATHER_TOOL.description, input_schema: WEATHER_TOOL.inputSchema }],
      tool_choice: { type: 'auto' },
    });
    expect((stub.requests[1]!.body as { messages: unknown[] }).messages).toMatchObject([
      { role: 'user', content: [{ type: 'text', text: 'What is the weather in Paris?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Let me check.' },
          { type: 'tool_use', id: 'toolu_01', name: 'get_weather', input: { city: 'Paris' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_01', content: 'no weather service for Paris', is_error: true },
        ],
      },
    ]);
  });
});

describe('the embedded model cannot call tools', () => {
  it('with no provider configured, a request offering tools is refused with a clear one-line error', async () => {
    const handler = testHandler();
    const client = await connectProbe('legacy', handler);
    const outcome = await runLoop(client, 'loop_push', { steps: 1 });
    expect(outcome.isError).toBe(true);
    expect(outcome.text).toBe(
      "-32603 no model for server 'document-assistant': this request offers tools, and the only model available, " +
        'the embedded extractive summarizer, cannot call tools: configure a provider (docs/configuration.md)',
    );
    const [line] = await readAudit(handler);
    expect(line).toMatchObject({ outcome: 'no-model', request: { tools: 1, toolChoice: 'auto' } });
  });

  it('nor a request that carries tool calls and results without offering tools', async () => {
    const client = await connectProbe('legacy', testHandler());
    const result = await client.callTool({ name: 'history_push', arguments: {} });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(
      /this request carries tool calls and results, and the only model available, the embedded extractive summarizer, cannot read them/,
    );
  });

  it('the embedded model is never a fallback for a tools request behind a provider that fails', async () => {
    stub = await startHttpStub(() => ({ status: 503, json: { error: { message: 'overloaded' } } }));
    const client = await connectProbe(
      'legacy',
      testHandler({ config: ollamaConfig(stub, { retry: { maxRetries: 0, initialDelayMs: 1, maxDelayMs: 1 } }) }),
    );
    const outcome = await runLoop(client, 'loop_push', { steps: 1 });
    expect(outcome.isError).toBe(true);
    expect(outcome.text).toMatch(/ollama llama3\.2: HTTP 503/);
  });
});

/** A prompter that answers from a script and records what it was shown. */
function scriptedPrompter(request: RequestDecision, completion: CompletionDecision) {
  const requests: RequestView[] = [];
  const completions: CompletionView[] = [];
  const prompter: Prompter = {
    reviewRequest: async (view) => {
      requests.push(view);
      return request;
    },
    reviewCompletion: async (view) => {
      completions.push(view);
      return completion;
    },
  };
  return { prompter, requests, completions };
}

describe.each(ERAS)('ask mode with tools (%s era)', (era) => {
  it('shows the tools offered and each tool call; an edited input is what the server gets', async () => {
    stub = await startWeatherStub('llama3.2');
    const script = scriptedPrompter(
      { action: 'approve' },
      { action: 'edit', text: '', toolInputs: { call_1: { city: 'Lyon' } } },
    );
    const client = await connectProbe(
      era,
      testHandler({ prompter: script.prompter, config: ollamaConfig(stub, { servers: { '*': { approval: 'ask' } } }) }),
    );
    const outcome = await runLoop(client, 'loop_rounds', { steps: 1 });

    expect(script.requests[0]).toMatchObject({
      tools: [{ name: 'get_weather', description: WEATHER_TOOL.description, inputSchema: WEATHER_TOOL.inputSchema }],
      toolChoice: 'auto',
    });
    expect(script.completions[0]).toMatchObject({
      completion: '',
      toolCalls: [{ id: 'call_1', name: 'get_weather', input: { city: 'Paris' } }],
    });
    expect(outcome.results[0]).toMatchObject({
      stopReason: 'toolUse',
      content: [{ type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Lyon' } }],
    });
  });

  it('rejecting the tool calls rejects the completion: the server gets the user-rejected error', async () => {
    stub = await startWeatherStub('llama3.2');
    const script = scriptedPrompter({ action: 'approve' }, { action: 'reject', reason: 'not that tool' });
    const handler = testHandler({
      prompter: script.prompter,
      config: ollamaConfig(stub, { servers: { '*': { approval: 'ask' } } }),
    });
    const client = await connectProbe(era, handler);
    const outcome =
      era === 'legacy'
        ? await runLoop(client, 'loop_push', { steps: 1 })
        : // On 2026-07-28 an embedded request has no error answer: the client's callTool fails instead.
          await runLoop(client, 'loop_rounds', { steps: 1 }).catch((error: Error & { code?: number }) => ({
            isError: true,
            text: `${error.code} ${error.message}`,
            results: [],
          }));
    expect(outcome.isError).toBe(true);
    expect(outcome.text).toMatch(/^-1 .*the user rejected the completion \(not that tool\)/);
    const [line] = await readAudit(handler);
    expect(line).toMatchObject({ outcome: 'rejected', approval: 'approved, completion rejected' });
  });
});

describe('ask mode: editing the prompt of a tool loop', () => {
  it("keeps the last message's tool results when the person edits only the system prompt", async () => {
    stub = await startWeatherStub('llama3.2');
    const script = scriptedPrompter({ action: 'edit', systemPrompt: 'Answer in one line.' }, { action: 'approve' });
    const client = await connectProbe(
      'legacy',
      testHandler({ prompter: script.prompter, config: ollamaConfig(stub, { servers: { '*': { approval: 'ask' } } }) }),
    );
    const outcome = await runLoop(client, 'loop_push');
    expect(outcome.isError).toBe(false);
    expect((stub.requests[1]!.body as ChatBody).messages).toMatchObject([
      { role: 'system', content: 'Answer in one line.' },
      { role: 'user' },
      { role: 'assistant', tool_calls: [{ id: 'call_1' }] },
      { role: 'tool', tool_call_id: 'call_1', content: '18°C and sunny' },
    ]);
  });

  it('an edited user text goes after the tool results, which stay', async () => {
    stub = await startWeatherStub('llama3.2');
    const script = scriptedPrompter({ action: 'edit', lastUserText: 'Answer in Celsius.' }, { action: 'approve' });
    const client = await connectProbe(
      'legacy',
      testHandler({ prompter: script.prompter, config: ollamaConfig(stub, { servers: { '*': { approval: 'ask' } } }) }),
    );
    const outcome = await runLoop(client, 'loop_push');
    expect(outcome.isError).toBe(false);
    expect((stub.requests[1]!.body as ChatBody).messages).toMatchObject([
      { role: 'user', content: 'What is the weather in Paris?' },
      { role: 'assistant', tool_calls: [{ id: 'call_1' }] },
      { role: 'tool', tool_call_id: 'call_1', content: '18°C and sunny' },
      { role: 'user', content: 'Answer in Celsius.' },
    ]);
  });
});
