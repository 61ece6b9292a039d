/**
 * Any OpenAI-compatible endpoint named in the config (Ollama, LM Studio, vLLM, llama.cpp, gateways): it
 * needs a `baseURL`, and a key only when the config names the variable holding one (Ollama needs none).
 */
import type { ProviderDefinition } from '../provider.js';
import { lazyLanguageModels } from './lazy-models.js';

export const openaiCompatible = {
  kind: 'openai-compatible',
  keyEnvs: [],
  keyRequired: false,
  baseURLRequired: true,
  canCallTools: true,
  languageModels({ name, baseURL, apiKey, headers, fetch }) {
    return lazyLanguageModels(async () => {
      const { createOpenAICompatible } = await import('@ai-sdk/openai-compatible');
      const provider = createOpenAICompatible({
        name,
        baseURL: baseURL ?? '',
        headers,
        fetch,
        ...(apiKey !== undefined && { apiKey }),
        includeUsage: true,
      });
      return (modelId) => provider.chatModel(modelId);
    }, `${name}.chat`);
  },
} as const satisfies ProviderDefinition;
