/** OpenAI, called through Chat Completions: what proxies, gateways and local servers implement too. */
import { createOpenAI } from '@ai-sdk/openai';

import type { ProviderDefinition } from '../provider.js';

export const openai = {
  kind: 'openai',
  keyEnvs: ['OPENAI_API_KEY'],
  keyRequired: true,
  baseURLEnv: 'OPENAI_BASE_URL',
  defaultBaseURL: 'https://api.openai.com/v1',
  baseURLRequired: false,
  canCallTools: true,
  languageModels({ baseURL, apiKey, headers, fetch }) {
    // apiKey and baseURL are always passed explicitly: the AI SDK would otherwise read process.env itself.
    const provider = createOpenAI({ ...(baseURL !== undefined && { baseURL }), headers, fetch, apiKey: apiKey ?? '' });
    return (modelId) => provider.chat(modelId);
  },
} as const satisfies ProviderDefinition;
