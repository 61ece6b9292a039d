/**
 * The provider contract (types only): what a vendor file under vendors/ (or embedded/) exports, and what
 * the registry does with it. A definition says where its key and endpoint come from, what a missing one
 * means, whether its models can call tools, and how to build its AI SDK model from the resolved settings.
 * Every kind has exactly one definition (definitions.ts: `satisfies Record<ProviderKind, ...>`).
 */
import type { LanguageModelV3 } from '@ai-sdk/provider';

import type { ProviderConfig } from '../config/schema.js';

/** The kinds a config entry may name (`type`): the built-in vendors and `openai-compatible`. */
export type ConfiguredProviderKind = NonNullable<ProviderConfig['type']>;

/** Every kind of provider: the configurable ones plus the embedded extractive model. */
export type ProviderKind = ConfiguredProviderKind | 'embedded';

/** What the registry resolved for one provider, handed to its definition's `languageModels`. */
export interface ProviderSettings {
  /** The provider's name (a built-in name or a key of the config's `providers`). */
  name: string;
  /** The endpoint, already normalised (`baseURL` of the definition); undefined: the vendor's own default. */
  baseURL: string | undefined;
  /** Read from the environment by name; never logged, never part of a status or an error. */
  apiKey: string | undefined;
  /** The config's `headers`, with `${NAME}` references resolved. */
  headers: Record<string, string>;
  /** The fetch to use: the injected or global one, wrapped in the response-size cap. */
  fetch: typeof fetch;
  /** A `command` provider's program and framing (from its config entry); undefined for every other kind. */
  command?: CommandSettings | undefined;
}

/** What a `command` provider runs and how it talks to it (its config entry, defaults filled in). */
export interface CommandSettings {
  /** The program and its arguments; run without a shell. */
  argv: readonly string[];
  input: 'plain' | 'json';
  output: 'plain' | 'json';
  /** With `output: "json"`: the dotted path of the completion's text. */
  outputField: string;
  timeoutMs: number;
  maxOutputBytes: number;
}

/** Builds one model instance (never a string id) of a provider. */
export type LanguageModelFactory = (modelId: string) => LanguageModelV3;

export interface ProviderDefinition {
  readonly kind: ProviderKind;
  /** Environment variables the key is read from, first set one wins; empty when the kind needs none. */
  readonly keyEnvs: readonly string[];
  /** Whether a missing key makes the provider unusable (otherwise only when the config names `apiKeyEnv`). */
  readonly keyRequired: boolean;
  /** The environment variable overriding the endpoint (only for the built-in provider of that name). */
  readonly baseURLEnv?: string;
  /** The endpoint used when neither the config nor `baseURLEnv` names one. */
  readonly defaultBaseURL?: string;
  /** Whether the provider is unusable without an endpoint (no default exists). */
  readonly baseURLRequired: boolean;
  /** Normalises a configured endpoint (the registry has already trimmed trailing slashes when absent). */
  readonly baseURL?: (configured: string) => string;
  /** Whether its models can call tools (the embedded extractive model cannot). */
  readonly canCallTools: boolean;
  /** Builds the provider once from its settings; the result builds its models. */
  languageModels(settings: ProviderSettings): LanguageModelFactory;
}
