/** OpenAI, called through Chat Completions: what proxies, gateways and local servers implement too. */
import { createOpenAI } from '@ai-sdk/openai';

import type { ProviderDefinition } from '../provider.js';
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
    const provider = createOpenAI(toSdkSettings(settings));
    return (modelId) => provider.chat(modelId);
  },
} as const satisfies ProviderDefinition;
