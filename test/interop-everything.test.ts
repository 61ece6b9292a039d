/**
 * Interop with the reference server `@modelcontextprotocol/server-everything` (a 2025-era server on the
 * v1 SDK), spawned over stdio: our client lands on the legacy era, answers the sampling request of its
 * `trigger-sampling-request` tool with the real policy-driven handler, and a policy denial reaches the
 * server as the spec's user-rejected error, which the tool reports.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import {
  ProtocolError,
  type CreateMessageRequest,
  type CreateMessageResult,
  type CreateMessageResultWithTools,
} from '@modelcontextprotocol/client';
import { afterEach, describe, expect, it } from 'vitest';

import { type EraMode } from '../src/client/connect/era.js';
import { connectStdio, type StdioConnection } from '../src/client/connect/stdio.js';
import { USER_REJECTED_CODE } from '../src/client/errors.js';
import { createSamplingHandler, type SamplingHandler } from '../src/client/sampling/handler.js';
import { USAGE_META_KEY } from '../src/client/sampling/result.js';
import type { AuditRecord } from '../src/policy/audit-log.js';
import { EXTRACTIVE_MODEL_ID } from '../src/providers/embedded/extractive-model.js';
import type { Env } from '../src/config/env.js';
import { chatCompletion, startHttpStub, type HttpStub } from './helpers/http-stub.js';
import { textOf } from './helpers/in-memory.js';
import { testRuntime } from './helpers/runtime.js';

const require = createRequire(import.meta.url);
const EVERYTHING_PACKAGE = require.resolve('@modelcontextprotocol/server-everything/package.json');
const EVERYTHING_BIN = join(
  dirname(EVERYTHING_PACKAGE),
  (JSON.parse(readFileSync(EVERYTHING_PACKAGE, 'utf8')) as { bin: Record<string, string> }).bin[
    'mcp-server-everything'
  ]!,
);
/** The name server-everything gives in `initialize`: the key its policy is found under. */
const EVERYTHING_NAME = 'mcp-servers/everything';
const TOOL = 'trigger-sampling-request';
/** What the tool wraps the prompt in, and the system prompt and temperature it always sends. */
const MESSAGE_PREFIX = `Resource ${TOOL} context: `;
const SYSTEM_PROMPT = 'You are a helpful test server.';

const PROMPT = [
  'Street trees cool cities by several degrees on summer afternoons.',
  'Their roots and soil hold rain water that would otherwise flood the drains.',
  'Shade on walls and windows lowers the energy spent on air conditioning.',
  'Leaves catch fine dust from traffic, although rain washes much of it back down.',
  'A mature oak can host hundreds of species of insects, birds and fungi.',
  'Planting and watering young trees costs money for the first three years.',
].join(' ');

const sentencesOf = (text: string) =>
  text
    .split(/(?<=[.!?])\s+/)
    .map((s) => s.trim())
    .filter(Boolean);

/** One sampling request as our handler received it, and what it answered. */
interface Exchange {
  params: CreateMessageRequest['params'];
  result?: CreateMessageResult | CreateMessageResultWithTools;
  error?: unknown;
}

function recording(handler: SamplingHandler, exchanges: Exchange[]): SamplingHandler {
  return async (request, ctx) => {
    const exchange: Exchange = { params: structuredClone(request.params) };
    exchanges.push(exchange);
    try {
      exchange.result = await handler(request, ctx);
      return exchange.result;
    } catch (error) {
      exchange.error = error;
      throw error;
    }
  };
}

let connection: StdioConnection | undefined;
let stub: HttpStub | undefined;
const runtimeDirs: string[] = [];

/** server-everything processes (the session's, or a leftover era probe) that are still children of this one. */
function everythingChildren(): string[] {
  if (process.platform === 'win32') return [];
  return execFileSync('ps', ['-A', '-o', 'ppid=,args='], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => {
      const [ppid, ...args] = line.trim().split(/\s+/);
      return Number(ppid) === process.pid && args.join(' ').includes(EVERYTHING_BIN);
    });
}

