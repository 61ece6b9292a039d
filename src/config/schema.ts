/**
 * The client's configuration file (`mcp-sampling.config.json`), as zod schemas. Every object is strict:
 * an unknown key is an error, because a typo must never silently disable a limit. Keys never appear
 * here: a provider names the environment variable that holds its key.
 */
import * as z from 'zod/v4';

/** The default for `limits.maxResponseBytes`: far above any real completion, far below trouble. */
export const DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

const Score = z.number().min(0).max(1);
const PositiveInt = z.number().int().positive();
const NonNegative = z.number().nonnegative();

export const BUILTIN_PROVIDERS = ['openai', 'anthropic', 'google'] as const;
export type BuiltinProvider = (typeof BUILTIN_PROVIDERS)[number];
/**
 * The kinds of provider a config entry may be (`type`): a built-in vendor, an OpenAI-compatible endpoint,
 * or a local command (a CLI that reads the prompt on stdin and prints the completion).
 */
export const PROVIDER_TYPES = [...BUILTIN_PROVIDERS, 'openai-compatible', 'command'] as const;

/** How a `command` provider's prompt is written to its stdin and its completion read from its stdout. */
export const COMMAND_FRAMINGS = ['plain', 'json'] as const;
/** Default of a `command` provider's `timeoutMs`. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 300_000;
/** Default of a `command` provider's `maxOutputBytes`. */
export const DEFAULT_COMMAND_MAX_OUTPUT_BYTES = 4 * 1024 * 1024;

/** The settings only a `command` provider has. */
const COMMAND_SETTINGS = ['command', 'input', 'output', 'outputField', 'timeoutMs', 'maxOutputBytes', 'model'] as const;

/** One provider: a built-in vendor, or any OpenAI-compatible endpoint (Ollama, LM Studio, vLLM, llama.cpp). */
export const ProviderConfigSchema = z
  .strictObject({
    /** `openai` | `anthropic` | `google` | `openai-compatible`; default: the provider's own name when built in. */
    type: z.enum(PROVIDER_TYPES).optional(),
    /** Name of the environment variable holding the API key (never the key itself). */
    apiKeyEnv: z.string().min(1).optional(),
    /** Endpoint; required for openai-compatible providers. An http:// or https:// URL. */
    baseURL: z
      .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL, like http://127.0.0.1:11434/v1' })
      .optional(),
    /** Turn a provider off without deleting it. */
    enabled: z.boolean().default(true),
    /** Extra HTTP headers (values may be `${ENV_NAME}` references, resolved from the environment). */
    headers: z.record(z.string(), z.string()).optional(),
    /** `command` only: the program and its arguments (no shell), e.g. `["claude", "-p", "--output-format", "json"]`. */
    command: z.array(z.string().min(1)).min(1).optional(),
    /** `command` only: what goes to stdin: `plain` (the prompt as text, the default) or `json` (one object). */
    input: z.enum(COMMAND_FRAMINGS).optional(),
    /** `command` only: what stdout holds: `plain` (the completion, the default) or `json` (read at `outputField`). */
    output: z.enum(COMMAND_FRAMINGS).optional(),
    /** `command` only, with `output: "json"`: the dotted path of the completion's text. Default `result`. */
    outputField: z.string().min(1).optional(),
    /** `command` only: how long one run may take before the process tree is killed. Default 300000 (5 min). */
    timeoutMs: PositiveInt.optional(),
    /** `command` only: the most stdout accepted; past it the process is killed and the call fails. Default 4 MiB. */
    maxOutputBytes: PositiveInt.optional(),
    /** `command` only: the model id of its catalog entry (`<provider>/<model>`). Default `default`. */
    model: z.string().min(1).optional(),
  })
  .superRefine((provider, ctx) => {
    const own = COMMAND_SETTINGS.filter((key) => provider[key] !== undefined);
    if (provider.type === 'command') {
      if (provider.command === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['command'],
          message: 'a "command" provider needs "command": [program, ...args]',
        });
      }
      for (const key of ['baseURL', 'apiKeyEnv', 'headers'] as const) {
        if (provider[key] !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: `a "command" provider has no "${key}" (it runs a local program)`,
          });
        }
      }
    } else {
      for (const key of own) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `"${key}" is a setting of "type": "command" providers only`,
        });
      }
    }
  });
export type ProviderConfig = z.infer<typeof ProviderConfigSchema>;

