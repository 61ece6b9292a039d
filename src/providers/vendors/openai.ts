/** OpenAI, called through Chat Completions: what proxies, gateways and local servers implement too. */
import type { ProviderDefinition } from '../provider.js';
import { lazyLanguageModels } from './lazy-models.js';
import { toSdkSettings } from './sdk-settings.js';

export const openai = {
  kind: 'openai',
  keyEnvs: ['OPENAI_API_KEY'],
  keyRequired: true,
  baseURLEnv: 'OPENAI_BASE_URL',
  defaultBaseURL: 'https://api.openai.com/v1',
  baseURLRequired: false,
  canCallTools: true,
  languageModels(settings) {
    return lazyLanguageModels(async () => {
      const { createOpenAI } = await import('@ai-sdk/openai');
      const provider = createOpenAI(toSdkSettings(settings));
      return (modelId) => provider.chat(modelId);
    }, 'openai.chat');
  },
} as const satisfies ProviderDefinition;
