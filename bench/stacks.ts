/**
 * The two stacks B1 and B5 compare, each a server and a client:
 *
 * - **ours**: the Document Assistant (`dist/cli/main.js serve`) and our client with the full policy path:
 *   the runtime from the built-in catalog plus one configured model, model resolution from the server's
 *   hints and priorities, limits, budgets, the audit log on (written to a temp dir), the AI SDK call,
 *   the mapping back, usage in `_meta`.
 * - **bare**: `bench/bare/bare-server.mjs` and a bare SDK client whose handler returns a fixed answer.
 *
 * Both answer with an *instant* model, so what is measured is the protocol and our layers, not a model.
 * Ours reaches it through its provider registry (the one seam swapped here); bare returns it directly.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { LanguageModelV3 } from '@ai-sdk/provider';
import {
  Client,
  StreamableHTTPClientTransport,
  type CallToolResult,
  type CreateMessageResult,
} from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';

import { MODERN_PROTOCOL_VERSION } from '../src/client/connect/era.js';
import { connectHttp } from '../src/client/connect/http.js';
import { type McpConnection } from '../src/client/connect/session.js';
import { connectStdio } from '../src/client/connect/stdio.js';
import { createSamplingRuntime } from '../src/client/sampling/runtime.js';
import { createSamplingHandler } from '../src/client/sampling/handler.js';
import { ConfigSchema } from '../src/config/schema.js';
import { withProviderModel } from '../test/helpers/runtime.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const OUR_CLI = join(ROOT, 'dist', 'cli', 'main.js');
export const BARE_SERVER = join(ROOT, 'bench', 'bare', 'bare-server.mjs');

export type Era = 'legacy' | 'modern';
/**
 * - `ours`: our client and our server; `bare`: the bare SDK client and the bare server (the reference);
 * - `server`: the bare SDK client against our server (what our server alone costs);
 * - `floor`: two JSON-line round trips over a pipe, no SDK (bench/bare/floor.mjs): the physical floor.
 */
export type Stack = 'ours' | 'bare' | 'server' | 'floor';

export const FLOOR_SERVER = join(ROOT, 'bench', 'bare', 'floor.mjs');

/** What the instant model says, every time. */
export const INSTANT_TEXT = 'Street trees cool cities, hold rain water and shelter wildlife.';

/** A short document: one sampling request per call on both stacks. */
export const DOCUMENT =
  'Walk down any older street on a hot afternoon and you can feel the difference a row of mature trees ' +
  'makes. Shade lowers surface temperatures by many degrees. Roots and soil hold rain that would flood ' +
  'the drains. Leaves catch dust. A sapling that dies in its second summer provides none of this.';

/** A language model that answers at once, for the AI SDK. Keeps no record of its calls (no growth). */
export function createInstantModel(): LanguageModelV3 {
  return {
    specificationVersion: 'v3',
    provider: 'instant',
    modelId: 'instant-model',
    supportedUrls: {},
    doGenerate: async () => ({
      content: [{ type: 'text', text: INSTANT_TEXT }],
      finishReason: { unified: 'stop', raw: 'stop' },
      usage: {
        inputTokens: { total: 80, noCache: 80, cacheRead: 0, cacheWrite: 0 },
        outputTokens: { total: 12, text: 12, reasoning: 0 },
      },
      warnings: [],
    }),
    doStream: async () => {
      throw new Error('the instant model does not stream');
    },
  };
}

/**
 * Our sampling handler, exactly as the CLI builds it, with one configured model (`instant/instant-model`,
 * the default) served by the instant model instead of an HTTP endpoint. Audit log on.
 */
export function createOurHandler(hostDir?: string) {
  const dir = hostDir ?? mkdtempSync(join(tmpdir(), 'mcp-sampling-bench-'));
  // Clients of one host (B5) share its audit and state files, as the runtimes of one host process share
  // ~/.mcp-sampling/ (each runtime keeps its own session totals); otherwise each handler has its own.
  const auditPath = join(dir, 'audit.jsonl');
  const config = ConfigSchema.parse({
    providers: { instant: { type: 'openai-compatible', baseURL: 'http://127.0.0.1:9/v1' } },
    models: [{ provider: 'instant', id: 'instant-model', price: { input: 0.1, output: 0.2 } }],
    defaultModel: 'instant/instant-model',
    audit: { enabled: true, path: auditPath },
  });
  const runtime = createSamplingRuntime({
    env: {},
    config,
    statePath: join(dir, 'state.json'),
    auditPath,
  });
  const instantRuntime = withProviderModel(runtime, 'instant', createInstantModel());
  const handler = createSamplingHandler({
    runtime: instantRuntime,
    server: () => ({ name: 'document-assistant', address: 'bench' }),
    era: () => 'bench',
  });
  return { handler, auditPath };
}

/** The bare client: sampling declared, a handler that returns the instant answer. */
export function createBareClient(era: Era): Client {
  const client = new Client(
    { name: 'bare-client', version: '1.0.0' },
    {
      capabilities: { sampling: {} },
      versionNegotiation: { mode: era === 'modern' ? { pin: MODERN_PROTOCOL_VERSION } : 'legacy' },
    },
  );
  client.setRequestHandler('sampling/createMessage', async (): Promise<CreateMessageResult> => ({
    role: 'assistant',
    model: 'instant-model',
    content: { type: 'text', text: INSTANT_TEXT },
    stopReason: 'endTurn',
  }));
  return client;
}

