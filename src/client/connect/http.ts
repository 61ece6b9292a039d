/**
 * Connects the sampling client to an MCP server at a Streamable HTTP URL. The server gets the optional
 * bearer token or, with an OAuth provider, the tokens OAuth gives (src/client/auth/); a 2025-era session is
 * ended on the server when the connection closes.
 */
import { StreamableHTTPClientTransport, UnauthorizedError } from '@modelcontextprotocol/client';

import { OAuthHttpClientTransport, type TransportOAuthProvider } from '../auth/oauth-transport.js';

import type { SamplingHandler } from '../sampling/handler.js';
import type { EraMode } from './era.js';
import { fetchWithOwnSignal } from './fetch-own-signal.js';
import { fetchWithoutBodyClone } from './fetch-without-body-clone.js';
import { LargeStringBodies } from './large-strings.js';
import { closeOnLostRequestStreams } from './request-streams.js';
import {
  connectWith,
  buildSamplingClient,
  type ElicitationHandler,
  type ElicitationModes,
  type ListRoots,
  type McpConnection,
} from './session.js';

export interface ConnectHttpOptions {
  /** The server's Streamable HTTP endpoint, e.g. `http://127.0.0.1:3000/mcp`. */
  url: string;
  era: EraMode;
  handler: SamplingHandler;
  roots?: readonly string[];
  /** Sent as `Authorization: Bearer …` on every request; takes precedence over `oauth`. */
  bearerToken?: string | undefined;
  /**
   * OAuth 2.1 for a server that requires it (src/client/auth/provider.ts): stored tokens are sent and
   * refreshed, a 401 or a 403 `insufficient_scope` starts a sign-in through the provider.
   */
  oauth?: TransportOAuthProvider | undefined;
  fetch?: typeof fetch;
  /** Declare `sampling.tools` (default true). */
  tools?: boolean;
  /** Answers the server's form elicitations (the `elicitation` capability is declared only with one). */
  elicitation?: ElicitationHandler | undefined;
  /** Which elicitation modes are declared with `elicitation` (default form and URL). */
  elicitationModes?: ElicitationModes | undefined;
  /** Roots that change while connected (declared with `listChanged`), after `roots`. */
  listRoots?: ListRoots | undefined;
  /** How long connecting may take, the era probe included. Default: the SDK's request timeout (60 s). */
  timeoutMs?: number | undefined;
  /** Gives up connecting when aborted. */
  signal?: AbortSignal | undefined;
  /**
   * Called when a request's response stream ends without its response (the server stopped): the
   * connection is then closed, and calls in flight fail with "Connection closed"; this says why.
   */
  onConnectionLost?: (reason: string) => void;
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
  const url = parseServerUrl(options.url);
  // Without it, every POST leaves an abort listener on the transport's one signal until a full GC; and a
  // large body (a 2026-era round re-sends the whole document) would be copied once more for redirects.
  // Large strings go as bytes encoded once (large-strings.ts), not as a new JSON text per send.
  const largeStrings = new LargeStringBodies();
  const fetchFn = fetchWithOwnSignal(largeStrings.fetch(fetchWithoutBodyClone(options.fetch ?? fetch)));
  const oauth = options.bearerToken === undefined ? options.oauth : undefined;
  const connectOnce = async () => {
    const client = buildSamplingClient(options.era, options.handler, options.roots, {
      tools: options.tools !== false,
      ...(options.elicitation !== undefined && { elicitation: options.elicitation }),
      ...(options.elicitationModes !== undefined && { elicitationModes: options.elicitationModes }),
      ...(options.listRoots !== undefined && { listRoots: options.listRoots }),
    });
    const transport =
      oauth !== undefined
        ? new OAuthHttpClientTransport(url, { authProvider: oauth, fetch: fetchFn })
        : new StreamableHTTPClientTransport(url, {
            ...(options.bearerToken !== undefined && {
              requestInit: { headers: { authorization: `Bearer ${options.bearerToken}` } },
            }),
            fetch: fetchFn,
          });
    largeStrings.attach(transport);
    try {
      const connection = await connectWith(client, transport, options.timeoutMs, options.signal);
      if (transport instanceof OAuthHttpClientTransport) transport.finishSignInsInline();
      return { client, transport, connection };
    } catch (error) {
      // A sign-in was started while connecting: finish it outside any request (a person may take longer than
      // a request's timeout), then connect again with the tokens.
      if (
        transport instanceof OAuthHttpClientTransport &&
        UnauthorizedError.isInstance(error) &&
        (await transport.finishPendingSignIn())
      ) {
        return undefined;
      }
      throw error;
    }
  };
  let connected;
  try {
    connected = (await connectOnce()) ?? (await connectOnce());
    if (connected === undefined) throw new UnauthorizedError('the server refused the tokens of a fresh sign-in');
  } catch (error) {
    // A sign-in left waiting must not keep the process alive.
    await oauth?.close?.();
    throw error;
  }
  const { client, transport, connection } = connected;
  closeOnLostRequestStreams(client, transport, options.onConnectionLost);
  return {
    ...connection,
    // A 2025-era session lives on the server until it is deleted (or times out there): end it when done.
    close: async () => {
      if (transport.sessionId !== undefined) await transport.terminateSession().catch(() => {});
      await client.close();
      await oauth?.close?.();
    },
  };
}
