/**
 * The providers the client can call: the three built-in vendors (present with no configuration, keyed
 * from the environment) plus any OpenAI-compatible endpoint named in the config, and the embedded
 * extractive model. What each kind needs and how its model is built comes from its definition
 * (definitions.ts); this file resolves names, keys, endpoints and headers against the config and the
 * environment. Keys are read from the client's environment by name and handed only to the AI SDK
 * provider; no status, message or error produced here ever contains one.
 */
import type { LanguageModelV3 } from '@ai-sdk/provider';

import {
  BUILTIN_PROVIDERS,
  DEFAULT_COMMAND_MAX_OUTPUT_BYTES,
  DEFAULT_COMMAND_TIMEOUT_MS,
  DEFAULT_MAX_RESPONSE_BYTES,
  type BuiltinProvider,
  type ProviderConfig,
} from '../config/schema.js';
import type { Env } from '../config/env.js';
import { EXTRACTIVE_PROVIDER } from './embedded/extractive-model.js';
import { PROVIDER_DEFINITIONS } from './definitions.js';
import type {
  CommandSettings,
  ConfiguredProviderKind,
  LanguageModelFactory,
  ProviderDefinition,
  ProviderKind,
  ProviderSettings,
} from './provider.js';
import { limitResponseSize } from './response-size-limit.js';

export type ProviderType = ConfiguredProviderKind;

export interface ProviderStatus {
  name: string;
  type: ProviderType;
  /** The endpoint in use (credentials in the URL, if any, are masked). */
  baseURL?: string;
  /** The environment variable the key is (or would be) read from. */
  keyEnv?: string;
  hasKey: boolean;
  enabled: boolean;
  usable: boolean;
  /** Why the provider is not usable, in one line. */
  why?: string;
}

export interface ProviderRegistryOptions {
  providers: Record<string, ProviderConfig>;
  env: Env;
  /** Injected in tests; defaults to the global fetch. */
  fetch?: typeof fetch;
  /** `limits.maxResponseBytes`: the largest response body accepted from a provider. */
  maxResponseBytes?: number;
}

export interface ProviderRegistry {
  /** Every provider known: the built-ins, then the config's other entries, in config order. */
  configured(): ProviderStatus[];
  available(provider: string): boolean;
  /**
   * A model instance (never a string id); throws one line when the provider is unknown or unusable.
   * `embedded` (unless the config names a provider so) is the extractive model, whatever `modelId`.
   */
  languageModel(provider: string, modelId: string): LanguageModelV3;
}

/** Everything resolved about one provider; `apiKey` and `headers` stay inside this module. */
interface Resolved {
  status: ProviderStatus;
  baseURL: string | undefined;
  apiKey: string | undefined;
  headers: Record<string, string>;
  command: CommandSettings | undefined;
}

/** A `command` provider's settings with the defaults filled in (undefined for other kinds). */
function commandSettings(config: ProviderConfig | undefined): CommandSettings | undefined {
  if (config?.type !== 'command' || config.command === undefined) return undefined;
  return {
    argv: [...config.command],
    input: config.input ?? 'plain',
    output: config.output ?? 'plain',
    outputField: config.outputField ?? 'result',
    timeoutMs: config.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
    maxOutputBytes: config.maxOutputBytes ?? DEFAULT_COMMAND_MAX_OUTPUT_BYTES,
  };
}

function isBuiltin(name: string): name is BuiltinProvider {
  return (BUILTIN_PROVIDERS as readonly string[]).includes(name);
}

function envValue(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function withoutTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** For display: `https://user:secret@host/x` -> `https://***@host/x`. */
function displayURL(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username === '' && parsed.password === '') return url;
    parsed.username = '***';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url;
  }
}

/** The definitions seen through the contract (each one's own literal type is narrower). */
const DEFINITIONS: Readonly<Record<ProviderKind, ProviderDefinition>> = PROVIDER_DEFINITIONS;

/** The embedded model reads none of its settings: no endpoint, no key, no network. */
const EMBEDDED_SETTINGS: ProviderSettings = {
  name: EXTRACTIVE_PROVIDER,
  baseURL: undefined,
  apiKey: undefined,
  headers: {},
  fetch: () => Promise.reject(new Error('the embedded extractive model makes no HTTP request')),
};

const ENV_REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Resolves `${NAME}` references in header values; names the first missing variable instead. */
function resolveHeaders(
  headers: Record<string, string> | undefined,
  env: Env,
): { headers: Record<string, string>; missing?: { header: string; variable: string } } {
  const resolved: Record<string, string> = {};
  for (const [header, template] of Object.entries(headers ?? {})) {
    let missing: string | undefined;
    const value = template.replace(ENV_REFERENCE, (_match, variable: string) => {
      const found = env[variable];
      if (found === undefined || found === '') missing ??= variable;
      return found ?? '';
    });
    if (missing !== undefined) return { headers: {}, missing: { header, variable: missing } };
    resolved[header] = value;
  }
  return { headers: resolved };
}

