/**
 * A host's own AI SDK model instances, given by id to the runtime (`models`), as one more provider named
 * `host`: each becomes a catalog entry (`host/<id>`, with the facts the host gives or the defaults of a new
 * model) and the registry builds it by returning the instance. From there they go through the whole policy
 * like any configured model: hints, allowlists, limits, budgets and cost, rate limits, approval, audit,
 * fallbacks. Validated at once: a string, or anything that is not a LanguageModelV3, is refused in one line.
 */
import type { LanguageModelV3 } from '@ai-sdk/provider';
import * as z from 'zod/v4';

import type { ModelOverride } from '../../providers/catalog.js';
import type { ProviderRegistry } from '../../providers/registry.js';
import { issueLine } from '../../shared/issue-lines.js';

/** The provider name of the host's own models: `host/<id>` in allowlists, `defaultModel` and audit lines. */
export const HOST_PROVIDER = 'host';

/**
 * A host model with what the policy knows about it (every field but `model` optional).
 *
 * @example
 * ```ts
 * const entry: HostModelEntry = { model: ollama.chatModel('llama3.2'), contextWindow: 131072, price: { input: 0, output: 0 } };
 * ```
 */
export interface HostModelEntry {
  /** The AI SDK model instance (`LanguageModelV3`): never a string id. */
  model: LanguageModelV3;
  /** Input plus output tokens it accepts. Default 8192. */
  contextWindow?: number;
  /** Most tokens it writes in one answer. Default 4096. */
  maxOutputTokens?: number;
  /** US dollars per million tokens; budgets and audit lines price its calls with it. Default free. */
  price?: { input: number; output: number };
  /** 0..1, higher is better, for the request's model priorities. Default: cost from the price, speed 0.5, intelligence 0.4. */
  scores?: { cost: number; speed: number; intelligence: number };
  /** Whether it can call tools (then `sampling.tools` is declared). Default true. */
  tools?: boolean;
}

/**
 * A host model: the instance alone, or the instance with its catalog facts.
 *
 * @example
 * ```ts
 * const models: Record<string, HostModel> = { fast: openai.chat('gpt-4o-mini'), local: { model: llama, tools: false } };
 * ```
 */
export type HostModel = LanguageModelV3 | HostModelEntry;

const Score = z.number().min(0).max(1);
const FactsSchema = z.strictObject({
  model: z.unknown(),
  contextWindow: z.number().int().positive().optional(),
  maxOutputTokens: z.number().int().positive().optional(),
  price: z.strictObject({ input: z.number().nonnegative(), output: z.number().nonnegative() }).optional(),
  scores: z.strictObject({ cost: Score, speed: Score, intelligence: Score }).optional(),
  tools: z.boolean().optional(),
});

/** The host models, checked: one instance and its facts per id. */
export interface HostModels {
  readonly entries: ReadonlyMap<string, { model: LanguageModelV3; tools: boolean; facts: ModelOverride }>;
}

function isModelInstance(value: unknown): value is LanguageModelV3 {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { doGenerate?: unknown }).doGenerate === 'function' &&
    'specificationVersion' in value
  );
}

function checkInstance(where: string, value: unknown): LanguageModelV3 {
  if (typeof value === 'string') {
    throw new TypeError(
      `${where} is the string '${value}': pass an AI SDK model instance (e.g. openai('${value}')); a string id would go to Vercel's AI gateway`,
    );
  }
  if (!isModelInstance(value)) {
    throw new TypeError(`${where} is not an AI SDK language model (an object with doGenerate) or { model, … }`);
  }
  const version = (value as { specificationVersion: unknown }).specificationVersion;
  if (version !== 'v3') {
    throw new TypeError(
      `${where} is a language model of specification ${String(version)}; AI SDK 6 models (v3, @ai-sdk/* 3.x) are supported`,
    );
  }
  return value;
}

/** Checks `models` (the runtime option); throws a one-line TypeError naming the id and the problem. */
export function checkHostModels(models: Readonly<Record<string, HostModel>> | undefined): HostModels {
  const entries = new Map<string, { model: LanguageModelV3; tools: boolean; facts: ModelOverride }>();
  if (models === undefined) return { entries };
  if (typeof models !== 'object' || models === null || Array.isArray(models)) {
    throw new TypeError(
      "createSamplingRuntime: models must be an object of model instances by id, like { 'my-model': model }",
    );
  }
  for (const [id, value] of Object.entries(models)) {
    const where = `createSamplingRuntime: models['${id}']`;
    if (id.trim() === '') throw new TypeError(`${where}: a model id must not be empty`);
    if (isModelInstance(value) || typeof value === 'string' || typeof value !== 'object' || value === null) {
      entries.set(id, { model: checkInstance(where, value), tools: true, facts: { provider: HOST_PROVIDER, id } });
      continue;
    }
    const parsed = FactsSchema.safeParse(value);
    if (!parsed.success) throw new TypeError(`${where}: ${parsed.error.issues.map(issueLine).join('; ')}`);
    const model = checkInstance(`${where}.model`, parsed.data.model);
    const { contextWindow, maxOutputTokens, price, scores, tools } = parsed.data;
    entries.set(id, {
      model,
      tools: tools ?? true,
      facts: {
        provider: HOST_PROVIDER,
        id,
        ...(contextWindow !== undefined && { contextWindow }),
        ...(maxOutputTokens !== undefined && { maxOutputTokens }),
        ...(price !== undefined && { price }),
        ...(scores !== undefined && { scores }),
      },
    });
  }
  return { entries };
}

/**
 * `registry` with the host models as provider `host`; with `only`, no other provider is usable (the
 * configured and built-in ones are not called, whatever keys the environment holds).
 */
export function withHostModels(registry: ProviderRegistry, host: HostModels, only: boolean): ProviderRegistry {
  if (host.entries.size === 0 && !only) return registry;
  return {
    configured: () => registry.configured(),
    available: (provider) =>
      provider === HOST_PROVIDER ? host.entries.size > 0 : !only && registry.available(provider),
    languageModel(provider, modelId) {
      if (provider === HOST_PROVIDER) {
        const entry = host.entries.get(modelId);
        if (entry === undefined)
          throw new Error(`the host gave no model '${modelId}' (models of createSamplingRuntime)`);
        return entry.model;
      }
      if (only) throw new Error(`provider '${provider}' is not used: the runtime answers only with its own models`);
      return registry.languageModel(provider, modelId);
    },
  };
}
