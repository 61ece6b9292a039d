/**
 * The sampling interop matrix: our client (connectStdio with the real policy-driven handler of
 * createSamplingRuntime/createSamplingHandler) against real servers of other implementations, on every era
 * each one speaks, one row per server x era x request shape. Each row records what our handler received
 * (the parameters seen), what the model was sent after the policy (maxTokens as clipped), and what the
 * server got back (a result, or the refusal's error code), and whether all of it is what the server sent.
 * `test/interop-matrix.test.ts` asserts every row; `npm run interop` (scripts/interop.ts) writes
 * docs/interop.md from the same rows.
 */
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { LanguageModelV3CallOptions } from '@ai-sdk/provider';
import type { CallToolResult, CreateMessageRequest } from '@modelcontextprotocol/client';
import type { MockLanguageModelV3 } from 'ai/test';

import { connectStdio } from '../../src/client/connect/stdio.js';
import type { SamplingEvent } from '../../src/client/sampling/events.js';
import { createSamplingHandler, type SamplingHandler } from '../../src/client/sampling/handler.js';
import { testRuntime, withProviderModel } from '../helpers/runtime.js';
import { scriptedModel } from '../helpers/scripted-model.js';

type Params = CreateMessageRequest['params'];
export type MatrixEra = 'legacy' | 'modern';

const require = createRequire(import.meta.url);
const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** The tool-capable model of the `tools` connections (a script behind a configured provider). */
export const TOOL_MODEL = 'tool-model';

// A 1x1 PNG and a tiny WAV header: real media types, a few bytes each.
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const WAV = 'UklGRiQAAABXQVZFZm10IBAAAAABAAEAQB8AAIA+AAACABAAZGF0YQAAAAA=';

const TEXT = [
  'Street trees cool cities by several degrees on summer afternoons.',
  'Their roots and soil hold rain water that would otherwise flood the drains.',
  'Shade on walls and windows lowers the energy spent on air conditioning.',
].join(' ');

const WEATHER_TOOL = {
  name: 'get_weather',
  description: 'Current weather for a city',
  inputSchema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] },
};

/** One request shape: the params a server sends, and what a passing answer looks like. */
export interface Shape {
  id: string;
  title: string;
  params: Params;
  /**
   * Which connection it runs on: `embedded` (only the embedded offline model is configured), `tools` (a
   * scripted tool-capable model behind a configured provider, so `sampling.tools` is declared), `refused`
   * (a config that denies every server: the policy refuses it).
   */
  group: 'embedded' | 'tools' | 'refused';
  refused?: boolean;
  /** The answer's stop reason when it passes. */
  stopReason?: string;
}

const user = (text: string) => ({ role: 'user' as const, content: { type: 'text' as const, text } });

export const SHAPES: readonly Shape[] = [
  {
    id: 'every-parameter',
    title: 'every sampling parameter',
    params: {
      messages: [user(TEXT)],
      modelPreferences: {
        hints: [{ name: 'claude-sonnet-4' }, { name: 'gpt-4o' }, { name: 'gemini-2.5-flash' }],
        costPriority: 0.3,
        speedPriority: 0.5,
        intelligencePriority: 0.9,
      },
      systemPrompt: 'You are an expert summarizer.',
      temperature: 0.2,
      stopSequences: ['END', '###'],
      metadata: { requestId: 'interop-1', purpose: 'matrix' },
      includeContext: 'thisServer',
      maxTokens: 120,
    },
    group: 'embedded',
    stopReason: 'endTurn',
  },
  {
    id: 'image-audio',
    title: 'image and audio content',
    params: {
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: TEXT },
            { type: 'image', data: PNG, mimeType: 'image/png' },
            { type: 'audio', data: WAV, mimeType: 'audio/wav' },
          ],
        },
      ],
      maxTokens: 80,
    },
    group: 'embedded',
    stopReason: 'endTurn',
  },
  {
    id: 'multi-block',
    title: 'multi-block messages',
    params: {
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Part one. Trees cool cities.' },
            { type: 'text', text: TEXT },
          ],
        },
        { role: 'assistant', content: { type: 'text', text: 'Noted. Send the rest.' } },
        user('Shade lowers the energy spent on air conditioning. Summarize all of it.'),
      ],
      maxTokens: 80,
    },
    group: 'embedded',
    stopReason: 'endTurn',
  },
  ...(['auto', 'required', 'none'] as const).map((mode): Shape => ({
    id: `tools-${mode}`,
    title: `tools, toolChoice ${mode}`,
    params: {
      messages: [user('What is the weather in Paris?')],
      tools: [WEATHER_TOOL],
      toolChoice: { mode },
      maxTokens: 100,
    },
    group: 'tools',
    stopReason: mode === 'none' ? 'endTurn' : 'toolUse',
  })),
  {
    id: 'max-tokens-over',
    title: 'an over-large maxTokens',
    params: { messages: [user(TEXT)], maxTokens: 10_000_000 },
    group: 'embedded',
    stopReason: 'endTurn',
  },
  {
    id: 'refused',
    title: 'a request the policy refuses',
    params: { messages: [user(TEXT)], maxTokens: 50 },
    group: 'refused',
    refused: true,
  },
];

