/**
 * The public sampling client (`createSamplingClient` of `mcp-sampling/client`): an SDK `Client` that
 * declares `sampling` (with `sampling.tools` when a model that can call tools may answer) and, when given,
 * roots, with the policy's handler attached. Connect it to any transport the SDK offers.
 */
import type { Client } from '@modelcontextprotocol/client';

import { ERA_MODES, type EraMode } from '../connect/era.js';
import { buildSamplingClient } from '../connect/session.js';
import type { SamplingEvent } from '../sampling/events.js';
import { createSamplingHandler } from './handler.js';
import { createSamplingRuntime, runtimeInternals, type SamplingRuntime } from './runtime.js';

/**
 * Options of `createSamplingClient`.
 *
 * @example
 * ```ts
 * const options: SamplingClientOptions = { era: 'modern', roots: ['./docs'], clientInfo: { name: 'my-host', version: '1.0.0' } };
 * ```
 */
export interface SamplingClientOptions {
  /** `auto` (default) negotiates; `legacy` speaks 2025-11-25 (pushed requests); `modern` 2026-07-28 (rounds). */
  era?: EraMode | undefined;
  /**
   * The runtime its requests are answered on. Default: `createSamplingRuntime()`: no config file, the keys
   * of `process.env`, the embedded extractive model as the last resort, `~/.mcp-sampling/` for state and audit.
   */
  runtime?: SamplingRuntime | undefined;
  /** Directories the server may read, declared as file:// roots (the `roots` capability only when given). */
  roots?: readonly string[] | undefined;
  /** Each request's decisions, approvals, retries, answer or failure, as they happen. */
  onEvent?: ((event: SamplingEvent) => void) | undefined;
  /** The client's name and version in `initialize`. Default `{ name: 'mcp-sampling', version }`. */
  clientInfo?: { name: string; version: string } | undefined;
}

/**
 * An SDK `Client` that answers `sampling/createMessage` under the runtime's policy. `close()` also flushes
 * the runtime (its audit lines and budget usage), and closes the default runtime it made itself.
 *
 * @example
 * ```ts
 * import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
 * import { createSamplingClient } from 'mcp-sampling/client';
 *
 * const client = createSamplingClient({ era: 'auto', roots: [process.cwd()] });
 * await client.connect(new StdioClientTransport({ command: 'npx', args: ['mcp-sampling', 'serve'] }));
 * const result = await client.callTool({ name: 'summarize_document', arguments: { document_text: '…' } });
 * await client.close();
 * ```
 */
export function createSamplingClient(options: SamplingClientOptions = {}): Client {
  const era = options.era ?? 'auto';
  if (!ERA_MODES.includes(era)) {
    throw new RangeError(`createSamplingClient: era must be ${ERA_MODES.join(', ')}; got '${String(era)}'`);
  }
  const roots = options.roots ?? [];
  if (!Array.isArray(roots) || roots.some((dir) => typeof dir !== 'string' || dir === '')) {
    throw new TypeError('createSamplingClient: roots must be an array of directory paths');
  }
  const info = options.clientInfo;
  if (info !== undefined && (typeof info?.name !== 'string' || typeof info.version !== 'string')) {
    throw new TypeError('createSamplingClient: clientInfo must be { name: string, version: string }');
  }
  if (options.runtime !== undefined) runtimeInternals(options.runtime, 'createSamplingClient');
  const own = options.runtime === undefined;
  const runtime = options.runtime ?? createSamplingRuntime();
  // The handler reads the server's name and the era from the client it is registered on.
  const built: { client?: Client } = {};
  const handler = createSamplingHandler(runtime, {
    client: () => built.client,
    ...(options.onEvent !== undefined && { onEvent: options.onEvent }),
  });
  built.client = buildSamplingClient(era, handler, roots, {
    tools: runtime.canCallTools,
    ...(info !== undefined && { clientInfo: info }),
    afterClose: () => (own ? runtime.close() : runtime.flush()),
  });
  return built.client;
}
