/**
 * Connects the sampling client to an MCP server it spawns over stdio. The child gets a minimal environment
 * (the SDK's default list: PATH, HOME, …) plus the server's own settings; never a provider key. Its
 * messages are read through our linear line framing.
 */
import type { ChildProcess } from 'node:child_process';
import type { Writable } from 'node:stream';

import { deserializeMessage } from '@modelcontextprotocol/client';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/client/stdio';

import { LineReadBuffer, useLineFraming, type MessageTooLargeError } from '../../shared/stdio-framing.js';
import type { SamplingHandler } from '../sampling/handler.js';
import type { EraMode } from './era.js';
import { buildServerEnvironment, sameEnvironment, type SpawnedServer } from './server-env.js';
import {
  connectWith,
  buildSamplingClient,
  type ElicitationHandler,
  type ElicitationModes,
  type ListRoots,
  type McpConnection,
} from './session.js';

/**
 * The largest message accepted from a stdio server. Long documents on the 2026 era send large rounds
 * (chunk requests, then answers and signed state).
 */
export const STDIO_CLIENT_MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

export function serverEnvironment(base: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return buildServerEnvironment(getDefaultEnvironment(), base);
}

export interface StdioConnection extends McpConnection {
  transport: StdioClientTransport;
}

export interface ConnectStdioOptions {
  command: string;
  args: string[];
  era: EraMode;
  handler: SamplingHandler;
  /** Directories the server may read files from. */
  roots?: readonly string[];
  cwd?: string;
  /** Lines the server writes to stderr (its log). Default: discarded. */
  onServerLog?: (line: string) => void;
  /**
   * Ask the spawned process itself which protocol versions it speaks (`server/discover`), instead of
   * letting the SDK spawn a short-lived sibling process for that probe (its default for stdio, because
   * some servers exit on any request before `initialize`). Only for servers known to tolerate it, such as
   * our own `serve`: it saves a whole process start (about 0.25 s).
   */
  probeInPlace?: boolean;
  /**
   * A server process already started for this connection (the CLI's early start, src/cli/early-server.ts):
   * adopted instead of spawning one when it was spawned with exactly `command`, `args` and the environment
   * this connection gives its server (no `cwd`), with `probeInPlace`, and is still running. Otherwise it is
   * stopped and a process is spawned as usual.
   */
  spawned?: SpawnedServer | undefined;
  /** Declare `sampling.tools` (default true). */
  tools?: boolean;
  /** Default STDIO_CLIENT_MAX_MESSAGE_BYTES. */
  maxMessageBytes?: number;
  /**
   * Called when the server sends a message larger than `maxMessageBytes`: the connection is then closed
   * (the server is stopped) and calls in flight fail with "Connection closed"; this says why.
   */
  onTooLarge?: (error: MessageTooLargeError) => void;
  /** How long connecting may take, the era probe included. Default: the SDK's request timeout (60 s). */
  timeoutMs?: number | undefined;
  /** Answers the server's elicitations, forms and URLs (the `elicitation` capability is declared only with one). */
  elicitation?: ElicitationHandler | undefined;
  /** Which elicitation modes are declared with `elicitation` (default form and URL). */
  elicitationModes?: ElicitationModes | undefined;
  /** Roots that change while connected (declared with `listChanged`), after `roots`. */
  listRoots?: ListRoots | undefined;
  /** Gives up connecting when aborted (the server is stopped, as on a timeout). */
  signal?: AbortSignal | undefined;
}

/**
 * The SDK probes in place on any stdio transport that is not exactly its own `StdioClientTransport`
 * (documented in its protocol-versions guide); this subclass is that opt-in, and nothing more.
 */
class InPlaceProbeStdioTransport extends StdioClientTransport {}

/** The parts of the SDK's stdio client transport that its `start()` sets up (SDK internals). */
interface StdioTransportInternals {
  _process: ChildProcess | undefined;
  _readBuffer: { append(chunk: Buffer): void };
  _stderrStream: Writable | null;
  processReadBuffer(): void;
}

