/**
 * The model catalog: which models exist, what they cost, how large their windows are, and how they score
 * on the three MCP model-preference axes (cost, speed, intelligence). Model resolution ranks by the scores;
 * budgets and audit lines price calls with `price`; limits cap output with `maxOutputTokens`.
 *
 * Prices are the vendors' public list prices (standard tier, text, US dollars per million tokens) and the
 * context/output sizes their documented limits, as they stood when this file was written. They change:
 * any field of any entry can be overridden, entries removed and new ones added under `models` in the
 * configuration file (see `buildCatalog`).
 */
import type { ModelConfig } from '../config/schema.js';

export interface CatalogModel {
  /** Provider name: a built-in vendor (`openai`, `anthropic`, `google`) or a key of the config's `providers`. */
  provider: string;
  /** The provider's own model id, as sent to its API. */
  id: string;
  /** Input plus output tokens the model accepts. */
  contextWindow: number;
  /** Most tokens the model writes in one response. */
  maxOutputTokens: number;
  /** US dollars per million tokens. */
  price: { input: number; output: number };
  /** 0..1, higher is better: cheaper, faster, more capable. */
  scores: { cost: number; speed: number; intelligence: number };
}

/** `provider/id`: how a model is named in configuration, reasons and audit lines. */
export function modelKey(m: { provider: string; id: string }): string {
  return `${m.provider}/${m.id}`;
}

// Cost score: the blended price (3 input tokens for 1 output token, a typical sampling request: a
// document in, a summary out), log-scaled between BLENDED_FREE (score 1) and BLENDED_PRICEY (score 0).
// A log scale because prices span three orders of magnitude: a tenfold price step is the same score step
// (1/3) anywhere on the scale.
const BLENDED_FREE = 0.05;
const BLENDED_PRICEY = 50;

/** The price of a typical request's token mix, in US dollars per million tokens. */
export function blendedPrice(price: { input: number; output: number }): number {
  return 0.75 * price.input + 0.25 * price.output;
}