/** What the server got back, read from the tool's result. */
export type ServerSaw =
  | { kind: 'result'; result: Record<string, unknown> }
  | {
      kind: 'error';
      code: number | string | null;
      message: string;
      /** The call itself failed in our client (no tool result reached us). */
      rejected?: boolean;
    };

/** A server of another implementation, and how to make it send a shape. */
export interface Peer {
  id: string;
  title: string;
  command: string;
  args: string[];
  eras: readonly MatrixEra[];
  /** The shapes this server can send (default: all). */
  shapes?: readonly string[];
  /** The tool call that makes the server send `params` on `era`. */
  call(params: Params, era: MatrixEra): { name: string; arguments: Record<string, unknown> };
  /** The params the server sends for a shape (default: the shape's own). */
  sends?(params: Params): Params;
  /** Reads what the server got back from the tool result. */
  read(result: CallToolResult): ServerSaw;
  /** How it sends (shown in the table): a name per era. */
  api: Record<MatrixEra, string>;
}

function textOf(result: CallToolResult): string {
  return (result.content ?? []).map((block) => (block.type === 'text' ? block.text : '')).join('');
}

/** Our fixtures answer `{"result": …}` or `{"error": {code, message}}`; a failed tool is an error too. */
function readJson(result: CallToolResult): ServerSaw {
  const text = textOf(result);
  try {
    const value = JSON.parse(text) as { result?: Record<string, unknown>; error?: { code: number; message: string } };
    if (value.result !== undefined) return { kind: 'result', result: value.result };
    if (value.error !== undefined) return { kind: 'error', code: value.error.code, message: value.error.message };
  } catch {
    // not JSON: the tool failed with a message of its own
  }
  const code = /(?:MCP error |code[ =:]+)(-?\d+)/.exec(text)?.[1];
  return { kind: 'error', code: code === undefined ? null : Number(code), message: text };
}

const asParams = (params: Params) => ({ params: JSON.stringify(params) });

const EVERYTHING_PACKAGE = require.resolve('@modelcontextprotocol/server-everything/package.json');
const EVERYTHING_BIN = join(
  dirname(EVERYTHING_PACKAGE),
  (JSON.parse(readFileSync(EVERYTHING_PACKAGE, 'utf8')) as { bin: Record<string, string> }).bin[
    'mcp-server-everything'
  ]!,
);
const everythingPrompt = (params: Params) => {
  const first = params.messages[0]?.content;
  return first !== undefined && !Array.isArray(first) && first.type === 'text' ? first.text : '';
};

