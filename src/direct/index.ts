/**
 * `mcp-sampling/server/direct`: the opt-in direct-provider fallback (the 2026-07-28 revision's migration
 * path). The only server-side code that loads the AI SDK: a server that never imports this entry runs
 * with `ai` and `@ai-sdk/*` absent.
 */
export { directSampling, type DirectModel, type DirectSamplingOptions } from './direct-sampling.js';
export type { SamplingFallback, SamplingFallbackMode } from '../server/sampling/fallback.js';
export type { SamplingResult } from '../server/sampling/sampler.js';
export { SAMPLED_BY_META_KEY, type SampledByMeta } from '../shared/contract.js';
