/**
 * OpenAI through the AI SDK, on the Chat Completions API (`.chat()`): it is what OpenAI-compatible proxies,
 * gateways and local servers implement. `OPENAI_BASE_URL` is honoured as OpenAI's own SDKs honour it.
 */
import { createOpenAI } from '@ai-sdk/openai';
import type { LanguageModelV3 } from '@ai-sdk/provider';

import type { Env } from './load-env.js';

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

export interface OpenAIModelOptions {
  apiKey: string;
  baseURL?: string | undefined;
  /** Injected in tests; defaults to the global fetch. */
  fetch?: typeof globalThis.fetch;
}

export function createOpenAIChatModel(modelId: string, options: OpenAIModelOptions): LanguageModelV3 {
  const provider = createOpenAI({
    apiKey: options.apiKey,
    baseURL: (options.baseURL ?? OPENAI_DEFAULT_BASE_URL).replace(/\/+$/, ''),
    ...(options.fetch !== undefined && { fetch: options.fetch }),
  });
  return provider.chat(modelId);
}

/** The OpenAI settings found in the client's environment, or undefined when there is no key. */
export function openAIFromEnv(env: Env): { apiKey: string; baseURL: string | undefined } | undefined {
  const apiKey = env['OPENAI_API_KEY']?.trim();
  if (!apiKey) return undefined;
  const baseURL = env['OPENAI_BASE_URL']?.trim();
  return { apiKey, baseURL: baseURL === '' ? undefined : baseURL };
}
