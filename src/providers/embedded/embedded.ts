/**
 * The embedded extractive summarizer as a provider like the others: offline, keyless, always usable when
 * `embedded.enabled` (the config decides, not the registry), and unable to call tools.
 */
import type { ProviderDefinition } from '../provider.js';
import { createExtractiveModel } from './extractive-model.js';

export const embedded = {
  kind: 'embedded',
  keyEnvs: [],
  keyRequired: false,
  baseURLRequired: false,
  canCallTools: false,
  // One model whatever the id asked for: the extractive summarizer has no variants.
  languageModels: () => () => createExtractiveModel(),
} as const satisfies ProviderDefinition;
