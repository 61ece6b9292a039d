/**
 * What the sampling handler needs that outlives one request, built from the configuration and the
 * client's environment: the provider registry, the model catalog and aliases, the budget tracker and the
 * audit log. `flushRuntime` waits for what they write behind the answers.
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
}

export interface RuntimeOptions {
  env: Env;
  /** Validated configuration; default: the built-in defaults (no file). */
  config?: Config;
  statePath: string;
  auditPath: string;
  prompter?: Prompter | undefined;
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
  const config = options.config ?? ConfigSchema.parse({});
  return {
    config,
    registry: createProviderRegistry({
      providers: config.providers,
      env: options.env,
      maxResponseBytes: config.limits.maxResponseBytes,
      ...(options.fetch !== undefined && { fetch: options.fetch }),
    }),
    catalog: buildCatalog(config.models),
    aliases: mergeAliases(config.aliases),
    budget: createBudgetTracker({ statePath: options.statePath }),
    audit: createAuditLog({
      path: options.auditPath,
      enabled: config.audit.enabled,
      includeText: config.audit.includeText,
      secrets: secretValues(options.env),
    }),
    prompter: options.prompter,
  };
}

/**
 * Waits until the audit lines and budget usage of every request answered so far are on disk. Call it before
 * the process ends, or before reading either file.
 */
export async function flushRuntime(runtime: Pick<SamplingRuntime, 'audit' | 'budget'>): Promise<void> {
  await Promise.all([runtime.audit.flush(), runtime.budget.flush()]);
}