afterEach(async () => {
  await connection?.close();
  await stub?.close();
  connection = undefined;
  stub = undefined;
  for (const dir of runtimeDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  expect(everythingChildren()).toEqual([]);
});

/**
 * Spawns server-everything and connects our client to it with the real handler. As the CLI does, the
 * handler knows the server by the name it announced in `initialize`, so a policy keyed by that name applies.
 */
async function connectEverything(era: EraMode, options: { config?: unknown; env?: Env } = {}) {
  const test = testRuntime(options);
  runtimeDirs.push(test.dir);
  const session: { name: string | undefined; era: string | undefined } = { name: undefined, era: undefined };
  const exchanges: Exchange[] = [];
  const serverLog: string[] = [];
  const handler = createSamplingHandler({
    runtime: test.runtime,
    server: () => ({ name: session.name, address: `node ${EVERYTHING_BIN} stdio` }),
    era: () => session.era ?? 'unknown',
  });
  connection = await connectStdio({
    command: process.execPath,
    args: [EVERYTHING_BIN, 'stdio'],
    era,
    handler: recording(handler, exchanges),
    onServerLog: (line) => serverLog.push(line),
  });
  session.name = connection.server?.name;
  session.era = connection.era;
  /** The audit log, once the lines written behind the answers are on disk. */
  const audit = async (): Promise<AuditRecord[]> => {
    await test.flush();
    return readFileSync(test.auditPath, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as AuditRecord);
  };
  return { connection, exchanges, serverLog, audit };
}

/** The tool answers `LLM sampling result: \n<our CreateMessageResult as JSON>`. */
function sampledResult(text: string): unknown {
  expect(text).toMatch(/^LLM sampling result: \n\{/);
  return JSON.parse(text.slice(text.indexOf('\n') + 1));
}

describe.each(['auto', 'legacy'] as const)('server-everything over stdio, --era %s', (era) => {
  it('lands on the legacy era and answers trigger-sampling-request with the embedded model', async () => {
    const everything = await connectEverything(era);
    expect(everything.connection).toMatchObject({
      era: 'legacy',
      protocolVersion: '2025-11-25',
      server: { name: EVERYTHING_NAME },
    });
    expect(everything.serverLog).toContain('Starting default (STDIO) server...');

    // The tool is registered only for a client that declared sampling.
    const { tools } = await everything.connection.client.listTools();
    const tool = tools.find((t) => t.name === TOOL);
    expect(tool?.inputSchema).toMatchObject({
      properties: { prompt: { type: 'string' }, maxTokens: { type: 'number', default: 100 } },
      required: ['prompt'],
    });

    const result = await everything.connection.client.callTool({
      name: TOOL,
      arguments: { prompt: PROMPT, maxTokens: 40 },
    });

    // (a) Our handler received exactly what the server sent: one request, the prompt inside its wrapper.
    expect(everything.exchanges).toHaveLength(1);
    const [exchange] = everything.exchanges;
    expect(exchange?.params).toEqual({
      messages: [{ role: 'user', content: { type: 'text', text: `${MESSAGE_PREFIX}${PROMPT}` } }],
      systemPrompt: SYSTEM_PROMPT,
      maxTokens: 40,
      temperature: 0.7,
    });

    // (b) The tool's result is the answer we gave: the extractive model's sentences and its name.
    expect(result.isError).not.toBe(true);
    const answered = exchange?.result;
    expect(answered).toMatchObject({
      role: 'assistant',
      model: EXTRACTIVE_MODEL_ID,
      content: { type: 'text' },
      _meta: { [USAGE_META_KEY]: { provider: 'embedded', model: EXTRACTIVE_MODEL_ID, costUsd: 0 } },
    });
    expect(sampledResult(textOf(result))).toEqual(answered);
    const content = Array.isArray(answered?.content) ? undefined : answered?.content;
    const completion = content?.type === 'text' ? content.text : '';
    const sentences = sentencesOf(completion);
    // maxTokens 40 is honoured: some, not all, of the six sentences, each taken verbatim from the request.
    expect(sentences.length).toBeGreaterThan(0);
    expect(sentences.length).toBeLessThan(sentencesOf(PROMPT).length);
    for (const sentence of sentences) expect(`${MESSAGE_PREFIX}${PROMPT}`).toContain(sentence);

    expect(await everything.audit()).toEqual([
      expect.objectContaining({
        server: EVERYTHING_NAME,
        era: 'legacy',
        outcome: 'ok',
        approval: 'auto',
        model: expect.objectContaining({ provider: 'embedded', id: EXTRACTIVE_MODEL_ID }),
        request: expect.objectContaining({ messages: 1, maxTokens: 40, temperature: 0.7, systemPrompt: true }),
      }),
    ]);
  });

  it('refuses the request when the policy denies server-everything; the tool reports the user-rejected error', async () => {
    const everything = await connectEverything(era, {
      config: { servers: { [EVERYTHING_NAME]: { approval: 'deny' } } },
    });

    const result = await everything.connection.client.callTool({ name: TOOL, arguments: { prompt: PROMPT } });

    // The v1 server turns the JSON-RPC error of its sampling request into an isError tool result.
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe(`MCP error -1: sampling is denied for server '${EVERYTHING_NAME}' by configuration`);
    expect(everything.exchanges).toHaveLength(1);
    const [exchange] = everything.exchanges;
    expect(exchange?.params.maxTokens).toBe(100); // the tool's default
    expect(exchange?.result).toBeUndefined();
    expect(exchange?.error).toBeInstanceOf(ProtocolError);
    expect((exchange?.error as ProtocolError).code).toBe(USER_REJECTED_CODE);

    expect(await everything.audit()).toEqual([
      expect.objectContaining({
        server: EVERYTHING_NAME,
        era: 'legacy',
        outcome: 'denied',
        approval: 'denied (config)',
        request: expect.objectContaining({ maxTokens: 100, temperature: 0.7 }),
      }),
    ]);
    expect((await everything.audit())[0]?.usage).toBeUndefined();
  });
});

describe('server-everything over stdio with a real provider', () => {
  it("sends the server's request to the provider and hands back its answer and model name", async () => {
    const answer = 'Street trees cool cities and soak up rain.';
    stub = await startHttpStub(() => ({ json: { ...chatCompletion(answer), model: 'interop-model-2026-01' } }));
    const everything = await connectEverything('auto', {
      config: {
        providers: { local: { type: 'openai-compatible', baseURL: `${stub.url}/v1` } },
        models: [{ provider: 'local', id: 'interop-model' }],
      },
    });

    const result = await everything.connection.client.callTool({
      name: TOOL,
      arguments: { prompt: PROMPT, maxTokens: 40 },
    });

    expect(stub.requests).toHaveLength(1);
    expect(stub.requests[0]).toMatchObject({ method: 'POST', path: '/v1/chat/completions' });
    expect(stub.requests[0]?.body).toMatchObject({
      model: 'interop-model',
      max_tokens: 40,
      temperature: 0.7,
      messages: [
        { role: 'system', content: SYSTEM_PROMPT },
        { role: 'user', content: `${MESSAGE_PREFIX}${PROMPT}` },
      ],
    });
    expect(result.isError).not.toBe(true);
    expect(sampledResult(textOf(result))).toMatchObject({
      role: 'assistant',
      model: 'interop-model-2026-01',
      stopReason: 'endTurn',
      content: { type: 'text', text: answer },
      _meta: { [USAGE_META_KEY]: { provider: 'local', model: 'interop-model', inputTokens: 120, outputTokens: 42 } },
    });
  });
});

describe('server-everything over stdio, --era modern', () => {
  it('fails to connect with a message saying the server offers no 2026-07-28 protocol, and leaves no process', async () => {
    const everything = connectEverything('modern');
    await expect(everything).rejects.toThrow(
      'Version negotiation failed: the server did not offer pinned protocol version 2026-07-28 via server/discover',
    );
  });
});