/** A catalog entry: what a model is, what it costs, how it scores. */
export const ModelConfigSchema = z.strictObject({
  /** The provider's model id, e.g. `gpt-4o`, `claude-sonnet-4-5`, `llama3.2`. */
  id: z.string().min(1),
  /** Key of `providers` (or a built-in provider name). */
  provider: z.string().min(1),
  contextWindow: PositiveInt.optional(),
  maxOutputTokens: PositiveInt.optional(),
  /** US dollars per million tokens. */
  price: z.strictObject({ input: NonNegative, output: NonNegative }).optional(),
  /** 0..1, higher is better: cheaper, faster, more capable. */
  scores: z.strictObject({ cost: Score, speed: Score, intelligence: Score }).optional(),
  /** Remove a built-in entry (only meaningful when overriding one). */
  enabled: z.boolean().default(true),
});
export type ModelConfig = z.infer<typeof ModelConfigSchema>;

export const ApprovalModeSchema = z.enum(['auto', 'ask', 'deny']);
export type ApprovalMode = z.infer<typeof ApprovalModeSchema>;

export const ContentTypeSchema = z.enum(['text', 'image', 'audio']);

const BudgetWindowSchema = z.strictObject({
  /** Input plus output tokens. */
  tokens: PositiveInt.optional(),
  /** US dollars, from the catalog's prices. */
  costUsd: z.number().positive().optional(),
});

/** The policy for one server (or the defaults, under `"*"`). Every field optional: unset = inherited. */
export const ServerPolicySchema = z.strictObject({
  approval: ApprovalModeSchema.optional(),
  /** Models this server may use: `provider/model` ids, bare model ids, or `*`. */
  models: z.array(z.string().min(1)).min(1).optional(),
  /** Provider calls in flight at once for this server (a long document sends many requests). Default 4. */
  maxConcurrent: PositiveInt.optional(),
  /** Upper bound on maxTokens; the request's own value is never exceeded either. */
  maxTokens: PositiveInt.optional(),
  temperature: z
    .strictObject({ min: z.number().min(0).max(2), max: z.number().min(0).max(2) })
    .refine((range) => range.min <= range.max, { error: 'min must not be greater than max' })
    .optional(),
  /**
   * Content types the server may send besides text: `image`, `audio`. Text (and tool calls and their
   * results) is always allowed; listing `text` is accepted and changes nothing. Unset: every type.
   */
  contentTypes: z.array(ContentTypeSchema).optional(),
  rateLimit: z
    .strictObject({
      requestsPerMinute: PositiveInt.optional(),
      tokensPerMinute: PositiveInt.optional(),
      /** `wait` until the window allows the request, or `reject` it at once. */
      onLimit: z.enum(['wait', 'reject']).default('wait'),
    })
    .optional(),
  budget: z.strictObject({ session: BudgetWindowSchema.optional(), day: BudgetWindowSchema.optional() }).optional(),
});
export type ServerPolicy = z.infer<typeof ServerPolicySchema>;

/** How the client authorizes itself to one HTTP server with OAuth 2.1 (or, under `"*"`, to every server). */
export const OAuthServerConfigSchema = z.strictObject({
  /** A client id registered with the server's authorization server beforehand (pre-registration). */
  clientId: z.string().min(1).optional(),
  /** The environment variable (or .env entry) holding that client's secret; the secret never goes in this file. */
  clientSecretEnv: z.string().min(1).optional(),
  /**
   * The https URL of this client's Client ID Metadata Document, used as its client id where the
   * authorization server supports URL-based client ids.
   */
  clientMetadataUrl: z
    .url({ protocol: /^https$/, error: 'must be an https:// URL with a path, like https://example.com/client.json' })
    .refine((value) => new URL(value).pathname !== '/', {
      error: 'must be an https:// URL with a path, like https://example.com/client.json',
    })
    .optional(),
  /** Scopes to ask for when neither the server's challenge nor its metadata names any. */
  scopes: z
    .array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, 'a scope is one word'))
    .min(1)
    .optional(),
  /** The port of the loopback redirect listener on 127.0.0.1 (default: a free port, kept per server). */
  redirectPort: z.number().int().min(1).max(65_535).optional(),
});
export type OAuthServerConfig = z.infer<typeof OAuthServerConfigSchema>;

