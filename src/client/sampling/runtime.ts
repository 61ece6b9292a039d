/**
 * What the sampling handler needs that outlives one request, built from the configuration and the
 * client's environment: the provider registry (with the host's own models, if any), the model catalog and
 * aliases, the budget tracker and the audit log. `flushRuntime` waits for what they write behind the answers.
 */
import { createAuditLog, type AuditLog } from '../../policy/audit-log.js';
import { mergeAliases } from '../../policy/aliases.js';
import type { Prompter } from '../../policy/approval.js';
import { createBudgetTracker, type BudgetTracker } from '../../policy/budget.js';
import { ConfigSchema, type Config } from '../../config/schema.js';
import { buildCatalog, type CatalogModel } from '../../providers/catalog.js';
import type { Env } from '../../config/env.js';
import { createProviderRegistry, type ProviderRegistry } from '../../providers/registry.js';
import { isSecretName } from '../../config/secret-names.js';
import { commandCatalogEntries } from '../../providers/command/command.js';
import { EXTRACTIVE_PROVIDER } from '../../providers/embedded/extractive-model.js';
import { checkHostModels, HOST_PROVIDER, withHostModels, type HostModel } from './host-models.js';

/** Everything the handler needs that outlives one request. */
export interface SamplingRuntime {
  config: Config;
  registry: ProviderRegistry;
  catalog: readonly CatalogModel[];
  aliases: Readonly<Record<string, readonly string[]>>;
  budget: BudgetTracker;
  audit: AuditLog;
  /** Present when a person can be asked (a terminal); `ask` mode denies without it. */
  prompter?: Prompter | undefined;
  /** Whether a model can call tools (the embedded one cannot; a host model unless it says `tools: false`). */
  callsTools(model: { provider: string; id: string }): boolean;
}

export interface RuntimeOptions {
  env: Env;
  /** Validated configuration; default: the built-in defaults (no file). */
  config?: Config;
  statePath: string;
  auditPath: string;
  prompter?: Prompter | undefined;
  /** The host's own model instances by id (provider `host`). */
  models?: Readonly<Record<string, HostModel>> | undefined;
  /** Answer only with `models`: no configured or built-in provider, no embedded model. */
  onlyModels?: boolean | undefined;
  /** Injected in tests. */
  fetch?: typeof globalThis.fetch;
}

/** Environment values that look like credentials: scrubbed from every audit line, whatever happens. */
export function secretValues(env: Env): string[] {
  return Object.entries(env)
    .filter(([name, value]) => value !== undefined && isSecretName(name))
    .map(([, value]) => value as string);
}

export function createSamplingRuntime(options: RuntimeOptions): SamplingRuntime {
  const host = checkHostModels(options.models);
  const only = options.onlyModels === true;
  if (only && host.entries.size === 0) {
    throw new TypeError('createSamplingRuntime: onlyModels needs at least one model in models');
  }
  const given = options.config ?? ConfigSchema.parse({});
  if (host.entries.size > 0 && Object.hasOwn(given.providers, HOST_PROVIDER)) {
    throw new TypeError(
      `createSamplingRuntime: the config names a provider '${HOST_PROVIDER}', the name of the host's own models: rename it`,
    );
  }
  // Only the host's models: the embedded last resort is off too (the config in force says so).
  const config = only ? { ...given, embedded: { enabled: false } } : given;
  const registry = createProviderRegistry({
    providers: config.providers,
    env: options.env,
    maxResponseBytes: config.limits.maxResponseBytes,
    ...(options.fetch !== undefined && { fetch: options.fetch }),
  });
  // The host's facts first, so that the config's `models` entries for `host/<id>` override them.
  const hostFacts = [...host.entries.values()].map((entry) => entry.facts);
  return {
    config,
    registry: withHostModels(registry, host, only),
    // Then each command provider's entry (free, scored zero), also overridable under `models`.
    catalog: buildCatalog([...hostFacts, ...commandCatalogEntries(config.providers), ...config.models]),
    aliases: mergeAliases(config.aliases),
    budget: createBudgetTracker({ statePath: options.statePath }),
    audit: createAuditLog({
      path: options.auditPath,
      enabled: config.audit.enabled,
      includeText: config.audit.includeText,
      secrets: secretValues(options.env),
    }),
    prompter: options.prompter,
    callsTools: (model) => {
      if (model.provider === EXTRACTIVE_PROVIDER) return false;
      if (model.provider === HOST_PROVIDER) return host.entries.get(model.id)?.tools ?? false;
      // A local CLI gets text and prints text: it cannot return tool calls.
      if (config.providers[model.provider]?.type === 'command') return false;
      return true;
    },
  };
}

/**
 * Waits until the audit lines and budget usage of every request answered so far are on disk. Call it before
 * the process ends, or before reading either file.
 */
export async function flushRuntime(runtime: Pick<SamplingRuntime, 'audit' | 'budget'>): Promise<void> {
  await Promise.all([runtime.audit.flush(), runtime.budget.flush()]);
}
