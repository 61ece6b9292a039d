/**
 * The public sampling runtime (`createSamplingRuntime` of `mcp-sampling/client`): what a host's handlers
 * share for as long as it runs — the configuration in force, the providers and the host's own models, the
 * catalog, the budgets and the audit log — behind a small interface (`config`, `models`, `canCallTools`,
 * `flush`, `close`). The internal runtime the handler runs on is kept beside it, looked up by
 * `runtimeInternals`.
 */
import type * as z from 'zod/v4';

import { ConfigSchema, type Config } from '../../config/schema.js';
import { dataPaths, parseConfig } from '../../config/load.js';
import type { Prompter } from '../../policy/approval.js';
import { modelKey } from '../../providers/catalog.js';
import type { HostModel } from '../sampling/host-models.js';
import { canUseTools, EMBEDDED_MODEL } from '../sampling/models.js';
import {
  createSamplingRuntime as buildRuntime,
  flushRuntime as flushInternal,
  type SamplingRuntime as InternalRuntime,
} from '../sampling/runtime.js';

/**
 * A configuration as a host writes it (the JSON of a config file, as an object); `Config` is the validated form.
 *
 * @example
 * ```ts
 * const config: ConfigInput = { servers: { '*': { approval: 'ask' } } };
 * ```
 */
export type ConfigInput = z.input<typeof ConfigSchema>;

/**
 * Options of `createSamplingRuntime`; every one optional.
 *
 * @example
 * ```ts
 * const options: SamplingRuntimeOptions = { env: {}, models: { mine: model }, onlyModels: true, auditPath: '/tmp/audit.jsonl' };
 * ```
 */
export interface SamplingRuntimeOptions {
  /**
   * The configuration, as a config file would hold it (validated here: a bad one throws `ConfigError`, one
   * line per problem), or a value of `loadConfig()`. Default: the built-in defaults; no file is read.
   */
  config?: ConfigInput | Config | undefined;
  /** Where provider keys are read from. Default `process.env`; no `.env` file is read (pass its values here). */
  env?: Readonly<Record<string, string | undefined>> | undefined;
  /**
   * The host's own AI SDK model instances by id, as provider `host` (`host/<id>` in `servers.*.models`,
   * `defaultModel` and audit lines): `{ 'my-model': model }`, or `{ 'my-model': { model, contextWindow,
   * maxOutputTokens, price, scores, tools } }`. They answer next to the configured providers.
   */
  models?: Readonly<Record<string, HostModel>> | undefined;
  /** Only `models` answer: the configured and built-in providers are not called, the embedded model is off. */
  onlyModels?: boolean | undefined;
  /** Asks a person when a server's policy says `approval: "ask"`; without one, `ask` denies. */
  prompter?: Prompter | undefined;
  /** Daily budget usage. Default: the config's `statePath`, else `~/.mcp-sampling/state.json`. */
  statePath?: string | undefined;
  /** The audit log. Default: the config's `audit.path`, else `~/.mcp-sampling/audit.jsonl`. */
  auditPath?: string | undefined;
}

/**
 * What the handlers of one host share: the policy's state, written behind the answers.
 *
 * @example
 * ```ts
 * if (runtime.canCallTools) console.log('sampling.tools: yes'); await runtime.close();
 * ```
 */
export interface SamplingRuntime {
  /** The validated configuration in force. */
  readonly config: Config;
  /** `provider/id` of every model that may answer (before per-server allowlists), the embedded one last. */
  readonly models: readonly string[];
  /** Whether a model that can call tools may answer: declare `sampling: { tools: {} }` then. */
  readonly canCallTools: boolean;
  /** Whether `close()` was called: its handlers then refuse every request. */
  readonly closed: boolean;
  /** Waits until the audit lines and budget usage of every request answered so far are on disk. */
  flush(): Promise<void>;
  /** Flushes, then refuses later requests (-32603, "the sampling runtime is closed"). Idempotent. */
  close(): Promise<void>;
}

interface Internals {
  runtime: InternalRuntime;
  closed: boolean;
}

const INTERNALS = new WeakMap<SamplingRuntime, Internals>();

