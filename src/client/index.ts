/**
 * `mcp-sampling/client`: the public API for hosts and clients that answer MCP sampling requests under the
 * user's policy (model choice, limits, budgets, rate limits, approval, audit), with the user's own models.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

import type { Client } from '@modelcontextprotocol/client';

import type { Prompter } from '../policy/approval.js';
import { loadConfig as loadConfigFile } from '../config/load.js';
import type { Config } from '../config/schema.js';
import type { Env } from '../config/env.js';
import { landedEra, type EraMode } from './connect/era.js';
import { buildSamplingClient } from './connect/session.js';
import { createSamplingHandler as buildHandler, type SamplingHandler } from './sampling/handler.js';
import type { SamplingEvent } from './sampling/events.js';
import { canUseTools } from './sampling/models.js';
import { createSamplingRuntime as buildRuntime, type SamplingRuntime } from './sampling/runtime.js';

export { ConfigSchema, type Config } from '../config/schema.js';
export { ConfigError } from '../config/load.js';
export type { AuditRecord } from '../policy/audit-log.js';
export type { Prompter } from '../policy/approval.js';
export type { SamplingEvent } from './sampling/events.js';
export type { SamplingHandler } from './sampling/handler.js';
export type { SamplingRuntime } from './sampling/runtime.js';
export { flushRuntime } from './sampling/runtime.js';

export interface SamplingRuntimeOptions {
  /** A validated configuration (see `loadConfig`); default: the built-in defaults, no file. */
  config?: Config;
  /** Where provider keys are read from; default `process.env`. */
  env?: Env;
  /** Asks a person when the policy says `ask`; without one, `ask` denies. */
  prompter?: Prompter;
  /** Daily budget usage; default `~/.mcp-sampling/state.json`. */
  statePath?: string;
  /** The audit log; default `~/.mcp-sampling/audit.jsonl`. */
  auditPath?: string;
}

/** Builds what the sampling handler needs: providers, catalog, budgets, audit log. */
export function createSamplingRuntime(options: SamplingRuntimeOptions = {}): SamplingRuntime {
  const dataDir = join(homedir(), '.mcp-sampling');
  return buildRuntime({
    env: options.env ?? process.env,
    ...(options.config !== undefined && { config: options.config }),
    statePath: options.statePath ?? join(dataDir, 'state.json'),
    auditPath: options.auditPath ?? join(dataDir, 'audit.jsonl'),
    prompter: options.prompter,
  });
}

export interface SamplingHandlerOptions {
  /** The client the handler is registered on: the server's name and the era are read from it. */
  client?: Client;
  /** How the server was reached (command line or URL), for the policy's view and the audit log. */
  address?: string;
  /** Progress and decisions, as each request goes. */
  onEvent?: (event: SamplingEvent) => void;
}

/** The `sampling/createMessage` handler: `client.setRequestHandler('sampling/createMessage', handler)`. */
export function createSamplingHandler(runtime: SamplingRuntime, options: SamplingHandlerOptions = {}): SamplingHandler {
  const { client } = options;
  return buildHandler({
    runtime,
    server: () => ({ name: client?.getServerVersion()?.name, address: options.address }),
    era: () => (client === undefined ? 'unknown' : landedEra(client)),
    ...(options.onEvent !== undefined && { onEvent: options.onEvent }),
  });
}

export interface SamplingClientOptions {
  /** `auto` (default) negotiates; `legacy` speaks 2025-11-25; `modern` 2026-07-28. */
  era?: EraMode;
  /** Default: `createSamplingRuntime()`: no config file, the environment's keys, the embedded model last. */
  runtime?: SamplingRuntime;
  /** Directories the server may read, declared as file:// roots. */
  roots?: readonly string[];
  onEvent?: (event: SamplingEvent) => void;
}

/** An SDK `Client` that declares sampling (with tools when a tool-capable model is usable) and answers it. */
export function createSamplingClient(options: SamplingClientOptions = {}): Client {
  const runtime = options.runtime ?? createSamplingRuntime();
  let client: Client | undefined = undefined;
  const handler = buildHandler({
    runtime,
    server: () => ({ name: client?.getServerVersion()?.name, address: undefined }),
    era: () => (client === undefined ? 'unknown' : landedEra(client)),
    ...(options.onEvent !== undefined && { onEvent: options.onEvent }),
  });
  client = buildSamplingClient(options.era ?? 'auto', handler, options.roots ?? [], { tools: canUseTools(runtime) });
  return client;
}

/**
 * Reads and validates a configuration file: `path`, else `MCP_SAMPLING_CONFIG`, else
 * `./mcp-sampling.config.json` when it exists, else the defaults. Throws `ConfigError` (one line per problem).
 */
export function loadConfig(path?: string): Config {
  return loadConfigFile(path === undefined ? {} : { explicit: path }).config;
}
