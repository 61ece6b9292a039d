/**
 * Which model answers a sampling request, and which ones to fall back to. Pure: the caller passes the
 * models that may answer (provider configured, allowed for the server) and gets an ordered, duplicate-free
 * list of candidates, each with the reason it is there.
 *
 * The rules, in order (MCP `modelPreferences`):
 *   a. hints, in the request's order: a hint matches a model when it is a substring of the model's id or
 *      of `provider/id` (case-insensitive);
 *   b. a hint that matches nothing directly goes through the aliases (an equivalent of another vendor);
 *   c. with no hint matching, the request's priorities: the weighted mean of each model's scores;
 *   d. without priorities, the configured default model;
 *   e. then a balanced ranking (all three scores weighted equally);
 *   f. the embedded extractive summarizer, last.
 * The first candidate is the choice; the others follow by the same rules, so that the caller can fall back.
 */
import type { CatalogModel } from '../providers/catalog.js';
import { modelKey } from '../providers/catalog.js';
import { EXTRACTIVE_MODEL_ID, EXTRACTIVE_PROVIDER } from '../providers/embedded/extractive-model.js';

/** MCP `costPriority`, `speedPriority`, `intelligencePriority`: 0..1, how much each matters. */
export interface Priorities {
  cost?: number;
  speed?: number;
  intelligence?: number;
}

export interface ResolveInput {
  /** Hint names, in the request's order. */
  hints: readonly string[];
  priorities: Priorities;
  /** The models that may answer: provider configured, allowed for this server. */
  models: readonly CatalogModel[];
  /** Built-in aliases with the configured ones over them. */
  aliases: Readonly<Record<string, readonly string[]>>;
  /** `provider/id` or a bare id. */
  defaultModel?: string;
  /** Whether the embedded extractive summarizer may answer, as the last resort. */
  embedded: boolean;
}

export interface Candidate {
  provider: string;
  id: string;
  reason: string;
  /** For candidates ranked by score: the model's scores and the weighted `score` it was ranked by. */
  scores?: Record<string, number>;
}

export interface ModelDecision {
  /** The choice first, then the fallbacks in order; no model twice. */
  candidates: Candidate[];
  /** Why the first candidate, or why there is none. */
  reason: string;
}

/** The embedded model as a candidate name. */
export const EMBEDDED_CANDIDATE: Readonly<{ provider: string; id: string }> = Object.freeze({
  provider: EXTRACTIVE_PROVIDER,
  id: EXTRACTIVE_MODEL_ID,
});

export const NO_MODEL_REASON =
  'no model is enabled for this server (configure a provider key, or enable the embedded model)';

/**
 * Whether a server's `models` allowlist admits a model. A pattern is `*` (everything), `provider/*` (all
 * of a provider's models), `provider/id` (one model), or a bare `id` (that model at any provider).
 * Comparison is case-insensitive; surrounding whitespace is ignored.
 */
export function modelAllowed(model: { provider: string; id: string }, patterns: readonly string[]): boolean {
  const key = modelKey(model).toLowerCase();
  const id = model.id.toLowerCase();
  const provider = model.provider.toLowerCase();
  return patterns.some((raw) => {
    const pattern = raw.trim().toLowerCase();
    if (pattern === '*' || pattern === key || pattern === id) return true;
    return pattern.endsWith('/*') && pattern.slice(0, -2) === provider;
  });
}

interface Weights {
  cost: number;
  speed: number;
  intelligence: number;
}

const BALANCED: Weights = { cost: 1, speed: 1, intelligence: 1 };

/** A priority as a weight: clamped to 0..1; missing, negative or not a number counts 0. */
function weight(value: number | undefined): number {
  if (value === undefined || !Number.isFinite(value) || value <= 0) return 0;
  return Math.min(1, value);
}

/** The request's priorities as weights, or undefined when it gave none (or only zeros). */
function requestWeights(priorities: Priorities): Weights | undefined {
  const w = {
    cost: weight(priorities.cost),
    speed: weight(priorities.speed),
    intelligence: weight(priorities.intelligence),
  };
  return w.cost + w.speed + w.intelligence > 0 ? w : undefined;
}

function weightedMean(scores: CatalogModel['scores'], w: Weights): number {
  const total = w.cost + w.speed + w.intelligence;
  return (w.cost * scores.cost + w.speed * scores.speed + w.intelligence * scores.intelligence) / total;
}

/**
 * A model's score for the given priorities: the mean of its cost, speed and intelligence scores weighted
 * by the priorities (a missing priority weighs 0). With no positive priority at all, the plain mean.
 */
export function scoreModel(model: { scores: CatalogModel['scores'] }, priorities: Priorities): number {
  return weightedMean(model.scores, requestWeights(priorities) ?? BALANCED);
}

const EPSILON = 1e-9;

