/**
 * The public sampling handler (`createSamplingHandler` of `mcp-sampling/client`): the function a host
 * registers with `client.setRequestHandler('sampling/createMessage', handler)`. It runs the whole policy
 * path of client/sampling/handler.ts. What it knows about the server that asks (its name, for the policy
 * under `servers`) comes from the options: the SDK hands a request handler nothing about the server.
 */
import { ProtocolError, ProtocolErrorCode, type Client } from '@modelcontextprotocol/client';

import { landedEra } from '../connect/era.js';
import type { SamplingEvent } from '../sampling/events.js';
import { createSamplingHandler as buildHandler, type SamplingHandler } from '../sampling/handler.js';
import { runtimeInternals, type SamplingRuntime } from './runtime.js';

/**
 * Options of `createSamplingHandler`: how it learns which server asks, and where its events go.
 *
 * @example
 * ```ts
 * const options: SamplingHandlerOptions = { client, onEvent: (event) => console.error(event.type) };
 * ```
 */
export interface SamplingHandlerOptions {
  /**
   * The client the handler is registered on (or a function returning it once it exists): the server's
   * name is read from its `initialize` answer, and the era from the connection, at each request. That name
   * is the server's own claim: a server can give any name, so a host that grants one server a looser
   * policy than others should name it itself (`server`) from what it connected to, not trust the claim.
   */
  client?: Client | (() => Client | undefined) | undefined;
  /** The server's name as keyed in the config's `servers` (wins over the client's); a function is asked per request. */
  server?: string | (() => string | undefined) | undefined;
  /** How the server was reached (its command line or URL), also a key of `servers`, and the label when no name is known. */
  address?: string | (() => string | undefined) | undefined;
  /** Each request's decisions, approvals, retries, answer or failure, as they happen (for progress and audit displays). */
  onEvent?: ((event: SamplingEvent) => void) | undefined;
}

type Source<T> = T | (() => T | undefined) | undefined;

function read<T>(source: Source<T>): T | undefined {
  return typeof source === 'function' ? (source as () => T | undefined)() : source;
}

function checkSource(name: string, value: unknown, kind: 'string' | 'client'): void {
  if (value === undefined || typeof value === 'function') return;
  const ok =
    kind === 'string' ? typeof value === 'string' : typeof (value as Client | null)?.getServerVersion === 'function';
  if (!ok) {
    throw new TypeError(
      `createSamplingHandler: ${name} must be ${kind === 'string' ? 'a string' : 'an SDK Client'} or a function returning one`,
    );
  }
}

/**
 * The `sampling/createMessage` handler of a host: model resolution (hints, aliases, priorities, allowlists),
 * limits, budgets, rate limits, approval through the runtime's prompter, the provider call with retries and
 * fallbacks, the review of the completion, the result with usage in `_meta`, and one audit line per request.
 * Refusals reach the server as JSON-RPC errors (user-rejected -1, invalid params -32602, others -32603).
 *
 * The server's policy is `servers["*"]` merged with the entry named by `server` (or the client's server
 * name), or by `address`. With none of them known, only `servers["*"]` applies and the server is called
 * "unknown server" in prompts and audit lines. Rate limits and concurrency are counted per handler, budgets
 * per runtime.
 *
 * @example
 * ```ts
 * import { Client } from '@modelcontextprotocol/client';
 * import { createSamplingHandler, createSamplingRuntime } from 'mcp-sampling/client';
 *
 * const client = new Client({ name: 'my-host', version: '1.0.0' }, { capabilities: { sampling: {} } });
 * const runtime = createSamplingRuntime();
 * client.setRequestHandler('sampling/createMessage', createSamplingHandler(runtime, { client }));
 * ```
 */
export function createSamplingHandler(runtime: SamplingRuntime, options: SamplingHandlerOptions = {}): SamplingHandler {
  const internals = runtimeInternals(runtime, 'createSamplingHandler');
  checkSource('client', options.client, 'client');
  checkSource('server', options.server, 'string');
  checkSource('address', options.address, 'string');
  if (options.onEvent !== undefined && typeof options.onEvent !== 'function') {
    throw new TypeError('createSamplingHandler: onEvent must be a function');
  }
  const inner = buildHandler({
    runtime: internals.runtime,
    server: () => ({
      name: read(options.server) ?? read(options.client)?.getServerVersion()?.name,
      address: read(options.address),
    }),
    era: () => {
      const client = read(options.client);
      return client === undefined ? 'unknown' : landedEra(client);
    },
    ...(options.onEvent !== undefined && { onEvent: options.onEvent }),
  });
  return (request, ctx) => {
    if (internals.closed) {
      return Promise.reject(
        new ProtocolError(ProtocolErrorCode.InternalError, 'the sampling runtime is closed: no request is answered'),
      );
    }
    return inner(request, ctx);
  };
}
