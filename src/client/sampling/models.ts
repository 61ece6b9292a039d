/**
 * The models a request may be answered by: the catalog models of usable providers, and the embedded
 * extractive summarizer. The one place that knows the embedded model is unlike the others: it has no
 * registry entry (it is built here), it cannot call tools or read them, and it is the last resort, never a
 * fallback behind a real model.
 */
import type { LanguageModelV3 } from '@ai-sdk/provider';

import type { ModelTable, ResolvedCandidate } from '../../policy/gate.js';
import { modelAllowed, type Candidate } from '../../policy/resolve-model.js';
import { modelKey, type CatalogModel } from '../../providers/catalog.js';
import {
  createExtractiveModel,
  EXTRACTIVE_MODEL_ID,
  EXTRACTIVE_PROVIDER,
} from '../../providers/embedded/extractive-model.js';
import type { SamplingRuntime } from './runtime.js';

/** The embedded extractive summarizer as a catalog entry: free, local, and no language model. */
export const EMBEDDED_MODEL: CatalogModel = {
  provider: EXTRACTIVE_PROVIDER,
  id: EXTRACTIVE_MODEL_ID,
  contextWindow: 1_000_000_000,
  maxOutputTokens: 1_000_000,
  price: { input: 0, output: 0 },
  scores: { cost: 1, speed: 1, intelligence: 0 },
};

function isEmbedded(model: { provider: string }): boolean {
  return model.provider === EMBEDDED_MODEL.provider;
}

/** The table of `runtime`'s models, plus how to build a model instance for a candidate. */
export interface RuntimeModels extends ModelTable {
  languageModel(candidate: ResolvedCandidate): LanguageModelV3;
}

export function createModelTable(
  runtime: Pick<SamplingRuntime, 'catalog' | 'registry' | 'config' | 'callsTools'>,
): RuntimeModels {
  // Looked up once per candidate; the first entry of a key wins, as a search of the catalog would find it.
  const byKey = new Map<string, CatalogModel>([[modelKey(EMBEDDED_MODEL), EMBEDDED_MODEL]]);
  for (const model of runtime.catalog) if (!byKey.has(modelKey(model))) byKey.set(modelKey(model), model);
  return {
    enabled: (allowed) =>
      runtime.catalog.filter((m) => runtime.registry.available(m.provider) && modelAllowed(m, allowed)),
    embeddedAllowed: (allowed) => runtime.config.embedded.enabled && modelAllowed(EMBEDDED_MODEL, allowed),
    resolve(candidate: Candidate): ResolvedCandidate {
      const entry = byKey.get(modelKey(candidate));
      if (entry === undefined) throw new Error(`${modelKey(candidate)} is not in the model catalog`);
      return { ...candidate, entry };
    },
    isLastResort: isEmbedded,
    callsTools: (model) => !isEmbedded(model) && runtime.callsTools(model),
    languageModel: (candidate) =>
      isEmbedded(candidate)
        ? createExtractiveModel()
        : runtime.registry.languageModel(candidate.provider, candidate.id),
  };
}

/**
 * Whether a model that can call tools may answer this client's requests: any usable provider model (the
 * embedded extractive model cannot), a host's own model unless it says `tools: false`. Decides whether the
 * client declares `sampling.tools`. Per-server allowlists are not known before connecting; a server whose
 * allowlist leaves no such model gets a clear refusal for a tool request instead.
 */
export function canUseTools(runtime: Pick<SamplingRuntime, 'catalog' | 'registry' | 'callsTools'>): boolean {
  return runtime.catalog.some(
    (model) => !isEmbedded(model) && runtime.registry.available(model.provider) && runtime.callsTools(model),
  );
}
