/**
 * `mcp-sampling summarize <file>`: the main job. Spawns the Document Assistant over stdio, calls
 * `summarize_document`, answers the server's sampling request with the client's model, and shows the flow.
 */
import { setMaxListeners } from 'node:events';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { connectStdio, type EraMode, type StdioConnection } from '../client/connect.js';
import { createSamplingRuntime } from '../client/create-runtime.js';
import { createSamplingHandler, type SamplingEvent } from '../client/sampling-handler.js';
import type { Prompter } from '../policy/approval.js';
import { loadConfig } from '../policy/load-config.js';
import { loadClientEnv } from '../providers/load-env.js';
import { checkDocument } from './read-document.js';
import { CliError, type Output } from './output.js';
import { createProgressView } from './progress-view.js';

export interface SummarizeOptions {
  era: EraMode;
  config?: string | undefined;
  json: boolean;
  verbose: boolean;
  lossy?: boolean | undefined;
  contextTokens?: number | undefined;
}

/** Exit code after Ctrl-C, as shells report a SIGINT. */
export const EXIT_CANCELLED = 130;

/** One sampling request as the JSON output reports it. */
interface SamplingRecord {
  provider: string;
  model: string;
  reason: string;
  temperature: number | undefined;
  maxTokens: number;
  hints: string[];
  stopReason?: string | undefined;
  inputTokens?: number | undefined;
  outputTokens?: number | undefined;
  latencyMs?: number;
  costUsd?: number;
  error?: string;
}

const SERVER_ENTRY = fileURLToPath(new URL('./main.js', import.meta.url));
const TOOL = 'summarize_document';

function describeModel(provider: string, model: string): string {
  return provider === 'embedded' ? `${model} (embedded; extractive, not an LLM)` : `${provider}/${model}`;
}

