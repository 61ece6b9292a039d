/**
 * Which model answers a sampling request. This is the foundation's rule, kept small on purpose:
 * with an OpenAI key, an OpenAI-looking hint (first match wins) or gpt-4o; with no key, the embedded
 * extractive summarizer. The full policy (catalog, aliases, priorities, allowlists) replaces it.
 */
import type { LanguageModelV3 } from '@ai-sdk/provider';
import type { CreateMessageRequestParams } from '@modelcontextprotocol/client';

import { createExtractiveModel, EXTRACTIVE_MODEL_ID } from './extractive/extractive-model.js';
import type { Env } from './load-env.js';
import { createOpenAIChatModel, openAIFromEnv } from './openai.js';

export type ProviderName = 'openai' | 'embedded';

export interface ResolvedModel {
  provider: ProviderName;
  modelId: string;
  model: LanguageModelV3;
  /** Why this model: shown with --verbose and recorded with the request. */
  reason: string;
}

export interface ResolveModelDeps {
  fetch?: typeof globalThis.fetch;
}

export const OPENAI_DEFAULT_MODEL = 'gpt-4o';
const OPENAI_MODEL_NAME = /^(gpt-|chatgpt-|o\d)/i;

export function resolveModel(params: CreateMessageRequestParams, env: Env, deps: ResolveModelDeps = {}): ResolvedModel {
  const openai = openAIFromEnv(env);
  if (openai === undefined) {
    return {
      provider: 'embedded',
      modelId: EXTRACTIVE_MODEL_ID,
      model: createExtractiveModel(),
      reason: 'no provider key (OPENAI_API_KEY) is configured: the embedded extractive summarizer answers',
    };
  }
  const hints = (params.modelPreferences?.hints ?? []).map((hint) => hint.name).filter((name) => name !== undefined);
  const hinted = hints.find((name) => OPENAI_MODEL_NAME.test(name));
  const modelId = hinted ?? OPENAI_DEFAULT_MODEL;
  return {
    provider: 'openai',
    modelId,
    model: createOpenAIChatModel(modelId, { ...openai, ...(deps.fetch !== undefined && { fetch: deps.fetch }) }),
    reason:
      hinted !== undefined
        ? `hint '${hinted}' names an OpenAI model`
        : `no hint names an OpenAI model${hints.length > 0 ? ` (hints: ${hints.join(', ')})` : ''}: default ${OPENAI_DEFAULT_MODEL}`,
  };
}