/**
 * The whole configuration file (`mcp-sampling.config.json`; docs/configuration.md). `z.input` of it is what
 * a host writes, `Config` what it parses to (defaults filled in).
 *
 * @example
 * ```ts
 * const result = ConfigSchema.safeParse({ servers: { '*': { approval: 'ask' } } });
 * if (result.success) console.log(result.data.retry.maxRetries); // 2
 * ```
 */
export const ConfigSchema = z.strictObject({
  $schema: z.string().optional(),
  providers: z.record(z.string().min(1), ProviderConfigSchema).default({}),
  /** Catalog additions and overrides (matched by provider + id). */
  models: z.array(ModelConfigSchema).default([]),
  /** Hint aliases: a hint (substring) -> equivalent model ids of other vendors, in order of preference. */
  aliases: z.record(z.string().min(1), z.array(z.string().min(1)).min(1)).default({}),
  /** Used when no hint matches and the request gives no priorities: `provider/model`. */
  defaultModel: z.string().min(1).optional(),
  /** The embedded extractive summarizer, the last resort. */
  embedded: z.strictObject({ enabled: z.boolean().default(true) }).default({ enabled: true }),
  /** Policies by server name (as given in initialize) or command/URL; `*` holds the defaults. */
  servers: z.record(z.string().min(1), ServerPolicySchema).default({}),
  retry: z
    .strictObject({
      maxRetries: z.number().int().min(0).max(10).default(2),
      initialDelayMs: z.number().int().min(0).default(500),
      maxDelayMs: z.number().int().min(0).default(20_000),
    })
    .default({ maxRetries: 2, initialDelayMs: 500, maxDelayMs: 20_000 }),
  fallbacks: z
    .strictObject({
      /**
       * How many more models to try after the chosen one fails with a retryable error. The embedded
       * extractive model is never a fallback for a real model: it would answer with extracted sentences.
       */
      maxModels: z.number().int().min(0).max(10).default(2),
    })
    .default({ maxModels: 2 }),
  timeouts: z
    .strictObject({
      /** One provider call. */
      providerMs: PositiveInt.default(120_000),
      /** A human deciding on an approval prompt. */
      approvalMs: PositiveInt.default(600_000),
    })
    .default({ providerMs: 120_000, approvalMs: 600_000 }),
  limits: z
    .strictObject({
      /** The largest response body accepted from a provider, in bytes; a larger one is cut off (not retried). */
      maxResponseBytes: PositiveInt.default(DEFAULT_MAX_RESPONSE_BYTES),
    })
    .default({ maxResponseBytes: DEFAULT_MAX_RESPONSE_BYTES }),
  audit: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** Default: `~/.mcp-sampling/audit.jsonl`. */
      path: z.string().min(1).optional(),
      /** Record prompt and completion text (off by default). */
      includeText: z.boolean().default(false),
    })
    .default({ enabled: true, includeText: false }),
  http: z
    .strictObject({
      /**
       * The environment variable (or .env entry) holding the bearer token sent to HTTP servers
       * (`--server <url>`). The token itself never goes in this file.
       */
      bearerTokenEnv: z.string().min(1).default('MCP_SAMPLING_SERVER_TOKEN'),
    })
    .default({ bearerTokenEnv: 'MCP_SAMPLING_SERVER_TOKEN' }),
  /**
   * OAuth for HTTP servers (`--server <url>`, `auth login <url>`), by server URL; `*` holds the defaults.
   * Tokens are never here: they are kept per server under `~/.mcp-sampling/oauth/` (mode 0600).
   */
  oauth: z
    .record(z.string().min(1), OAuthServerConfigSchema)
    .superRefine((oauth, ctx) => {
      // A client registered with one authorization server must not be offered to every other one a new
      // server names (a secret under "*" would go to whoever runs that server's authorization server).
      for (const key of ['clientId', 'clientSecretEnv'] as const) {
        if (oauth['*']?.[key] !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['*', key],
            message: `"${key}" belongs to one authorization server: set it under the server's URL, not under "*"`,
          });
        }
      }
    })
    .default({}),
  /** Directories servers may read files from (declared as MCP roots), besides the file given to `summarize`. */
  roots: z.array(z.string().min(1)).default([]),
  /** Where daily budgets are kept. Default: `~/.mcp-sampling/state.json`. */
  statePath: z.string().min(1).optional(),
});
/** The validated configuration (the output of `ConfigSchema`, defaults filled in). */
export type Config = z.infer<typeof ConfigSchema>;