/** The servers that need nothing but npm packages (CI runs these). */
export function nodePeers(): Peer[] {
  return [
    {
      id: 'ts-sdk-v2-mrtr',
      title: 'TypeScript SDK v2 (`@modelcontextprotocol/server` 2.x)',
      command: process.execPath,
      args: [join(FIXTURES, 'interop', 'sdk-v2-server.mjs')],
      eras: ['legacy', 'modern'],
      api: { legacy: '`inputRequired` via the legacy shim', modern: '`inputRequired` (input_required round)' },
      call: (params) => ({ name: 'sample_mrtr', arguments: asParams(params) }),
      read: readJson,
    },
    {
      id: 'ts-sdk-v2-push',
      title: 'TypeScript SDK v2 (`@modelcontextprotocol/server` 2.x)',
      command: process.execPath,
      args: [join(FIXTURES, 'interop', 'sdk-v2-server.mjs')],
      eras: ['legacy'],
      api: { legacy: '`ctx.mcpReq.requestSampling` (push)', modern: '-' },
      call: (params) => ({ name: 'sample_push', arguments: asParams(params) }),
      read: readJson,
    },
    {
      id: 'ts-sdk-v1',
      title: 'TypeScript SDK v1 (`@modelcontextprotocol/sdk` 1.x)',
      command: process.execPath,
      args: [join(FIXTURES, 'interop', 'sdk-v1-server.mjs')],
      eras: ['legacy'],
      api: { legacy: '`server.createMessage` (push)', modern: '-' },
      call: (params) => ({ name: 'sample', arguments: asParams(params) }),
      read: readJson,
    },
    {
      id: 'server-everything',
      title: '`@modelcontextprotocol/server-everything`',
      command: process.execPath,
      args: [EVERYTHING_BIN, 'stdio'],
      eras: ['legacy'],
      shapes: ['every-parameter', 'max-tokens-over', 'refused'],
      api: { legacy: '`trigger-sampling-request` (push)', modern: '-' },
      call: (params) => ({
        name: 'trigger-sampling-request',
        arguments: { prompt: everythingPrompt(params), maxTokens: params.maxTokens },
      }),
      // Its tool sends a fixed request around the prompt: its own system prompt and temperature, no hints.
      sends: (params) => ({
        messages: [user(`Resource trigger-sampling-request context: ${everythingPrompt(params)}`)],
        systemPrompt: 'You are a helpful test server.',
        maxTokens: params.maxTokens,
        temperature: 0.7,
      }),
      read: (result) => {
        const text = textOf(result);
        if (result.isError !== true && text.startsWith('LLM sampling result:')) {
          return { kind: 'result', result: JSON.parse(text.slice(text.indexOf('\n') + 1)) as Record<string, unknown> };
        }
        return readJson(result);
      },
    },
  ];
}

/** The Python SDK peer (opt-in: a Python with `mcp` 2.x, as `npm run interop` makes in .cache/). */
export function pythonPeers(python: string): Peer[] {
  const script = join(FIXTURES, 'python', 'interop_server.py');
  return [
    {
      id: 'python-resolve',
      title: 'Python SDK 2.x (`mcp`)',
      command: python,
      args: [script],
      eras: ['legacy', 'modern'],
      api: { legacy: '`Resolve`/`Sample` (pushed)', modern: '`Resolve`/`Sample` (input_required round)' },
      call: (params) => ({ name: 'sample_resolve', arguments: asParams(params) }),
      read: readJson,
    },
    {
      id: 'python-push',
      title: 'Python SDK 2.x (`mcp`)',
      command: python,
      args: [script],
      eras: ['legacy'],
      api: { legacy: '`ctx.session.create_message` (push)', modern: '-' },
      call: (params) => ({ name: 'sample_push', arguments: asParams(params) }),
      read: readJson,
    },
    {
      id: 'python-input-required',
      title: 'Python SDK 2.x (`mcp`)',
      command: python,
      args: [script],
      eras: ['modern'],
      api: { legacy: '-', modern: 'hand-rolled `InputRequiredResult`' },
      call: (params) => ({ name: 'sample_input_required', arguments: asParams(params) }),
      read: readJson,
    },
  ];
}

/** The `mcp` version of a Python, or undefined when it has none. */
export { pythonMcpVersion } from '../helpers/python.js';

/** One row of the matrix. */
export interface Row {
  peer: Peer;
  era: MatrixEra;
  shape: Shape;
  /** The protocol version the connection landed on. */
  protocol: string | undefined;
  /** The params our handler received (undefined: no request arrived). */
  seen: Params | undefined;
  /** The params the server was expected to send. */
  expected: Params;
  /** What the model was sent after the policy: maxTokens (clipped) and the tool choice. */
  model: { id: string; maxTokens: number; toolChoice: string | undefined } | undefined;
  /** What the server got back. */
  saw: ServerSaw | undefined;
  /** Why the row fails; empty when it passes. */
  problems: string[];
}

