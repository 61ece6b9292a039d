/**
 * Builds what the sampling handler needs from the configuration and the client's environment: the
 * provider registry, the model catalog and aliases, the budget tracker and the audit log.
 */
import { createAuditLog } from '../policy/audit-log.js';
import { mergeAliases } from '../policy/aliases.js';
import type { Prompter } from '../policy/approval.js';
import { createBudgetTracker } from '../policy/budget.js';
import { ConfigSchema, type Config } from '../config/schema.js';
import { buildCatalog } from '../providers/catalog.js';
import type { Env } from '../config/env.js';
import { createProviderRegistry } from '../providers/registry.js';
import type { SamplingRuntime } from './sampling-handler.js';
import { isSecretName } from '../config/secret-names.js';

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