/** The internal runtime behind a public one; a one-line TypeError for anything else. */
export function runtimeInternals(runtime: unknown, where: string): Internals {
  const internals =
    typeof runtime === 'object' && runtime !== null ? INTERNALS.get(runtime as SamplingRuntime) : undefined;
  if (internals === undefined) throw new TypeError(`${where}: runtime must be a value of createSamplingRuntime()`);
  return internals;
}

function validConfig(value: unknown): Config {
  if (value === undefined) return ConfigSchema.parse({});
  if (typeof value === 'string') {
    throw new TypeError(
      `createSamplingRuntime: config is a string ('${value}'): to read a file, pass loadConfig(path)`,
    );
  }
  return parseConfig(value, '(createSamplingRuntime options.config)');
}

function optionalString(name: string, value: unknown): string | undefined {
  if (value !== undefined && (typeof value !== 'string' || value === '')) {
    throw new TypeError(`createSamplingRuntime: ${name} must be a non-empty path string`);
  }
  return value;
}

/**
 * Builds the runtime a host's sampling handlers run on: the configuration, the providers keyed from `env`,
 * the host's own `models`, the catalog, budgets and the audit log. Call `flush()` (or `close()`) before
 * the process ends: audit lines and budget usage are written behind the answers.
 *
 * @example
 * ```ts
 * import { createSamplingRuntime } from 'mcp-sampling/client';
 * import { openai } from '@ai-sdk/openai';
 *
 * const runtime = createSamplingRuntime({
 *   config: { servers: { '*': { models: ['host/*'], maxTokens: 1000 } } },
 *   models: { 'fast': { model: openai.chat('gpt-4o-mini'), price: { input: 0.15, output: 0.6 } } },
 *   onlyModels: true,
 * });
 * // … answer requests, then:
 * await runtime.close();
 * ```
 */
export function createSamplingRuntime(options: SamplingRuntimeOptions = {}): SamplingRuntime {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('createSamplingRuntime: options must be an object');
  }
  const config = validConfig(options.config);
  const env = options.env ?? process.env;
  if (typeof env !== 'object' || env === null) {
    throw new TypeError('createSamplingRuntime: env must be an object of environment variables');
  }
  if (options.onlyModels !== undefined && typeof options.onlyModels !== 'boolean') {
    throw new TypeError(`createSamplingRuntime: onlyModels must be true or false (got ${JSON.stringify(options.onlyModels)})`);
  }
  if (options.prompter !== undefined) {
    const p = options.prompter as Partial<Prompter>;
    if (typeof p.reviewRequest !== 'function' || typeof p.reviewCompletion !== 'function') {
      throw new TypeError('createSamplingRuntime: prompter must have reviewRequest and reviewCompletion functions');
    }
  }
  const paths = dataPaths(config);
  const runtime = buildRuntime({
    env,
    config,
    statePath: optionalString('statePath', options.statePath) ?? paths.statePath,
    auditPath: optionalString('auditPath', options.auditPath) ?? paths.auditPath,
    prompter: options.prompter,
    models: options.models,
    onlyModels: options.onlyModels,
  });
  const usable = runtime.catalog
    .filter((model) => runtime.registry.available(model.provider))
    .map(modelKey)
    .concat(runtime.config.embedded.enabled ? [modelKey(EMBEDDED_MODEL)] : []);
  const internals: Internals = { runtime, closed: false };
  const flush = () => flushInternal(runtime);
  const api: SamplingRuntime = {
    config: runtime.config,
    models: Object.freeze(usable),
    canCallTools: canUseTools(runtime),
    get closed() {
      return internals.closed;
    },
    flush,
    close: async () => {
      internals.closed = true;
      await flush();
    },
  };
  INTERNALS.set(api, internals);
  return api;
}

/**
 * Waits until the audit lines and budget usage of every request `runtime` answered so far are on disk
 * (the same as `runtime.flush()`).
 *
 * @example
 * ```ts
 * await flushRuntime(runtime);
 * ```
 */
export function flushRuntime(runtime: SamplingRuntime): Promise<void> {
  runtimeInternals(runtime, 'flushRuntime');
  return runtime.flush();
}
