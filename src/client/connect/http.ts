/**
 * Connects the sampling client to an MCP server at a Streamable HTTP URL. The server gets the optional
 * bearer token and nothing else; a 2025-era session is ended on the server when the connection closes.
 */
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/client';

import type { SamplingHandler } from '../sampling/handler.js';
import type { EraMode } from './era.js';
import { fetchWithOwnSignal } from './fetch-own-signal.js';
import {
  connectWith,
  buildSamplingClient,
  type ElicitationHandler,
  type ListRoots,
  type McpConnection,
} from './session.js';

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
  /** Answers the server's form elicitations (the `elicitation` capability is declared only with one). */
  elicitation?: ElicitationHandler | undefined;
  /** Roots that change while connected (declared with `listChanged`), after `roots`. */
  listRoots?: ListRoots | undefined;
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
  const client = buildSamplingClient(options.era, options.handler, options.roots, {
    tools: options.tools !== false,
    ...(options.elicitation !== undefined && { elicitation: options.elicitation }),
    ...(options.listRoots !== undefined && { listRoots: options.listRoots }),
  });
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