export async function summarize(file: string, options: SummarizeOptions, out: Output): Promise<void> {
  const started = performance.now();
  const path = resolve(file);
  const bytes = await checkDocument(path, file);
  const env = loadClientEnv();
  const loaded = loadConfig({ explicit: options.config, env });
  // A person can be asked only when there is a terminal on both ends.
  const interactive = process.stdin.isTTY === true && process.stderr.isTTY === true;
  // Loaded on first use: most runs never ask anything (approval "auto").
  let terminal: Promise<Prompter> | undefined;
  const load = () => (terminal ??= import('./terminal-prompter.js').then((m) => m.createTerminalPrompter()));
  const prompter: Prompter | undefined = interactive
    ? {
        reviewRequest: async (view, signal) => (await load()).reviewRequest(view, signal),
        reviewCompletion: async (view, signal) => (await load()).reviewCompletion(view, signal),
      }
    : undefined;
  const runtime = createSamplingRuntime({
    env,
    config: loaded.config,
    statePath: loaded.statePath,
    auditPath: loaded.auditPath,
    prompter,
  });
  const records = new Map<number, SamplingRecord>();
  // The era and the server's name are known once connected; the handler reads them when a request arrives.
  const session: { era?: 'legacy' | 'modern'; server?: string | undefined } = {};
  const serverCommand = `${process.execPath} ${SERVER_ENTRY} serve`;

  out.step('read', `${file} (${bytes.toLocaleString('en-US')} bytes)`);
  // Per-request lines for the first request; for a long document the rest show as progress (all with --verbose).
  const loud = (id: number) => id === 1 || out.verbose;
  const line = (id: number, label: string, text: string) => (loud(id) ? out.step(label, text) : out.detail(text));

  const onEvent = (event: SamplingEvent): void => {
    if (event.type === 'request') {
      const { params } = event;
      const record: SamplingRecord = {
        provider: event.provider,
        model: event.model,
        reason: event.reason,
        temperature: params.temperature,
        maxTokens: params.maxTokens,
        hints: (params.modelPreferences?.hints ?? []).flatMap((hint) => (hint.name === undefined ? [] : [hint.name])),
      };
      records.set(event.id, record);
      const hints = record.hints.length > 0 ? `, hints ${record.hints.join(', ')}` : '';
      line(
        event.id,
        'sampling',
        `sampling/createMessage received (${session.era ?? 'unknown'} era): temperature ${params.temperature ?? 'default'}, ` +
          `max tokens ${params.maxTokens}${hints}`,
      );
      line(event.id, 'model', describeModel(event.provider, event.model));
      out.detail(`why: ${event.reason}`);
      if (event.fallbacks.length > 0) out.detail(`fallbacks: ${event.fallbacks.join(', ')}`);
      if (params.systemPrompt !== undefined && loud(event.id)) out.detail(`system prompt: ${params.systemPrompt}`);
      line(
        event.id,
        'provider',
        `calling ${event.provider === 'embedded' ? 'the embedded model (offline)' : event.provider}…`,
      );
    } else if (event.type === 'result') {
      Object.assign(records.get(event.id) ?? {}, {
        // The model that actually answered (a provider may report a dated version of the alias asked for).
        model: event.model,
        stopReason: event.stopReason,
        inputTokens: event.inputTokens,
        outputTokens: event.outputTokens,
        latencyMs: Math.round(event.latencyMs),
        costUsd: event.costUsd,
      });
      const cost = event.costUsd > 0 ? `, $${event.costUsd.toFixed(4)}` : '';
      line(
        event.id,
        'provider',
        `${event.model} answered in ${Math.round(event.providerMs)} ms: ${event.outputTokens ?? '?'} tokens out ` +
          `(${event.inputTokens ?? '?'} in${cost}), stop reason ${event.stopReason ?? 'unknown'}`,
      );
    } else if (event.type === 'retry') {
      out.step(
        'provider',
        `${event.provider}/${event.model} failed (${event.error})${event.next ? '; trying the next model' : ''}`,
      );
    } else if (event.type === 'approval') {
      out.step('approval', `${event.stage}: ${event.decision}`);
    } else {
      const record = records.get(event.id);
      if (record !== undefined) record.error = event.message;
      out.step('provider', `failed: ${event.message}`);
    }
  };

  let connection: StdioConnection;
  try {
    connection = await connectStdio({
      command: process.execPath,
      args: [SERVER_ENTRY, 'serve'],
      era: options.era,
      roots: [dirname(path), ...loaded.config.roots],
      handler: createSamplingHandler({
        runtime,
        server: () => ({ name: session.server, address: serverCommand }),
        era: () => session.era ?? 'unknown',
        onEvent,
      }),
      onServerLog: (line) => out.detail(`server: ${line}`),
    });
  } catch (error) {
    throw new CliError(`cannot start the server: ${(error as Error).message}`, { cause: error });
  }
  session.era = connection.era;
  session.server = connection.server?.name;
  const era = connection.era;
  const server = connection.server;
  out.step(
    'server',
    `${server?.name ?? 'server'} ${server?.version ?? ''} started over stdio (pid ${connection.transport.pid ?? '?'}), ` +
      `era ${connection.era} (protocol ${connection.protocolVersion ?? 'unknown'})`,
  );

  let summary: string | undefined;
  let failure: string | undefined;
  let stats: Record<string, unknown> | undefined;
  // Ctrl-C cancels the tool call: the server stops and cancels its requests, the client aborts its calls.
  const cancel = new AbortController();
  // Every embedded request of a 2026-era round listens to this signal; dozens at once are expected.
  setMaxListeners(0, cancel.signal);
  const onInterrupt = () => {
    if (cancel.signal.aborted) process.exit(EXIT_CANCELLED);
    cancel.abort(new Error('cancelled by the user (Ctrl-C)'));
  };
  process.on('SIGINT', onInterrupt);
  const progress = createProgressView(out);
  try {
    out.step('tool', `tools/call ${TOOL} (path ${path})`);
    const result = await connection.client.callTool(
      {
        name: TOOL,
        arguments: {
          path,
          ...(options.lossy === true && { lossy: true }),
          ...(options.contextTokens !== undefined && { context_tokens: options.contextTokens }),
        },
      },
      {
        signal: cancel.signal,
        onprogress: progress.update,
        // A person may be approving, and a long document takes many requests: progress keeps it alive.
        timeout: 600_000,
        resetTimeoutOnProgress: true,
      },
    );
    progress.done();
    stats = result._meta?.['mcp-sampling/summary'] as Record<string, unknown> | undefined;
    const body = (result.content ?? [])
      .flatMap((block) => (block.type === 'text' ? [block.text] : []))
      .join('\n')
      .trim();
    if (result.isError === true) failure = `${TOOL} failed: ${body || 'no message'}`;
    else {
      summary = body;
      out.summary(summary);
    }
  } catch (error) {
    progress.done();
    failure = cancel.signal.aborted
      ? `${TOOL} cancelled by the user (Ctrl-C)`
      : `${TOOL} failed: ${(error as Error).message}`;
  } finally {
    process.off('SIGINT', onInterrupt);
    await connection.close();
  }
  out.step('closed', 'connection closed; the server process has exited');

  const elapsedMs = Math.round(performance.now() - started);
  if (failure !== undefined) {
    out.result({ ok: false, error: failure, era, sampling: [...records.values()], elapsedMs });
    throw new CliError(failure, { reported: true, ...(cancel.signal.aborted && { exitCode: EXIT_CANCELLED }) });
  }
  out.result({
    ok: true,
    file,
    bytes,
    era,
    protocolVersion: connection.protocolVersion,
    server,
    tool: TOOL,
    ...(stats !== undefined && { chunks: stats['chunks'], requests: stats['requests'], levels: stats['levels'] }),
    sampling: [...records.values()],
    summary,
    elapsedMs,
  });
}
