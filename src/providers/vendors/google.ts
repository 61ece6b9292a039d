/** Google's Gemini API (Generative Language). */
import type { ProviderDefinition } from '../provider.js';
import { lazyLanguageModels } from './lazy-models.js';
import { toSdkSettings } from './sdk-settings.js';

export const google = {
  kind: 'google',
  keyEnvs: ['GOOGLE_GENERATIVE_AI_API_KEY', 'GEMINI_API_KEY'],
  keyRequired: true,
  defaultBaseURL: 'https://generativelanguage.googleapis.com/v1beta',
  baseURLRequired: false,
  canCallTools: true,
  languageModels(settings) {
    return lazyLanguageModels(async () => {
      const { createGoogleGenerativeAI } = await import('@ai-sdk/google');
      const provider = createGoogleGenerativeAI(toSdkSettings(settings));
      return (modelId) => provider.languageModel(modelId);
    }, 'google.generative-ai');
  },
} as const satisfies ProviderDefinition;
