/**
 * The seam for a direct-provider fallback (the 2026-07-28 revision's migration path, SEP-2577): a server
 * author may give the engine a way to answer `sampler.sample()` itself, with the operator's own model,
 * when the client cannot sample (or always). The base engine never loads a model or reads a key; the one
 * implementation that does is `mcp-sampling/server/direct` (src/server/direct/).
 */
import type { CreateMessageRequestParams } from '@modelcontextprotocol/server';

import type { SamplingResult } from './sampler.js';

export interface SamplingFallback {
  /**
   * `no-sampling`: only for clients that do not declare the sampling capability (the default).
   * `always`: every request of every call, whatever the client declares.
   */
  readonly when: 'no-sampling' | 'always';
  /** Whether the fallback's model can run sampling requests with `tools` (sampleWithTools). */
  readonly tools: boolean;
  /**
   * Runs one request; resolves with a result of the shape a client would send, its `_meta` saying which
   * path answered. Rejects with a one-line error when the provider fails.
   */
  sample(params: CreateMessageRequestParams, options: { signal: AbortSignal }): Promise<SamplingResult>;
}
