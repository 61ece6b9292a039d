/**
 * What every client command shares (`summarize`, `call`): the user's config and keys, the sampling runtime
 * (policy, providers, audit), the terminal prompter for approvals, a readable trace of each sampling
 * request (rendered by sampling-trace.ts), and the connection to the server (a spawned command over stdio,
 * or a URL over HTTP).
 */
import { setMaxListeners } from 'node:events';

import { type EraMode } from '../client/connect/era.js';
import type { SpawnedServer } from '../client/connect/server-env.js';
import {
  type ElicitationHandler,
  type ElicitationModes,
  type ListRoots,
  type McpConnection,
} from '../client/connect/session.js';
// The runtime and the handler are the public ones (mcp-sampling/client), as a host would build them.
import { createSamplingHandler, createSamplingRuntime, type Prompter } from '../client/index.js';
import { runtimeInternals } from '../client/api/runtime.js';
import { loadConfig } from '../config/load.js';
import { loadClientEnv } from '../config/env.js';
import { formatProblems, parseIssueDump } from '../shared/issue-lines.js';
import { approvalPrompter, dashboardLinkOf } from './approval-route.js';
import { elicitationHandler } from './elicitation-route.js';
import { CliError, type Output } from './output.js';
import { createSamplingTrace, type SamplingRecord } from './sampling-trace.js';

/** Exit code after Ctrl-C, as shells report a SIGINT. */
export const EXIT_CANCELLED = 130;

export type ServerTarget =
  | {
      kind: 'stdio';
      command: string;
      args: string[];
      probeInPlace?: boolean;
      /** The server already started for this target (early-server.ts), adopted when it matches. */
      spawned?: SpawnedServer | undefined;
    }
  | { kind: 'http'; url: string };

export interface ClientSessionOptions {
  target: ServerTarget;
  era: EraMode;
  config?: string | undefined;
  /** Directories declared as roots besides the config's. */
  roots?: readonly string[];
  /** How long connecting may take, the era probe included (`call --timeout`). Default: the SDK's 60 s. */
  timeoutMs?: number | undefined;
  out: Output;
  /** Who is asked when the policy says `ask`. Default: approval-route.ts (the terminal, when there is one). */
  prompter?: Prompter | undefined;
  /** Answers the server's elicitations. Default: elicitation-route.ts. */
  elicitation?: ElicitationHandler | undefined;
  /**
   * Runs before each elicitation is asked and returns what runs once it is answered (`call` takes its
   * progress bar off the terminal meanwhile).
   */
  aroundElicitation?: (() => () => void) | undefined;
  /** Which elicitation modes are declared (default form and URL; neither: elicitation is not declared). */
  elicitationModes?: ElicitationModes | undefined;
  /** Roots that change while connected (the bridge's host roots), declared with `listChanged`. */
  listRoots?: ListRoots | undefined;
  /** Install the Ctrl-C handler that aborts `cancel` (default true; the bridge handles its own signals). */
  interrupt?: boolean | undefined;
  /** Gives up connecting when aborted (a spawned server is stopped). */
  signal?: AbortSignal | undefined;
}

export interface ClientSession {
  connection: McpConnection;
  records: SamplingRecord[];
  /** Aborted by Ctrl-C; pass it to the call. A second Ctrl-C exits at once. */
  cancel: AbortSignal;
  close(): Promise<void>;
}

function describeTarget(target: ServerTarget): string {
  return target.kind === 'http' ? target.url : [target.command, ...target.args].join(' ');
}

/** Why connecting failed, in one line (or one line per problem when the answer was not MCP at all). */
function connectError(
  error: unknown,
  target: ServerTarget,
  bearerToken: string | undefined,
  tokenEnv: string,
): CliError {
  const raw = (error as Error).message;
  const verb = target.kind === 'http' ? 'connect to' : 'start';
  const head = `cannot ${verb} the server ${describeTarget(target)}`;
  // The SDK's schema refused what was answered (its message ends in zod's issue list): most likely the
  // URL or command is not an MCP server. Say so, with one line per problem instead of the list.
  const dump = parseIssueDump(raw);
  if (dump !== undefined) {
    const what = dump.head === '' ? '' : ` (${dump.head})`;
    return new CliError(formatProblems(`${head}: it does not answer as an MCP server does${what}`, dump.problems), {
      cause: error,
    });
  }
  const hint =
    target.kind === 'http' && /\b401\b|Unauthorized/i.test(raw)
      ? bearerToken === undefined
        ? ` (the server wants a bearer token: set ${tokenEnv})`
        : ` (the server refused the token in ${tokenEnv})`
      : '';
  return new CliError(`${head}: ${raw}${hint}`, { cause: error });
}

