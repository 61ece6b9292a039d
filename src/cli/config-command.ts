/**
 * `mcp-sampling config check`: validates the configuration and prints the effective one (defaults filled
 * in), with every secret redacted: provider keys are shown only as the name of their variable and
 * whether it is set; literal header values are hidden.
 */
import type { Config } from '../config/schema.js';
import { loadConfig } from '../config/load.js';
import { loadClientEnv } from '../config/env.js';
import { buildCatalog } from '../providers/catalog.js';
import { createProviderRegistry } from '../providers/registry.js';

/** Header values may be `${ENV}` references (shown) or literals (possibly secrets: hidden). */
export function redactConfig(config: Config): Config {
  const providers = Object.fromEntries(
    Object.entries(config.providers).map(([name, provider]) => [
      name,
      provider.headers === undefined
        ? provider
        : {
            ...provider,
            headers: Object.fromEntries(
              Object.entries(provider.headers).map(([header, value]) => [
                header,
                /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(value) ? value : '[redacted]',
              ]),
            ),
          },
    ]),
  );
  return { ...config, providers };
}

export function checkConfig(options: { config?: string | undefined; json: boolean }): void {
  const env = loadClientEnv();
  const loaded = loadConfig({ explicit: options.config, env });
  const registry = createProviderRegistry({ providers: loaded.config.providers, env });
  const providers = registry.configured();
  const effective = redactConfig(loaded.config);
  const catalog = buildCatalog(loaded.config.models);
  const modelless = providers
    .filter((p) => p.enabled && !catalog.some((m) => m.provider === p.name))
    .map((p) => `  ${p.name}: no models in the catalog; list them under "models" or it is never chosen`);
  if (options.json) {
    process.stdout.write(
      `${JSON.stringify({ ok: true, file: loaded.file ?? null, statePath: loaded.statePath, auditPath: loaded.auditPath, providers, config: effective })}\n`,
    );
    return;
  }
  const lines = [
    `config: ${loaded.file ?? 'none found; built-in defaults'} (valid)`,
    `state:  ${loaded.statePath}`,
    `audit:  ${loaded.auditPath}${loaded.config.audit.enabled ? '' : ' (disabled)'}`,
    '',
    'providers:',
    ...providers.map(
      (p) =>
        `  ${p.name.padEnd(12)} ${p.usable ? 'usable  ' : 'unusable'} ${p.type}` +
        `${p.keyEnv !== undefined ? `, key ${p.keyEnv} ${p.hasKey ? 'set' : 'not set'}` : ''}` +
        `${p.baseURL !== undefined ? `, ${p.baseURL}` : ''}${p.why !== undefined ? ` (${p.why})` : ''}`,
    ),
    `  ${'embedded'.padEnd(12)} ${loaded.config.embedded.enabled ? 'usable  ' : 'disabled'} extractive summarizer (offline, not an LLM)`,
    ...(modelless.length > 0 ? ['', 'warnings:', ...modelless] : []),
    '',
    'effective configuration (secrets redacted):',
    JSON.stringify(effective, null, 2),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