function byKey(a: CatalogModel, b: CatalogModel): number {
  const ka = modelKey(a);
  const kb = modelKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/**
 * The enabled models a hint (or an alias target) names, best first: an exact id (or `provider/id`) match,
 * then the best score by the request's priorities (only when it gave some), then the shortest id, then
 * alphabetical by `provider/id`.
 */
function matchName(name: string, models: readonly CatalogModel[], weights: Weights | undefined): CatalogModel[] {
  const needle = name.trim().toLowerCase();
  if (needle === '') return [];
  const exact = (m: CatalogModel) => m.id.toLowerCase() === needle || modelKey(m).toLowerCase() === needle;
  return models
    .filter((m) => m.id.toLowerCase().includes(needle) || modelKey(m).toLowerCase().includes(needle))
    .sort((a, b) => {
      const ea = exact(a);
      if (ea !== exact(b)) return ea ? -1 : 1;
      if (weights !== undefined) {
        const diff = weightedMean(b.scores, weights) - weightedMean(a.scores, weights);
        if (Math.abs(diff) > EPSILON) return diff;
      }
      if (a.id.length !== b.id.length) return a.id.length - b.id.length;
      return byKey(a, b);
    });
}

/** Models by weighted score, highest first; ties alphabetical by `provider/id`. */
function rank(models: readonly CatalogModel[], weights: Weights): { model: CatalogModel; score: number }[] {
  return models
    .map((model) => ({ model, score: weightedMean(model.scores, weights) }))
    .sort((a, b) => (Math.abs(b.score - a.score) > EPSILON ? b.score - a.score : byKey(a.model, b.model)));
}

/**
 * The alias entry for a hint: the key equal to it, else the longest key contained in it (ties: the
 * alphabetically first). Keys compare case-insensitively; of two keys that differ only in case, the later
 * one in the record wins (configured aliases are spread after the built-in ones).
 */
function findAlias(
  hint: string,
  aliases: Readonly<Record<string, readonly string[]>>,
): { key: string; targets: readonly string[] } | undefined {
  const needle = hint.trim().toLowerCase();
  const byKeyLower = new Map<string, readonly string[]>();
  for (const [key, targets] of Object.entries(aliases)) {
    const k = key.trim().toLowerCase();
    if (k !== '') byKeyLower.set(k, targets);
  }
  const equal = byKeyLower.get(needle);
  if (equal !== undefined) return { key: needle, targets: equal };
  let best: string | undefined;
  for (const k of byKeyLower.keys()) {
    if (!needle.includes(k)) continue;
    if (best === undefined || k.length > best.length || (k.length === best.length && k < best)) best = k;
  }
  return best === undefined ? undefined : { key: best, targets: byKeyLower.get(best) ?? [] };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function describeWeights(w: Weights): string {
  return `cost=${round2(w.cost)} speed=${round2(w.speed)} intelligence=${round2(w.intelligence)}`;
}

function scoreRecord(model: CatalogModel, score: number): Record<string, number> {
  return { ...model.scores, score: round2(score) };
}

export function resolveModel(input: ResolveInput): ModelDecision {
  const { models } = input;
  const hints = input.hints.map((h) => h.trim()).filter((h) => h !== '');
  const weights = requestWeights(input.priorities);
  const candidates: Candidate[] = [];
  const seen = new Set<string>();
  const add = (m: { provider: string; id: string }, reason: string, scores?: Record<string, number>): void => {
    const key = modelKey(m);
    if (seen.has(key)) return;
    seen.add(key);
    candidates.push({ provider: m.provider, id: m.id, reason, ...(scores !== undefined && { scores }) });
  };
  /** What the reason of the first candidate says about the rules that did not apply. */
  const notApplied = (parts: string[]): string => {
    if (candidates.length > 0) return '';
    const all = hints.length > 0 ? [`no hint matched an enabled model (${hints.map((h) => `'${h}'`).join(', ')})`] : [];
    all.push(...parts);
    return all.length > 0 ? `${all.join('; ')}; ` : '';
  };

  // (a) hints in order, (b) each hint's aliases when it matches nothing directly
  for (const hint of hints) {
    const direct = matchName(hint, models, weights);
    if (direct.length > 0) {
      for (const m of direct) add(m, `hint '${hint}' matched ${modelKey(m)}`);
      continue;
    }
    const alias = findAlias(hint, input.aliases);
    if (alias === undefined) continue;
    const via = alias.key === hint.toLowerCase() ? 'alias' : `alias '${alias.key}'`;
    for (const target of alias.targets) {
      for (const m of matchName(target, models, weights)) {
        add(m, `hint '${hint}' has no enabled match; ${via} → ${modelKey(m)}`);
      }
    }
  }

  // (c) the request's priorities
  if (weights !== undefined) {
    for (const { model, score } of rank(models, weights)) {
      const prefix = notApplied([]);
      add(
        model,
        `${prefix}priorities ${describeWeights(weights)} → ${modelKey(model)} (score ${round2(score)})`,
        scoreRecord(model, score),
      );
    }
  }

  // (d) the configured default model, when it is enabled
  const wanted = input.defaultModel?.trim().toLowerCase();
  let defaultEnabled = false;
  if (wanted !== undefined && wanted !== '') {
    const chosen =
      models.filter((m) => modelKey(m).toLowerCase() === wanted).sort(byKey)[0] ??
      models.filter((m) => m.id.toLowerCase() === wanted).sort(byKey)[0];
    if (chosen !== undefined) {
      defaultEnabled = true;
      add(chosen, `${notApplied(['no priorities given'])}default model ${modelKey(chosen)}`);
    }
  }

  // (e) balanced ranking
  if (weights === undefined) {
    const why = ['no priorities given'];
    if (input.defaultModel === undefined) why.push('no default model configured');
    else if (!defaultEnabled) why.push(`default model '${input.defaultModel}' is not enabled`);
    for (const { model, score } of rank(models, BALANCED)) {
      add(
        model,
        `${notApplied(why)}balanced score (cost, speed, intelligence weighted equally) → ${modelKey(model)} (score ${round2(score)})`,
        scoreRecord(model, score),
      );
    }
  }

  // (f) the embedded extractive summarizer
  if (input.embedded) {
    add(
      EMBEDDED_CANDIDATE,
      candidates.length === 0
        ? `no provider model is enabled for this server: the embedded extractive summarizer is the last resort`
        : `last resort: the embedded extractive summarizer`,
    );
  }

  const first = candidates[0];
  return first === undefined ? { candidates: [], reason: NO_MODEL_REASON } : { candidates, reason: first.reason };
}