function hasStdioInternals(transport: object): boolean {
  return (
    ['_process', '_readBuffer', '_stderrStream'].every((field) => field in transport) &&
    typeof Reflect.get(transport, 'processReadBuffer') === 'function'
  );
}

/**
 * An in-place-probing transport whose first `start()` takes over a process already spawned with its very
 * parameters, wiring it exactly as the SDK's `start()` wires the process it spawns: messages from stdout
 * through the read buffer, `close` ends the transport, errors go to `onerror`, stderr to the `stderr`
 * stream. If the SDK's internals are not the ones this knows, the process is stopped and `start()` spawns
 * as usual.
 */
class AdoptingStdioTransport extends InPlaceProbeStdioTransport {
  #adopt: ChildProcess | undefined;

  constructor(parameters: ConstructorParameters<typeof StdioClientTransport>[0], child: ChildProcess) {
    super(parameters);
    this.#adopt = child;
  }

  override async start(): Promise<void> {
    const child = this.#adopt;
    this.#adopt = undefined;
    const internals = this as unknown as StdioTransportInternals;
    if (child === undefined || internals._process !== undefined || !hasStdioInternals(this)) {
      child?.kill('SIGTERM');
      return super.start();
    }
    internals._process = child;
    // The early start left it unreferenced (src/cli/early-server.ts): from now on it holds the process open,
    // as a process the SDK spawns does.
    child.ref();
    for (const stream of [child.stdin, child.stdout, child.stderr]) {
      (stream as { ref?: () => void } | null)?.ref?.();
    }
    child.on('error', (error) => this.onerror?.(error));
    child.on('close', () => {
      internals._process = undefined;
      this.onclose?.();
    });
    child.stdin?.on('error', (error) => this.onerror?.(error));
    child.stdout?.on('data', (chunk: Buffer) => {
      try {
        internals._readBuffer.append(chunk);
        internals.processReadBuffer();
      } catch (error) {
        this.onerror?.(error as Error);
        this.close().catch(() => {});
      }
    });
    child.stdout?.on('error', (error) => this.onerror?.(error));
    if (internals._stderrStream !== null && child.stderr !== null) child.stderr.pipe(internals._stderrStream);
  }
}

/** `spawned` when it is exactly the process `options` would spawn, and still running; else undefined. */
function adoptable(
  spawned: SpawnedServer | undefined,
  options: Pick<ConnectStdioOptions, 'command' | 'args' | 'cwd' | 'probeInPlace'>,
  env: Record<string, string>,
): ChildProcess | undefined {
  if (spawned === undefined) return undefined;
  const { child } = spawned;
  const same =
    options.probeInPlace === true &&
    options.cwd === undefined &&
    spawned.command === options.command &&
    spawned.args.length === options.args.length &&
    spawned.args.every((arg, i) => arg === options.args[i]) &&
    sameEnvironment(spawned.env, env);
  if (same && child.pid !== undefined && child.exitCode === null && child.signalCode === null) return child;
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  return undefined;
}

/**
 * The SDK's stdio client transport for `options` (not started), reading the server's messages through
 * our linear framing (src/shared/stdio-framing.ts) instead of the SDK's quadratic buffer.
 */
export function createStdioTransport(
  options: Pick<
    ConnectStdioOptions,
    'command' | 'args' | 'cwd' | 'probeInPlace' | 'maxMessageBytes' | 'onTooLarge' | 'spawned'
  > & {
    /** Each line of the server's stdout that is not JSON (skipped). */
    onNotJson?: (line: string) => void;
  },
): StdioClientTransport {
  const maxMessageBytes = options.maxMessageBytes ?? STDIO_CLIENT_MAX_MESSAGE_BYTES;
  const env = serverEnvironment();
  const parameters = {
    command: options.command,
    args: options.args,
    env,
    stderr: 'pipe' as const,
    // Used only by the short-lived sibling the SDK may spawn to probe the era (its answer is small); the
    // session's own transport reads through our linear framing below.
    maxBufferSize: maxMessageBytes,
    ...(options.cwd !== undefined && { cwd: options.cwd }),
  };
  const child = adoptable(options.spawned, options, env);
  const transport =
    child !== undefined
      ? new AdoptingStdioTransport(parameters, child)
      : new (options.probeInPlace === true ? InPlaceProbeStdioTransport : StdioClientTransport)(parameters);
  useLineFraming(
    transport,
    new LineReadBuffer({
      maxMessageBytes,
      from: 'the server',
      parse: deserializeMessage,
      ...(options.onTooLarge !== undefined && { onTooLarge: options.onTooLarge }),
      ...(options.onNotJson !== undefined && { onNotJson: options.onNotJson }),
    }),
  );
  return transport;
}