/** How the dashboard names this process: the subcommand and its first argument (`call summarize_document`). */
function processLabel(argv: readonly string[]): string {
  const firstOption = argv.findIndex((word) => word.startsWith('-'));
  const words = (firstOption === -1 ? argv : argv.slice(0, firstOption)).slice(0, 2);
  return `mcp-sampling ${words.join(' ')}`.trim().slice(0, 200);
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
  const asks = Object.values(loaded.config.servers).some((policy) => policy.approval === 'ask');
  const prompter =
    options.prompter ??
    approvalPrompter({
      interactive,
      label: processLabel(process.argv.slice(2)),
      approvalMs: loaded.config.timeouts.approvalMs,
      configFile: loaded.file,
      register: asks,
    });
  const dashboard = options.prompter === undefined ? dashboardLinkOf(prompter) : undefined;
  const elicit = options.elicitation ?? elicitationHandler({ interactive });
  const { aroundElicitation } = options;
  const elicitation: ElicitationHandler =
    aroundElicitation === undefined
      ? elicit
      : async (request, signal) => {
          const after = aroundElicitation();
          try {
            return await elicit(request, signal);
          } finally {
            after();
          }
        };
  // The HTTP transport and OAuth are loaded only to connect to a URL; the stdio transport only to spawn.
  const [httpTransport, oauthRoute] =
    target.kind === 'http'
      ? await Promise.all([import('../client/connect/http.js'), import('./oauth-route.js')])
      : [undefined, undefined];
  // OAuth (stored tokens, a sign-in on 401) for an HTTP server, unless the static bearer token is set.
  const oauth =
    target.kind === 'http' && bearerToken === undefined
      ? await oauthRoute!.sessionOAuth(target.url, loaded.config, env, interactive, (text) => out.detail(text))
      : undefined;
  const runtime = createSamplingRuntime({
    env,
    config: loaded.config,
    statePath: loaded.statePath,
    auditPath: loaded.auditPath,
    ...(prompter !== undefined && { prompter }),
  });
  // The dashboard shows each process's session budget use (the tracker's counters, per server it asked for).
  dashboard?.reportUsage(
    (server) => runtimeInternals(runtime, 'openClientSession').runtime.budget.usage(server).session,
  );
  // The era and the server's name are known once connected; the handler reads them when a request arrives.
  const session: { era?: 'legacy' | 'modern'; connection?: McpConnection } = {};
  const trace = createSamplingTrace(out, () => session.era ?? 'unknown');

  const handler = createSamplingHandler(runtime, {
    client: () => session.connection?.client,
    address: describeTarget(target),
    onEvent: trace.onEvent,
  });
  const roots = [...(options.roots ?? []), ...loaded.config.roots];
  const tools = runtime.canCallTools;
  if (!tools) out.detail('no model that can call tools is configured: sampling.tools is not declared');
  let connection: McpConnection;
  try {
    connection =
      target.kind === 'http'
        ? await httpTransport!.connectHttp({
            url: target.url,
            era: options.era,
            handler,
            roots,
            bearerToken,
            oauth,
            tools,
            timeoutMs: options.timeoutMs,
            signal: options.signal,
            elicitation,
            elicitationModes: options.elicitationModes,
            listRoots: options.listRoots,
            // The call then fails with the SDK's bare "Connection closed": say why first.
            onConnectionLost: (reason) => process.stderr.write(`mcp-sampling: error: ${reason}\n`),
          })
        : await (
            await import('../client/connect/stdio.js')
          ).connectStdio({
            command: target.command,
            args: target.args,
            era: options.era,
            probeInPlace: target.probeInPlace === true,
            spawned: target.spawned,
            tools,
            timeoutMs: options.timeoutMs,
            signal: options.signal,
            roots,
            handler,
            elicitation,
            elicitationModes: options.elicitationModes,
            listRoots: options.listRoots,
            onServerLog: (text) => out.detail(`server: ${text}`),
            // The call then fails with the SDK's bare "Connection closed": say why first.
            onTooLarge: (error) => process.stderr.write(`mcp-sampling: error: ${error.message}\n`),
          });
  } catch (error) {
    throw (
      (oauth !== undefined && oauthRoute!.oauthConnectError(error, describeTarget(target), oauth, tokenEnv)) ||
      connectError(error, target, bearerToken, tokenEnv)
    );
  }
  session.era = connection.era;
  session.connection = connection;
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
  if (options.interrupt !== false) process.on('SIGINT', onInterrupt);

  return {
    connection,
    get records() {
      return trace.records;
    },
    cancel: cancel.signal,
    close: async () => {
      process.off('SIGINT', onInterrupt);
      await connection.close();
      dashboard?.close();
      // The audit lines and budget usage are written behind the answers: make sure they are on disk.
      await runtime.flush();
      // An audit write that never returned (a mount that does not answer) stays pending inside Node and would
      // keep the process alive after the output: end it once nothing else is left (the timer is unref'd).
      if (runtimeInternals(runtime, 'openClientSession').runtime.audit.stalled)
        setTimeout(() => process.exit(), 1000).unref();
    },
  };
}
