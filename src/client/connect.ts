/**
 * Connects the sampling client to an MCP server: one it spawns over stdio, or one at a Streamable HTTP URL.
 * A spawned child gets a minimal environment (the SDK's default list: PATH, HOME, …) plus the server's own
 * settings; never a provider key. An HTTP server gets the optional bearer token and nothing else.
 */
import { basename, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import {
  Client,
  deserializeMessage,
  SdkError,
  SdkErrorCode,
  StreamableHTTPClientTransport,
  type Transport,
} from '@modelcontextprotocol/client';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/client/stdio';

import type { EraMode } from '../shared/era-mode.js';
import { LineReadBuffer, useLineFraming, type MessageTooLargeError } from '../shared/stdio-framing.js';
import { fetchWithOwnSignal } from './fetch-own-signal.js';
import type { SamplingHandler } from './sampling-handler.js';
import { isSecretName } from '../config/secret-names.js';

export { ERA_MODES, type EraMode } from '../shared/era-mode.js';
export const MODERN_PROTOCOL_VERSION = '2026-07-28';

export const CLIENT_INFO = { name: 'mcp-sampling', version: '0.1.0' } as const;

/**
 * The largest message accepted from a stdio server. Long documents on the 2026 era send large rounds
 * (chunk requests, then answers and signed state).
 */
export const STDIO_CLIENT_MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

/** Server-side settings that may cross into the child's environment (none of them is a provider key). */
const SERVER_ENV_PASSTHROUGH = ['MCP_SAMPLING_STATE_KEY', 'MCP_SAMPLING_QUIET', 'NODE_OPTIONS'] as const;

export function serverEnvironment(base: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(getDefaultEnvironment())) {
    // Names that look like credentials never reach the server, whatever list they come from.
    if (!isSecretName(name)) env[name] = value;
  }
  for (const name of SERVER_ENV_PASSTHROUGH) {
    const value = base[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

/**
 * A client that declares sampling with tools (answered by `handler`: the model's tool calls go back to the
 * server as `tool_use` blocks) and, when `roots` are given, the directories a server may read (as file://
 * roots). Rounds of input_required are capped generously: a long document's map-reduce takes one round per
 * level.
 */
export function createSamplingClient(
  era: EraMode,
  handler: SamplingHandler,
  roots: readonly string[] = [],
  options: { tools?: boolean } = {},
): Client {
  // `sampling.tools` is declared only when a model that can call tools may answer (see `canUseTools`), so
  // that a server can choose another way (ask_document's retrieval) instead of a request we must refuse.
  const sampling = options.tools === false ? {} : { tools: {} };
  const client = new Client(CLIENT_INFO, {
    capabilities: { sampling, ...(roots.length > 0 && { roots: { listChanged: false } }) },
    versionNegotiation: {
      mode: era === 'auto' ? 'auto' : era === 'modern' ? { pin: MODERN_PROTOCOL_VERSION } : 'legacy',
    },
    inputRequired: { maxRounds: 1000 },
  });
  client.setRequestHandler('sampling/createMessage', handler);
  if (roots.length > 0) {
    const list = roots.map((dir) => ({ uri: pathToFileURL(resolve(dir)).href, name: basename(resolve(dir)) }));
    client.setRequestHandler('roots/list', async () => ({ roots: list }));
  }
  return client;
}

export interface McpConnection {
  client: Client;
  transport: Transport;
  /** The era the connection landed on. */
  era: 'legacy' | 'modern';
  protocolVersion: string | undefined;
  server: { name: string; version: string } | undefined;
  close(): Promise<void>;
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
}

/**
 * The SDK probes in place on any stdio transport that is not exactly its own `StdioClientTransport`
 * (documented in its protocol-versions guide); this subclass is that opt-in, and nothing more.
 */
class InPlaceProbeStdioTransport extends StdioClientTransport {}

/**
 * The SDK's stdio client transport for `options` (not started), reading the server's messages through
 * our linear framing (src/shared/stdio-framing.ts) instead of the SDK's quadratic buffer.
 */
export function createStdioTransport(
  options: Pick<ConnectStdioOptions, 'command' | 'args' | 'cwd' | 'probeInPlace' | 'maxMessageBytes' | 'onTooLarge'>,
): StdioClientTransport {
  const Transport = options.probeInPlace === true ? InPlaceProbeStdioTransport : StdioClientTransport;
  const maxMessageBytes = options.maxMessageBytes ?? STDIO_CLIENT_MAX_MESSAGE_BYTES;
  const transport = new Transport({
    command: options.command,
    args: options.args,
    env: serverEnvironment(),
    stderr: 'pipe',
    // Used only by the short-lived sibling the SDK may spawn to probe the era (its answer is small); the
    // session's own transport reads through our linear framing below.
    maxBufferSize: maxMessageBytes,
    ...(options.cwd !== undefined && { cwd: options.cwd }),
  });
  useLineFraming(
    transport,
    new LineReadBuffer({
      maxMessageBytes,
      from: 'the server',
      parse: deserializeMessage,
      ...(options.onTooLarge !== undefined && { onTooLarge: options.onTooLarge }),
    }),
  );
  return transport;
}

export async function connectStdio(options: ConnectStdioOptions): Promise<StdioConnection> {
  const client = createSamplingClient(options.era, options.handler, options.roots, { tools: options.tools !== false });
  const transport = createStdioTransport(options);
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
  return connectWith(client, transport, options.timeoutMs);
}

async function connectWith<T extends Transport>(
  client: Client,
  transport: T,
  timeoutMs: number | undefined,
): Promise<McpConnection & { transport: T }> {
  // One deadline for the whole connect: on stdio a probe that times out falls back to `initialize`, which
  // would otherwise get a timeout of its own.
  const deadline = timeoutMs === undefined ? undefined : AbortSignal.timeout(timeoutMs);
  try {
    await client.connect(transport, timeoutMs === undefined ? undefined : { timeout: timeoutMs, signal: deadline! });
  } catch (error) {
    await transport.close().catch(() => {});
    const timedOut =
      deadline?.aborted === true || (error instanceof SdkError && error.code === SdkErrorCode.RequestTimeout);
    if (timedOut && timeoutMs !== undefined) {
      throw new Error(`no answer within ${timeoutMs / 1000} s while connecting (era probe included)`, {
        cause: error,
      });
    }
    throw error;
  }
  const info = client.getServerVersion();
  return {
    client,
    transport,
    era: client.getProtocolEra() ?? 'legacy',
    protocolVersion: client.getNegotiatedProtocolVersion(),
    server: info === undefined ? undefined : { name: info.name, version: info.version },
    close: () => client.close(),
  };
}

export interface ConnectHttpOptions {
  /** The server's Streamable HTTP endpoint, e.g. `http://127.0.0.1:3000/mcp`. */
  url: string;
  era: EraMode;
  handler: SamplingHandler;
  roots?: readonly string[];
  /** Sent as `Authorization: Bearer …` on every request. */
  bearerToken?: string | undefined;
  fetch?: typeof fetch;
  /** Declare `sampling.tools` (default true). */
  tools?: boolean;
  /** How long connecting may take, the era probe included. Default: the SDK's request timeout (60 s). */
  timeoutMs?: number | undefined;
}

/** Parses a server URL given on the command line; says what is wrong with one that is not http(s). */
export function parseServerUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`not a URL: "${value}" (expected e.g. http://127.0.0.1:3000/mcp)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`unsupported scheme in "${value}": an MCP server URL starts with http:// or https://`);
  }
  return url;
}

export async function connectHttp(options: ConnectHttpOptions): Promise<McpConnection> {
  const client = createSamplingClient(options.era, options.handler, options.roots, { tools: options.tools !== false });
  const transport = new StreamableHTTPClientTransport(parseServerUrl(options.url), {
    ...(options.bearerToken !== undefined && {
      requestInit: { headers: { authorization: `Bearer ${options.bearerToken}` } },
    }),
    // Without it, every POST leaves an abort listener on the transport's one signal until a full GC.
    fetch: fetchWithOwnSignal(options.fetch ?? fetch),
  });
  const connection = await connectWith(client, transport, options.timeoutMs);
  return {
    ...connection,
    // A 2025-era session lives on the server until it is deleted (or times out there): end it when done.
    close: async () => {
      if (transport.sessionId !== undefined) await transport.terminateSession().catch(() => {});
      await client.close();
    },
  };
}