function resolveProvider(name: string, config: ProviderConfig | undefined, env: Env): Resolved {
  // A built-in name defaults to its own type; any other entry is an OpenAI-compatible endpoint, the only
  // kind of provider that is not a built-in vendor.
  const type: ProviderType = config?.type ?? (isBuiltin(name) ? name : 'openai-compatible');
  const enabled = config?.enabled ?? true;
  const vendor = DEFINITIONS[type];

  const keyEnvs = config?.apiKeyEnv !== undefined ? [config.apiKeyEnv] : vendor.keyEnvs;
  const foundEnv = keyEnvs.find((variable) => envValue(env, variable) !== undefined);
  const keyEnv = foundEnv ?? keyEnvs[0];
  const apiKey = foundEnv !== undefined ? envValue(env, foundEnv) : undefined;

  // The base URL environment variable only belongs to the built-in provider of that name.
  const fromEnv = vendor.baseURLEnv !== undefined && name === type ? envValue(env, vendor.baseURLEnv) : undefined;
  const configuredURL = config?.baseURL ?? fromEnv;
  let baseURL: string | undefined;
  if (configuredURL !== undefined) {
    baseURL = vendor.baseURL !== undefined ? vendor.baseURL(configuredURL) : withoutTrailingSlash(configuredURL);
  } else {
    baseURL = vendor.defaultBaseURL;
  }

  const { headers, missing } = resolveHeaders(config?.headers, env);

  let why: string | undefined;
  const command = commandSettings(config);
  if (!enabled) {
    why = `provider '${name}' is disabled in the config (enabled: false)`;
  } else if (type === 'command' && command === undefined) {
    why = `provider '${name}' (type "command") has no "command": set it to [program, ...args]`;
  } else if (vendor.baseURLRequired && baseURL === undefined) {
    why = `provider '${name}' has no baseURL: set "baseURL" for it under "providers" in the config`;
  } else if (fromEnv !== undefined && config?.baseURL === undefined && !/^https?:\/\/[^/]/i.test(fromEnv)) {
    // The config's baseURL is checked by its schema; the environment's here, so `config check` shows why.
    why = `provider '${name}': ${vendor.baseURLEnv} is set but is not an http:// or https:// URL`;
  } else if (apiKey === undefined && (vendor.keyRequired || config?.apiKeyEnv !== undefined)) {
    // An OpenAI-compatible endpoint needs no key (Ollama), unless the config names the variable holding one.
    why = `provider '${name}' has no key: set ${keyEnvs.join(' or ')} (in the environment or .env)`;
  } else if (missing !== undefined) {
    why = `provider '${name}' header '${missing.header}' needs ${missing.variable}: set it (in the environment or .env)`;
  }

  const status: ProviderStatus = {
    name,
    type,
    ...(baseURL !== undefined && { baseURL: displayURL(baseURL) }),
    ...(keyEnv !== undefined && { keyEnv }),
    hasKey: apiKey !== undefined,
    enabled,
    usable: why === undefined,
    ...(why !== undefined && { why }),
  };
  return { status, baseURL, apiKey, headers, command };
}

function createFactory(
  name: string,
  resolved: Resolved,
  fetchImpl: typeof fetch,
  maxBytes: number,
): LanguageModelFactory {
  const { baseURL, apiKey, headers, command } = resolved;
  return DEFINITIONS[resolved.status.type].languageModels({
    name,
    baseURL,
    apiKey,
    headers,
    fetch: limitResponseSize(fetchImpl, name, maxBytes),
    ...(command !== undefined && { command }),
  });
}

export function createProviderRegistry(options: ProviderRegistryOptions): ProviderRegistry {
  const { providers, env } = options;
  const names = [...BUILTIN_PROVIDERS, ...Object.keys(providers).filter((name) => !isBuiltin(name))];
  const resolved = new Map<string, Resolved>(
    names.map((name) => [
      name,
      resolveProvider(name, Object.hasOwn(providers, name) ? providers[name] : undefined, env),
    ]),
  );
  const factories = new Map<string, LanguageModelFactory>();

  return {
    configured: () => names.map((name) => ({ ...resolved.get(name)!.status })),
    available: (provider) => resolved.get(provider)?.status.usable ?? false,
    languageModel(provider, modelId) {
      const entry = resolved.get(provider);
      if (entry === undefined && provider === EXTRACTIVE_PROVIDER) {
        return DEFINITIONS.embedded.languageModels(EMBEDDED_SETTINGS)(modelId);
      }
      if (entry === undefined) {
        throw new Error(
          `unknown provider '${provider}': use ${names.join(', ')}, or add it under "providers" in the config`,
        );
      }
      if (entry.status.why !== undefined) throw new Error(entry.status.why);
      let factory = factories.get(provider);
      if (factory === undefined) {
        // The global fetch is looked up at call time, as the AI SDK itself would.
        const fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
        factory = createFactory(provider, entry, fetchImpl, options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES);
        factories.set(provider, factory);
      }
      return factory(modelId);
    },
  };
}
