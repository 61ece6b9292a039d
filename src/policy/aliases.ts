/**
 * Hint aliases. The MCP spec lets a client map a model hint to an equivalent model of another provider:
 * a server written against `gpt-4o` should still get a comparable model from a user who only has an
 * Anthropic or a Google key. Aliases apply only to a hint that matches no enabled model directly.
 *
 * Keys are matched against the hint: the key equal to the hint, else the longest key contained in it
 * (so `gpt-4o-2024-08-06` uses `gpt-4o` and `gpt-4o-mini` its own key). Each target is matched against
 * the enabled models the way a hint is (a substring of the id), in the order given. Models are paired
 * by tier: flagship reasoning models, general models, small models, the tiniest.
 *
 * Keys for models that are not in the built-in catalog (retired or dated names) list the same vendor's
 * current successor first, then the other vendors' equivalents. Family keys (`sonnet`, `haiku`, `opus`,
 * `gemini`) do the same, for dated or older names that only the family key catches.
 */

export type Aliases = Readonly<Record<string, readonly string[]>>;

const OPUS = ['claude-opus-4-1', 'gpt-5', 'o3', 'gemini-2.5-pro'] as const;
const SONNET = ['claude-sonnet-4-5', 'gpt-4o', 'gemini-2.5-pro'] as const;
const HAIKU = ['claude-haiku-4-5', 'gpt-4o-mini', 'gemini-2.5-flash'] as const;

export const BUILTIN_ALIASES: Aliases = Object.freeze({
  // OpenAI
  'gpt-5': ['claude-sonnet-4-5', 'gemini-2.5-pro'],
  'gpt-5-mini': ['claude-haiku-4-5', 'gemini-2.5-flash'],
  'gpt-5-nano': ['gpt-4.1-nano', 'gemini-2.5-flash-lite', 'claude-3-5-haiku-latest'],
  'gpt-4.1': ['claude-sonnet-4-5', 'gemini-2.5-pro'],
  'gpt-4.1-mini': ['claude-haiku-4-5', 'gemini-2.5-flash'],
  'gpt-4.1-nano': ['gemini-2.5-flash-lite', 'claude-3-5-haiku-latest'],
  'gpt-4o': ['claude-sonnet-4-5', 'gemini-2.5-pro'],
  'gpt-4o-mini': ['claude-haiku-4-5', 'gemini-2.5-flash'],
  // gpt-4, gpt-4-turbo, gpt-4.5-preview and other gpt-4 names without a key of their own
  'gpt-4': ['gpt-4.1', 'claude-sonnet-4-5', 'gemini-2.5-pro'],
  'gpt-3.5': ['gpt-4o-mini', 'claude-haiku-4-5', 'gemini-2.5-flash-lite'],
  o1: ['o3', 'claude-opus-4-1', 'gemini-2.5-pro'],
  'o1-mini': ['o4-mini', 'gemini-2.5-flash', 'claude-haiku-4-5'],
  o3: ['claude-opus-4-1', 'gemini-2.5-pro'],
  'o3-mini': ['o4-mini', 'gemini-2.5-flash', 'claude-haiku-4-5'],
  'o4-mini': ['gemini-2.5-flash', 'claude-haiku-4-5'],

  // Anthropic
  'claude-opus-4-1': ['gpt-5', 'o3', 'gemini-2.5-pro'],
  'claude-opus-4': OPUS,
  'claude-3-opus': OPUS,
  opus: OPUS,
  'claude-sonnet-4-5': ['gpt-4o', 'gemini-2.5-pro'],
  'claude-sonnet-4': SONNET,
  'claude-3-7-sonnet': SONNET,
  'claude-3-5-sonnet': SONNET,
  'claude-3-sonnet': SONNET,
  sonnet: SONNET,
  'claude-haiku-4-5': ['gpt-4o-mini', 'gemini-2.5-flash'],
  'claude-3-5-haiku': ['gpt-4o-mini', 'gemini-2.5-flash'],
  'claude-3-haiku': ['claude-3-5-haiku-latest', 'gpt-4o-mini', 'gemini-2.5-flash-lite'],
  haiku: HAIKU,

  // Google
  'gemini-2.5-pro': ['claude-sonnet-4-5', 'gpt-5', 'gpt-4.1'],
  'gemini-2.5-flash': ['gpt-4o-mini', 'claude-haiku-4-5'],
  'gemini-2.5-flash-lite': ['gpt-4.1-nano', 'claude-3-5-haiku-latest'],
  'gemini-2.0-flash': ['gemini-2.5-flash', 'gpt-4o-mini', 'claude-haiku-4-5'],
  'gemini-2.0-flash-lite': ['gemini-2.5-flash-lite', 'gpt-4.1-nano', 'claude-3-5-haiku-latest'],
  'gemini-1.5-flash': ['gemini-2.5-flash', 'gpt-4o-mini', 'claude-haiku-4-5'],
  'gemini-1.5-pro': ['gemini-2.5-pro', 'claude-sonnet-4-5', 'gpt-4o'],
  'gemini-flash': ['gemini-2.5-flash', 'gpt-4o-mini', 'claude-haiku-4-5'],
  'gemini-flash-lite': ['gemini-2.5-flash-lite', 'gpt-4.1-nano', 'claude-3-5-haiku-latest'],
  'gemini-pro': ['gemini-2.5-pro', 'claude-sonnet-4-5', 'gpt-4o'],
  gemini: ['gemini-2.5-pro', 'claude-sonnet-4-5', 'gpt-4o'],
} satisfies Record<string, readonly string[]>);

/** The built-in aliases with the configuration's `aliases` over them: a configured key replaces the built-in one. */
export function mergeAliases(configured: Aliases | undefined, builtin: Aliases = BUILTIN_ALIASES): Aliases {
  return { ...builtin, ...configured };
}
