/**
 * `mcp-sampling/client`: the public API for hosts and clients that answer MCP sampling requests under the
 * user's policy (model choice, limits, budgets, rate limits, approval, audit), with the user's own models
 * or the host's. docs/library.md describes every export.
 */
import { loadConfig as loadConfigFile } from '../config/load.js';
import type { Config } from '../config/schema.js';

export { ConfigSchema, type Config } from '../config/schema.js';
export { ConfigError } from '../config/load.js';
export type { AuditRecord, AuditOutcome } from '../policy/audit-log.js';
export type {
  CompletionDecision,
  CompletionView,
  Prompter,
  RequestDecision,
  RequestView,
  ToolCallView,
  ToolView,
} from '../policy/approval.js';
export type { EraMode } from './connect/era.js';
export type { SamplingEvent, WithId } from './sampling/events.js';
export type { GateEvent, RefusalKind } from '../policy/gate.js';
export type { SamplingResult } from './map/map-sampling.js';
export type { SamplingHandler } from './sampling/handler.js';
export type { HostModel, HostModelEntry } from './sampling/host-models.js';
export {
  createSamplingRuntime,
  flushRuntime,
  type ConfigInput,
  type SamplingRuntime,
  type SamplingRuntimeOptions,
} from './api/runtime.js';
export { createSamplingHandler, type SamplingHandlerOptions } from './api/handler.js';
export { createSamplingClient, type SamplingClientOptions } from './api/client.js';

/**
 * Reads and validates a configuration file: `path`, else `MCP_SAMPLING_CONFIG`, else
 * `./mcp-sampling.config.json` when it exists, else the built-in defaults. Throws `ConfigError`: a missing
 * file, invalid JSON, or one line per invalid field (`servers.foo.maxTokens: must be >0`).
 *
 * @example
 * ```ts
 * import { createSamplingRuntime, loadConfig } from 'mcp-sampling/client';
 *
 * const runtime = createSamplingRuntime({ config: loadConfig('./mcp-sampling.config.json') });
 * ```
 */
export function loadConfig(path?: string): Config {
  if (path !== undefined && (typeof path !== 'string' || path === '')) {
    throw new TypeError('loadConfig: path must be a non-empty file path');
  }
  return loadConfigFile(path === undefined ? {} : { explicit: path }).config;
}
