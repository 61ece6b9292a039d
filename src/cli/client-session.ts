/**
 * What every client command shares (`summarize`, `call`): the user's config and keys, the sampling runtime
 * (policy, providers, audit), the terminal prompter for approvals, a readable trace of each sampling
 * request, and the connection to the server (a spawned command over stdio, or a URL over HTTP).
 */
import { setMaxListeners } from 'node:events';

import { type EraMode } from '../client/connect/era.js';
import { connectHttp } from '../client/connect/http.js';
import { type McpConnection } from '../client/connect/session.js';
import { connectStdio } from '../client/connect/stdio.js';
import { createSamplingRuntime } from '../client/sampling/runtime.js';
import { type SamplingEvent } from '../client/sampling/events.js';
import { createSamplingHandler } from '../client/sampling/handler.js';
import { canUseTools } from '../client/sampling/models.js';
import { flushRuntime } from '../client/sampling/runtime.js';
import type { Prompter } from '../policy/approval.js';
import { loadConfig } from '../config/load.js';
import { loadClientEnv } from '../config/env.js';
import { formatProblems, parseIssueDump } from '../shared/issue-lines.js';
import { CliError, type Output } from './output.js';

/** Exit code after Ctrl-C, as shells report a SIGINT. */
export const EXIT_CANCELLED = 130;

export type ServerTarget =
  { kind: 'stdio'; command: string; args: string[]; probeInPlace?: boolean } | { kind: 'http'; url: string };

/** One sampling request as the JSON output reports it. */
export interface SamplingRecord {
  provider: string;
  model: string;
  reason: string;
  /** What the model was sent, after the policy's limits; absent when the request never reached a model. */
  temperature?: number | undefined;
  maxTokens?: number | undefined;
  /** What the server asked for. */
  requested: { temperature: number | undefined; maxTokens: number };
  hints: string[];
  stopReason?: string | undefined;
  inputTokens?: number | undefined;
  outputTokens?: number | undefined;
  latencyMs?: number;
  costUsd?: number;
  error?: string;
}

export interface ClientSessionOptions {
  target: ServerTarget;
  era: EraMode;
  config?: string | undefined;
  /** Directories declared as roots besides the config's. */
  roots?: readonly string[];
  /** How long connecting may take, the era probe included (`call --timeout`). Default: the SDK's 60 s. */
  timeoutMs?: number | undefined;
  out: Output;
}

export interface ClientSession {
  connection: McpConnection;
  records: SamplingRecord[];
  /** Aborted by Ctrl-C; pass it to the call. A second Ctrl-C exits at once. */
  cancel: AbortSignal;
  close(): Promise<void>;
}

function describeModel(provider: string, model: string): string {
  return provider === 'embedded' ? `${model} (embedded; extractive, not an LLM)` : `${provider}/${model}`;
}

function describeTarget(target: ServerTarget): string {
  return target.kind === 'http' ? target.url : [target.command, ...target.args].join(' ');
}