/** Cost score in 0..1 derived from the price: 1 for free (or at most $0.05/M blended), 0 at $50/M or more. */
export function costScore(price: { input: number; output: number }): number {
  const blended = blendedPrice(price);
  if (!(blended > BLENDED_FREE)) return 1; // also catches NaN
  const score = Math.log10(BLENDED_PRICEY / blended) / Math.log10(BLENDED_PRICEY / BLENDED_FREE);
  return round2(Math.min(1, Math.max(0, score)));
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/**
 * What a configured model that is not in the built-in catalog gets for every field it leaves out. Sized
 * for a small local model (Ollama, LM Studio, llama.cpp): free, a modest window, middling speed, modest
 * ability. The cost score is derived from the price when one is given (so free stays 1).
 */
export const NEW_MODEL_DEFAULTS: Readonly<Omit<CatalogModel, 'provider' | 'id'>> = Object.freeze({
  contextWindow: 8192,
  maxOutputTokens: 4096,
  price: Object.freeze({ input: 0, output: 0 }),
  scores: Object.freeze({ cost: 1, speed: 0.5, intelligence: 0.4 }),
});

/** One built-in entry; the cost score always follows from the price, speed and intelligence are judgement. */
function entry(
  provider: string,
  id: string,
  contextWindow: number,
  maxOutputTokens: number,
  input: number,
  output: number,
  speed: number,
  intelligence: number,
): CatalogModel {
  const price = { input, output };
  return {
    provider,
    id,
    contextWindow,
    maxOutputTokens,
    price,
    scores: { cost: costScore(price), speed, intelligence },
  };
}

// Speed and intelligence are relative judgements on one scale across vendors. Speed: reasoning models that
// think before answering (o3, gpt-5, the 2.5 Pro) are slow; flagships are middling; the small tiers fast.
// Intelligence: the current reasoning flagships at the top, general models around 0.7-0.75, small models
// 0.5-0.7, the tiniest 0.4-0.5.
export const BUILTIN_CATALOG: readonly CatalogModel[] = Object.freeze(
  [
    // provider, id, context window, max output tokens, $ per M input, $ per M output, speed, intelligence
    entry('openai', 'gpt-5', 400_000, 128_000, 1.25, 10, 0.35, 0.95),
    entry('openai', 'gpt-5-mini', 400_000, 128_000, 0.25, 2, 0.55, 0.8),
    entry('openai', 'o3', 200_000, 100_000, 2, 8, 0.3, 0.9),
    entry('openai', 'o4-mini', 200_000, 100_000, 1.1, 4.4, 0.5, 0.8),
    entry('openai', 'gpt-4.1', 1_047_576, 32_768, 2, 8, 0.7, 0.75),
    entry('openai', 'gpt-4.1-mini', 1_047_576, 32_768, 0.4, 1.6, 0.85, 0.6),
    entry('openai', 'gpt-4.1-nano', 1_047_576, 32_768, 0.1, 0.4, 0.95, 0.4),
    entry('openai', 'gpt-4o', 128_000, 16_384, 2.5, 10, 0.7, 0.7),
    entry('openai', 'gpt-4o-mini', 128_000, 16_384, 0.15, 0.6, 0.85, 0.5),
    entry('anthropic', 'claude-opus-4-1', 200_000, 32_000, 15, 75, 0.3, 0.93),
    entry('anthropic', 'claude-sonnet-4-5', 200_000, 64_000, 3, 15, 0.6, 0.9),
    entry('anthropic', 'claude-haiku-4-5', 200_000, 64_000, 1, 5, 0.85, 0.7),
    entry('anthropic', 'claude-3-5-haiku-latest', 200_000, 8_192, 0.8, 4, 0.8, 0.5),
    entry('google', 'gemini-2.5-pro', 1_048_576, 65_536, 1.25, 10, 0.45, 0.9),
    entry('google', 'gemini-2.5-flash', 1_048_576, 65_536, 0.3, 2.5, 0.8, 0.72),
    entry('google', 'gemini-2.5-flash-lite', 1_048_576, 65_536, 0.1, 0.4, 0.95, 0.5),
  ].map((m) => Object.freeze(m)),
);

/** A config `models` entry as written (before zod's defaults), or as parsed. */
export type ModelOverride = Omit<ModelConfig, 'enabled'> & { enabled?: boolean | undefined };

function copy(m: CatalogModel): CatalogModel {
  return { ...m, price: { ...m.price }, scores: { ...m.scores } };
}

/**
 * The built-in catalog with the configuration's `models` applied, in order:
 * - an entry whose provider and id (exactly) match a built-in model replaces the fields it gives, the
 *   others are kept; several entries for one model apply one after the other;
 * - `enabled: false` removes the model (the last entry for a model decides whether it is enabled);
 * - any other entry adds a model; fields it leaves out come from `NEW_MODEL_DEFAULTS`;
 * - when a price is given but no scores, the cost score is derived again from the (new) price, and the
 *   speed and intelligence scores are kept (built-in) or defaulted (new).
 * Built-in entries come first in their own order, additions after them in configuration order. The
 * built-in catalog itself is never modified.
 */
export function buildCatalog(overrides: readonly ModelOverride[]): CatalogModel[] {
  const models = new Map<string, { model: CatalogModel; enabled: boolean }>();
  for (const m of BUILTIN_CATALOG) models.set(modelKey(m), { model: copy(m), enabled: true });

  const explicitScores = new Set<string>();
  for (const o of overrides) {
    const key = modelKey(o);
    const current = models.get(key)?.model ?? copy({ provider: o.provider, id: o.id, ...NEW_MODEL_DEFAULTS });
    const merged: CatalogModel = {
      provider: o.provider,
      id: o.id,
      contextWindow: o.contextWindow ?? current.contextWindow,
      maxOutputTokens: o.maxOutputTokens ?? current.maxOutputTokens,
      price: o.price !== undefined ? { ...o.price } : current.price,
      scores: o.scores !== undefined ? { ...o.scores } : current.scores,
    };
    if (o.scores !== undefined) explicitScores.add(key);
    else if (o.price !== undefined && !explicitScores.has(key)) {
      merged.scores = { ...merged.scores, cost: costScore(merged.price) };
    }
    models.set(key, { model: merged, enabled: o.enabled ?? true });
  }

  return [...models.values()].filter((m) => m.enabled).map((m) => m.model);
}