function toolTurn(call: LanguageModelV3CallOptions) {
  const wantsTool = (call.tools?.length ?? 0) > 0 && call.toolChoice?.type !== 'none';
  return wantsTool
    ? { calls: [{ name: 'get_weather', input: { city: 'Paris' } }] }
    : { text: 'Street trees cool cities and hold rain water.' };
}

interface Recorder {
  seen: Params[];
  events: SamplingEvent[];
  model: MockLanguageModelV3;
}

function recording(handler: SamplingHandler, recorder: Recorder): SamplingHandler {
  return async (request, ctx) => {
    recorder.seen.push(structuredClone(request.params));
    return handler(request, ctx);
  };
}

function sameJson(a: unknown, b: unknown): boolean {
  const canon = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(canon)
      : value !== null && typeof value === 'object'
        ? Object.fromEntries(
            Object.entries(value as Record<string, unknown>)
              .filter(([, v]) => v !== undefined)
              .sort(([x], [y]) => x.localeCompare(y))
              .map(([k, v]) => [k, canon(v)]),
          )
        : value;
  return JSON.stringify(canon(a)) === JSON.stringify(canon(b));
}

function judge(row: Omit<Row, 'problems'>): string[] {
  const problems: string[] = [];
  if (row.seen === undefined) return ['no sampling request reached our handler'];
  // `_meta` (a progress token the legacy shim adds) is protocol metadata, not a sampling parameter.
  const { _meta: _ignored, ...seen } = row.seen;
  if (!sameJson(seen, row.expected)) problems.push('the params our handler received differ from those sent');
  const saw = row.saw;
  if (saw === undefined) return [...problems, 'the tool returned nothing readable'];
  if (row.shape.refused === true) {
    if (saw.kind !== 'error') problems.push('the refused request got a result');
    // The legacy shim of the SDK v2 fails the whole call with our refusal's message, without its code.
    else if (saw.code !== -1 && !/\b-1\b|sampling is denied/.test(saw.message)) {
      problems.push(`refusal code ${String(saw.code)}, not -1`);
    }
    return problems;
  }
  if (saw.kind === 'error') return [...problems, `the server got an error: ${saw.message.slice(0, 200)}`];
  if (saw.result['role'] !== 'assistant') problems.push('the result has no assistant role');
  if (typeof saw.result['model'] !== 'string') problems.push('the result names no model');
  if (row.shape.stopReason !== undefined && saw.result['stopReason'] !== row.shape.stopReason) {
    problems.push(`stop reason ${String(saw.result['stopReason'])}, expected ${row.shape.stopReason}`);
  }
  if (row.model !== undefined && row.model.maxTokens > row.expected.maxTokens) {
    problems.push(`the model was sent maxTokens ${row.model.maxTokens} > ${row.expected.maxTokens}`);
  }
  if (row.shape.id === 'max-tokens-over' && row.model !== undefined && row.model.maxTokens >= row.expected.maxTokens) {
    problems.push('an over-large maxTokens was not clipped to the model');
  }
  return problems;
}

