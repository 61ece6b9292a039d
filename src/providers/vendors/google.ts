/** Google's Gemini API (Generative Language). */
import { createGoogleGenerativeAI } from '@ai-sdk/google';

import type { ProviderDefinition } from '../provider.js';
import { toSdkSettings } from './sdk-settings.js';

export const google = {
  kind: 'google',
  keyEnvs: ['GOOGLE_GENERATIVE_AI_API_KEY', 'GEMINI_API_KEY'],
  keyRequired: true,
  defaultBaseURL: 'https://generativelanguage.googleapis.com/v1beta',
  baseURLRequired: false,
  canCallTools: true,
  languageModels(settings) {
    const provider = createGoogleGenerativeAI(toSdkSettings(settings));
    return (modelId) => provider.languageModel(modelId);
  },
} as const satisfies ProviderDefinition;