/** Connects to the server and answers its sampling requests under the user's policy until closed. */
export async function openClientSession(options: ClientSessionOptions): Promise<ClientSession> {
  const { out, target } = options;
  const env = loadClientEnv();
  const loaded = loadConfig({ explicit: options.config, env });
  const tokenEnv = loaded.config.http.bearerTokenEnv;
  const bearerToken = target.kind === 'http' ? env[tokenEnv] : undefined;
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
        requested: { temperature: params.temperature, maxTokens: params.maxTokens },
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
      if (event.tools.length > 0) line(event.id, 'tools', `offered to the model: ${event.tools.join(', ')}`);
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
      const record = records.get(event.id);
      Object.assign(record ?? {}, {
        // The model that actually answered (a provider may report a dated version of the alias asked for).
        model: event.model,
        temperature: event.sent.temperature,
        maxTokens: event.sent.maxTokens,
        stopReason: event.stopReason,
        inputTokens: event.inputTokens,
        outputTokens: event.outputTokens,
        latencyMs: Math.round(event.latencyMs),
        costUsd: event.costUsd,
      });
      const cost = event.costUsd > 0 ? `, $${event.costUsd.toFixed(4)}` : '';
      // Say what the policy changed: the request line above shows what the server asked for.
      const asked = record?.requested;
      const changed = [
        ...(asked !== undefined && asked.maxTokens !== event.sent.maxTokens
          ? [`max tokens ${event.sent.maxTokens}`]
          : []),
        ...(asked !== undefined && asked.temperature !== event.sent.temperature
          ? [`temperature ${event.sent.temperature ?? 'default'}`]
          : []),
      ];
      if (changed.length > 0) line(event.id, 'limits', `sent with ${changed.join(', ')} (your policy's limits)`);
      line(
        event.id,
        'provider',
        `${event.model} answered in ${Math.round(event.providerMs)} ms: ${event.outputTokens ?? '?'} tokens out ` +
          `(${event.inputTokens ?? '?'} in${cost}), stop reason ${event.stopReason ?? 'unknown'}` +
          (event.toolCalls.length > 0 ? `, calls ${event.toolCalls.join(', ')}` : ''),
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

  const handler = createSamplingHandler({
    runtime,
    server: () => ({ name: session.server, address: describeTarget(target) }),
    era: () => session.era ?? 'unknown',
    onEvent,
  });
  const roots = [...(options.roots ?? []), ...loaded.config.roots];
  const tools = canUseTools(runtime);
  if (!tools) out.detail('no model that can call tools is configured: sampling.tools is not declared');
  let connection: McpConnection;
  try {
    connection =
      target.kind === 'http'
        ? await connectHttp({
            url: target.url,
            era: options.era,
            handler,
            roots,
            bearerToken,
            tools,
            timeoutMs: options.timeoutMs,
          })
        : await connectStdio({
            command: target.command,
            args: target.args,
            era: options.era,
            probeInPlace: target.probeInPlace === true,
            tools,
            timeoutMs: options.timeoutMs,
            roots,
            handler,
            onServerLog: (text) => out.detail(`server: ${text}`),
            // The call then fails with the SDK's bare "Connection closed": say why first.
            onTooLarge: (error) => process.stderr.write(`mcp-sampling: error: ${error.message}\n`),
          });
  } catch (error) {
    const raw = (error as Error).message;
    const verb = target.kind === 'http' ? 'connect to' : 'start';
    const head = `cannot ${verb} the server ${describeTarget(target)}`;
    // The SDK's schema refused what was answered (its message ends in zod's issue list): most likely the
    // URL or command is not an MCP server. Say so, with one line per problem instead of the list.
    const dump = parseIssueDump(raw);
    if (dump !== undefined) {
      const what = dump.head === '' ? '' : ` (${dump.head})`;
      throw new CliError(formatProblems(`${head}: it does not answer as an MCP server does${what}`, dump.problems), {
        cause: error,
      });
    }
    const hint =
      target.kind === 'http' && /\b401\b|Unauthorized/i.test(raw)
        ? bearerToken === undefined
          ? ` (the server wants a bearer token: set ${tokenEnv})`
          : ` (the server refused the token in ${tokenEnv})`
        : '';
    throw new CliError(`${head}: ${raw}${hint}`, { cause: error });
  }
  session.era = connection.era;
  session.server = connection.server?.name;
  const { server } = connection;
  const pid = 'pid' in connection.transport ? (connection.transport.pid as number | null) : null;
  const how = target.kind === 'http' ? `connected at ${target.url}` : `started over stdio (pid ${pid ?? '?'})`;
  if (target.kind === 'stdio') out.detail(`command: ${describeTarget(target)}`);
  out.step(
    'server',
    `${server?.name ?? 'server'} ${server?.version ?? ''} ${how}, ` +
      `era ${connection.era} (protocol ${connection.protocolVersion ?? 'unknown'})`,
  );

  // Ctrl-C cancels the call: the server stops and cancels its requests, the client aborts its calls.
  const cancel = new AbortController();
  // Every embedded request of a 2026-era round listens to this signal; dozens at once are expected.
  setMaxListeners(0, cancel.signal);
  const onInterrupt = () => {
    if (cancel.signal.aborted) process.exit(EXIT_CANCELLED);
    cancel.abort(new Error('cancelled by the user (Ctrl-C)'));
  };
  process.on('SIGINT', onInterrupt);

  return {
    connection,
    get records() {
      return [...records.values()];
    },
    cancel: cancel.signal,
    close: async () => {
      process.off('SIGINT', onInterrupt);
      await connection.close();
      // The audit lines and budget usage are written behind the answers: make sure they are on disk.
      await flushRuntime(runtime);
      // An audit write that never returned (a mount that does not answer) stays pending inside Node and would
      // keep the process alive after the output: end it once nothing else is left (the timer is unref'd).
      if (runtime.audit.stalled) setTimeout(() => process.exit(), 1000).unref();
    },
  };
}