export interface StackConnection {
  call(): Promise<CallToolResult>;
  close(): Promise<void>;
  /** The server's process, when it is a child of this one (stdio). */
  serverPid?: number | undefined;
}

/** CPU time (user + system) a process has used so far, in ms, from /proc (Linux; undefined elsewhere). */
export function processCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // Fields after the command name (which may hold spaces): state is the 3rd, utime the 14th, stime the 15th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

/** Linux's USER_HZ: 100 on every mainstream architecture. */
const CLOCK_TICKS = 100;

function callOf(client: Client): () => Promise<CallToolResult> {
  return async () => {
    const result = (await client.callTool({
      name: 'summarize_document',
      arguments: { document_text: DOCUMENT },
    })) as CallToolResult;
    const first = result.content?.[0];
    if (result.isError === true || first?.type !== 'text' || !first.text.endsWith(INSTANT_TEXT)) {
      throw new Error(`unexpected result: ${JSON.stringify(result).slice(0, 300)}`);
    }
    return result;
  };
}

const QUIET_ENV = { MCP_SAMPLING_QUIET: '1' };

/** The floor: a child that answers JSON lines (bench/bare/floor.mjs); one call is two round trips. */
function connectFloor(): StackConnection {
  const child = spawn(process.execPath, [FLOOR_SERVER], { stdio: ['pipe', 'pipe', 'ignore'] });
  const waiting = new Map<number, (message: { sample?: unknown; result?: CallToolResult }) => void>();
  let buffered = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffered += chunk;
    let newline = buffered.indexOf('\n');
    while (newline !== -1) {
      const message = JSON.parse(buffered.slice(0, newline)) as {
        id: number;
        sample?: unknown;
        result?: CallToolResult;
      };
      buffered = buffered.slice(newline + 1);
      const resolve = waiting.get(message.id);
      waiting.delete(message.id);
      resolve?.(message);
      newline = buffered.indexOf('\n');
    }
  });
  let next = 0;
  const roundTrip = (line: object, id: number) =>
    new Promise<{ sample?: unknown; result?: CallToolResult }>((resolve) => {
      waiting.set(id, resolve);
      child.stdin.write(`${JSON.stringify(line)}\n`);
    });
  return {
    call: async () => {
      const id = next++;
      await roundTrip({ id, call: { name: 'summarize_document', text: DOCUMENT } }, id);
      const { result } = await roundTrip({ id, answer: { text: INSTANT_TEXT } }, id);
      if (result === undefined) throw new Error('the floor server sent no result');
      return result;
    },
    close: async () => {
      child.stdin.end();
      await new Promise((resolve) => child.once('exit', resolve));
    },
    serverPid: child.pid,
  };
}

/** One stack over stdio: the server spawned, the client connected on `era`. */
export async function connectStdioStack(stack: Stack, era: Era): Promise<StackConnection> {
  if (stack === 'floor') return connectFloor();
  if (stack === 'ours') {
    const connection: McpConnection = await connectStdio({
      command: process.execPath,
      args: [OUR_CLI, 'serve'],
      era,
      handler: createOurHandler().handler,
    });
    const pid = (connection.transport as StdioClientTransport).pid ?? undefined;
    return { call: callOf(connection.client), close: () => connection.close(), serverPid: pid };
  }
  const client = createBareClient(era);
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: stack === 'server' ? [OUR_CLI, 'serve'] : [BARE_SERVER],
    env: { PATH: process.env['PATH'] ?? '', ...QUIET_ENV },
    stderr: 'ignore',
  });
  await client.connect(transport);
  return { call: callOf(client), close: () => client.close(), serverPid: transport.pid ?? undefined };
}

/** One client of a stack over Streamable HTTP. */
export async function connectHttpStack(
  stack: Stack,
  era: Era,
  url: string,
  hostDir?: string,
): Promise<StackConnection> {
  if (stack === 'ours') {
    const connection = await connectHttp({ url, era, handler: createOurHandler(hostDir).handler });
    return { call: callOf(connection.client), close: () => connection.close() };
  }
  const client = createBareClient(era);
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  return { call: callOf(client), close: () => client.close() };
}

/** Calls measured for one stack: count, wall time, latencies, and the CPU of both processes. */
export interface Tally {
  calls: number;
  ms: number;
  latencies: number[];
  /** CPU time of the client (this process) and of the server process during the batches. */
  clientCpuMs: number;
  serverCpuMs: number;
}

export const emptyTally = (): Tally => ({ calls: 0, ms: 0, latencies: [], clientCpuMs: 0, serverCpuMs: 0 });

export const perSecond = (tally: Tally): number => (tally.calls * 1000) / tally.ms;

/**
 * Runs one batch and adds it to `tally`, with the CPU this process (the clients) and the server process
 * (`serverPid`, when known) spent on it.
 */
export async function measureBatch(
  tally: Tally,
  serverPid: number | undefined,
  batch: () => Promise<{ calls: number; ms: number; latencies: number[] }>,
): Promise<void> {
  const server0 = serverPid === undefined ? undefined : processCpuMs(serverPid);
  const client0 = process.cpuUsage();
  const result = await batch();
  const client = process.cpuUsage(client0);
  const server1 = serverPid === undefined ? undefined : processCpuMs(serverPid);
  tally.calls += result.calls;
  tally.ms += result.ms;
  for (const latency of result.latencies) tally.latencies.push(latency);
  tally.clientCpuMs += (client.user + client.system) / 1000;
  if (server0 !== undefined && server1 !== undefined) tally.serverCpuMs += server1 - server0;
}