async function runConnection(peer: Peer, era: MatrixEra, shapes: Shape[], group: Shape['group']): Promise<Row[]> {
  if (shapes.length === 0) return [];
  const model = scriptedModel((call) => toolTurn(call));
  const test = testRuntime({
    config:
      group === 'tools'
        ? {
            providers: { stub: { type: 'openai-compatible', baseURL: 'http://127.0.0.1:9/v1' } },
            models: [{ provider: 'stub', id: TOOL_MODEL }],
          }
        : group === 'refused'
          ? { servers: { '*': { approval: 'deny' } } }
          : {},
  });
  const runtime = withProviderModel(test.runtime, 'stub', model);
  const recorder: Recorder = { seen: [], events: [], model };
  const session: { name?: string | undefined } = {};
  const handler = createSamplingHandler({
    runtime,
    server: () => ({ name: session.name, address: `${peer.command} ${peer.args.join(' ')}` }),
    era: () => era,
    onEvent: (event) => recorder.events.push(event),
  });
  const rows: Row[] = [];
  const connection = await connectStdio({
    command: peer.command,
    args: peer.args,
    era,
    handler: recording(handler, recorder),
    tools: group === 'tools',
  });
  try {
    session.name = connection.server?.name;
    for (const shape of shapes) {
      recorder.seen.length = 0;
      recorder.events.length = 0;
      const expected = peer.sends?.(shape.params) ?? shape.params;
      let saw: ServerSaw | undefined;
      try {
        const call = peer.call(shape.params, era);
        saw = peer.read((await connection.client.callTool(call, { timeout: 60_000 })) as CallToolResult);
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        saw = {
          kind: 'error',
          code: typeof code === 'number' || typeof code === 'string' ? code : null,
          message: (error as Error).message,
          rejected: true,
        };
      }
      const result = recorder.events.find((event) => event.type === 'result');
      const last = model.doGenerateCalls.at(-1);
      const row = {
        peer,
        era,
        shape,
        protocol: connection.protocolVersion,
        seen: recorder.seen[0],
        expected,
        model:
          result?.type === 'result'
            ? {
                id: result.provider === 'stub' ? `stub/${TOOL_MODEL} (scripted)` : `${result.provider}/${result.model}`,
                maxTokens: result.sent.maxTokens,
                toolChoice: result.provider === 'stub' ? last?.toolChoice?.type : undefined,
              }
            : undefined,
        saw,
      };
      rows.push({ ...row, problems: judge(row) });
    }
  } finally {
    await connection.close();
    await test.flush();
    rmSync(test.dir, { recursive: true, force: true });
  }
  return rows;
}

/** Runs every shape each peer can send, on every era it speaks. */
export async function runMatrix(peers: readonly Peer[]): Promise<Row[]> {
  const rows: Row[] = [];
  for (const peer of peers) {
    const shapes = SHAPES.filter((shape) => peer.shapes?.includes(shape.id) ?? true);
    for (const era of peer.eras) {
      const byGroup = new Map<Shape['group'], Row[]>();
      for (const group of ['embedded', 'tools', 'refused'] as const) {
        byGroup.set(
          group,
          await runConnection(
            peer,
            era,
            shapes.filter((s) => s.group === group),
            group,
          ),
        );
      }
      // In the order of SHAPES, whatever connection each ran on.
      const ran = [...byGroup.values()].flat();
      rows.push(...shapes.flatMap((shape) => ran.filter((row) => row.shape === shape)));
    }
  }
  return rows;
}

// ---- the report -------------------------------------------------------------------------------------------

const code = (value: unknown) => `\`${typeof value === 'string' ? value : JSON.stringify(value)}\``;

/** The parameters our handler received, in a few words each. */
export function describeSeen(row: Row): string {
  const seen = row.seen;
  if (seen === undefined) return 'no request received';
  const parts: string[] = [];
  const hints = seen.modelPreferences?.hints?.map((hint) => hint.name).filter(Boolean);
  if (hints !== undefined && hints.length > 0) parts.push(`hints ${hints.join(', ')}`);
  const prefs = seen.modelPreferences;
  const priorities = (['costPriority', 'speedPriority', 'intelligencePriority'] as const)
    .filter((key) => prefs?.[key] !== undefined)
    .map((key) => `${key.replace('Priority', '')} ${prefs![key]}`);
  if (priorities.length > 0) parts.push(`priorities ${priorities.join('/')}`);
  if (seen.systemPrompt !== undefined) parts.push(`systemPrompt ${code(seen.systemPrompt)}`);
  if (seen.temperature !== undefined) parts.push(`temperature ${seen.temperature}`);
  if (seen.stopSequences !== undefined) parts.push(`stopSequences ${code(seen.stopSequences)}`);
  if (seen.metadata !== undefined) parts.push(`metadata ${code(seen.metadata)}`);
  if (seen.includeContext !== undefined) parts.push(`includeContext ${seen.includeContext}`);
  const types = seen.messages.map((message) =>
    (Array.isArray(message.content) ? message.content : [message.content]).map((block) => block.type).join('+'),
  );
  parts.push(`messages ${seen.messages.length} (${types.join(', ')})`);
  const withTools = seen as Params & { tools?: unknown[]; toolChoice?: { mode?: string } };
  if (withTools.tools !== undefined) {
    parts.push(`${withTools.tools.length} tool(s), toolChoice ${withTools.toolChoice?.mode ?? '(none)'}`);
  }
  const sent = row.model === undefined ? '' : ` -> ${row.model.maxTokens} to ${row.model.id}`;
  parts.push(`maxTokens ${seen.maxTokens}${sent}`);
  if (row.model?.toolChoice !== undefined) parts.push(`model tool choice ${row.model.toolChoice}`);
  return parts.join('; ');
}

