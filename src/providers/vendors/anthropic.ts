/** Anthropic's Messages API. */
import type { ProviderDefinition } from '../provider.js';
import { lazyLanguageModels } from './lazy-models.js';
import { toSdkSettings } from './sdk-settings.js';

export const anthropic = {
  kind: 'anthropic',
  keyEnvs: ['ANTHROPIC_API_KEY'],
  keyRequired: true,
  baseURLEnv: 'ANTHROPIC_BASE_URL',
  defaultBaseURL: 'https://api.anthropic.com/v1',
  baseURLRequired: false,
  /**
   * Anthropic's own SDKs take the API origin (`https://api.anthropic.com`, or a proxy's prefix) and add
   * `/v1`; the AI SDK wants the prefix with `/v1`. Both spellings are accepted: `/v1` is added when missing.
   */
  baseURL(configured) {
    const trimmed = configured.replace(/\/+$/, '');
    return /\/v1$/.test(trimmed) ? trimmed : `${trimmed}/v1`;
  },
  canCallTools: true,
  languageModels(settings) {
    return lazyLanguageModels(async () => {
      const { createAnthropic } = await import('@ai-sdk/anthropic');
      const provider = createAnthropic(toSdkSettings(settings));
      return (modelId) => provider.languageModel(modelId);
    }, 'anthropic.messages');
  },
} as const satisfies ProviderDefinition;