export async function connectStdio(options: ConnectStdioOptions): Promise<StdioConnection> {
  const client = buildSamplingClient(options.era, options.handler, options.roots, {
    tools: options.tools !== false,
    ...(options.elicitation !== undefined && { elicitation: options.elicitation }),
    ...(options.elicitationModes !== undefined && { elicitationModes: options.elicitationModes }),
    ...(options.listRoots !== undefined && { listRoots: options.listRoots }),
  });
  // The first thing the server wrote on stdout that is not an MCP message: said when connecting fails.
  let notMcp: string | undefined;
  const transport = createStdioTransport({
    ...options,
    onNotJson: (line) => {
      notMcp ??= `a line that is not JSON: ${quoted(line)}`;
    },
  });
  const previousOnError = transport.onerror;
  transport.onerror = (error) => {
    previousOnError?.(error);
    notMcp ??= `a message that is not JSON-RPC (${firstLine(error.message)})`;
  };
  let buffered = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      options.onServerLog?.(line);
    }
  });
  const child = trackChild(transport);
  try {
    return await connectWith(client, transport, options.timeoutMs, options.signal);
  } catch (error) {
    // The SDK's own close on a failed connect waits for the server to exit after its stdin ends, up to 2 s
    // before a SIGTERM, and is not awaited: a process that ends before then (`call` on the error, a bridge
    // stopped by its host) would leave a server that never answered running. Stop it now, and wait.
    await child.stop();
    if (notMcp !== undefined && error instanceof Error) {
      throw new Error(`${error.message}; it may not be an MCP server: its stdout had ${notMcp}`, { cause: error });
    }
    throw error;
  }
}

/** A line of output as quoted in an error: its first 80 characters. */
function quoted(line: string): string {
  return JSON.stringify(line.length > 80 ? `${line.slice(0, 80)}…` : line);
}

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > 120 ? `${line.slice(0, 120)}…` : line;
}

/** How long a server that failed to connect has after SIGTERM before SIGKILL. */
const STOP_GRACE_MS = 1000;

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * The process `transport` starts (the session's; the SDK spawns and reaps the era probe's sibling itself),
 * and `stop()`, which ends it: SIGTERM, then SIGKILL after STOP_GRACE_MS, resolving once it is gone. The
 * transport forgets its process as soon as it starts closing, so the pid is noted when it starts.
 */
function trackChild(transport: StdioClientTransport): { stop(): Promise<void> } {
  let pid: number | undefined;
  const start = transport.start.bind(transport);
  // An own property: the SDK tells its base transport (probed on a sibling) from subclasses by the prototype.
  transport.start = async () => {
    await start();
    pid = transport.pid ?? undefined;
  };
  const send = (target: number, signal: NodeJS.Signals) => {
    try {
      process.kill(target, signal);
    } catch {
      // Already gone.
    }
  };
  return {
    async stop() {
      if (pid === undefined || !isAlive(pid)) return;
      const target = pid;
      send(target, 'SIGTERM');
      // Our own child: Node reaps it as soon as it exits, so polling sees it go.
      for (let waited = 0; isAlive(target); waited += 20) {
        if (waited === STOP_GRACE_MS) send(target, 'SIGKILL');
        if (waited >= 2 * STOP_GRACE_MS) return;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
  };
}
