/**
 * Every provider definition, one per kind. `satisfies Record<ProviderKind, ProviderDefinition>`: a kind
 * without its vendor file (or a vendor file of no kind) is a compile error.
 */
import { command } from './command/command.js';
import { embedded } from './embedded/embedded.js';
import type { ProviderDefinition, ProviderKind } from './provider.js';
import { anthropic } from './vendors/anthropic.js';
import { google } from './vendors/google.js';
import { openaiCompatible } from './vendors/openai-compatible.js';
import { openai } from './vendors/openai.js';

export const PROVIDER_DEFINITIONS = {
  openai,
  anthropic,
  google,
  'openai-compatible': openaiCompatible,
  command,
  embedded,
} as const satisfies Record<ProviderKind, ProviderDefinition>;