function describeSaw(row: Row): string {
  const saw = row.saw;
  if (saw === undefined) return '-';
  if (saw.kind === 'error') {
    const where = saw.rejected === true ? 'the call failed in our client' : 'the server got';
    return saw.code === null ? `${where}: ${code(saw.message.slice(0, 120))}` : `${where} error ${saw.code}`;
  }
  const content = saw.result['content'];
  const blocks = (Array.isArray(content) ? content : [content]) as { type?: string }[];
  return `${String(saw.result['stopReason'])}, ${blocks.map((b) => b?.type).join('+')}`;
}

/** docs/interop.md, from the rows (and a note on what did not run). */
export function renderMarkdown(rows: readonly Row[], notes: readonly string[]): string {
  const lines = [
    '# Sampling interop matrix',
    '',
    '<!-- Generated by `npm run interop` (scripts/interop.ts, from test/interop/matrix.ts): do not edit by hand. -->',
    '',
    'No official conformance scenario tests a client *answering* sampling, so this matrix does: our client',
    '(`connectStdio` with the real handler of `createSamplingRuntime` / `createSamplingHandler`, under a policy',
    'with a temporary config, state and audit log) against real servers of other implementations, on every',
    'protocol era each one speaks, one row per server x era x request shape. The model is the embedded',
    'offline one; requests that offer tools go to a scripted tool-capable model behind a configured provider',
    '(that connection declares `sampling.tools`). A row passes when our handler received exactly the params the server sent, the',
    "model was sent no more than the request's `maxTokens` (clipped to the model when larger), and the server",
    'got a well-formed answer (the expected stop reason; for the refused request, the user-rejected error -1).',
    '`test/interop-matrix.test.ts` asserts the same rows in CI (all but the Python ones, which need pip).',
    '',
    `${rows.filter((row) => row.problems.length === 0).length} of ${rows.length} rows pass.`,
    '',
    ...notes.map((note) => `> ${note}`),
    ...(notes.length > 0 ? [''] : []),
    '| Server | Era | How it asks | Request | Result | Outcome | Params seen by our handler (-> what the model was sent) |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const row of rows) {
    const result = row.problems.length === 0 ? 'pass' : `**fail**: ${row.problems.join('; ')}`;
    lines.push(
      `| ${row.peer.title} | ${row.era} (${row.protocol ?? '?'}) | ${row.peer.api[row.era]} | ${row.shape.title} | ${result} | ${describeSaw(row)} | ${describeSeen(row).replace(/\|/g, '\\|')} |`,
    );
  }
  lines.push(
    '',
    '## Notes',
    '',
    '- `--era auto` lands on 2026-07-28 with the TypeScript SDK v2 and Python servers. Their push calls',
    '  (`ctx.mcpReq.requestSampling`, `ctx.session.create_message`) fail on such a connection; `call` then says',
    '  in one line that the server pushes 2025-style requests and suggests `--era legacy` (see the README).',
    '- server-everything and the v1 SDK speak only 2025-11-25; server-everything always sends its own system',
    '  prompt and temperature around the prompt it is given, so only three shapes apply to it.',
    '- Over-large `maxTokens`: the request is clipped to the largest output of the model that answers.',
    '- A refused request: on 2025-11-25 our handler answers the pushed request with the user-rejected error',
    '  -1, which the server sees (the SDK v2 legacy shim then fails the whole call with our message). On',
    '  2026-07-28 an input_required round has no way to carry an error back to the server: the SDK client',
    '  ends the call with our -1 error, and the server never runs its retry.',
    '- The legacy shim adds a `progressToken` in `_meta` to the request it pushes; that is protocol metadata,',
    '  not a sampling parameter, and is left out of the comparison.',
    '',
  );
  return lines.join('\n');
}
