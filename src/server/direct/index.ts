/**
 * `mcp-sampling/server/direct`: the opt-in direct-provider fallback (built by issue 13). The only server-side
 * code that may load the AI SDK.
 */
export type { SamplingFallback } from '../sampling/fallback.js';
