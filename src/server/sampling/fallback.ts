/**
 * The seam for a direct-provider fallback (the 2026-07-28 revision's migration path, SEP-2577): a server
 * author may give the engine a way to answer `sampler.sample()` itself, with the operator's own model,
 * when the client cannot sample (or always). The base engine never loads a model or reads a key; the one
 * implementation that does is `mcp-sampling/server/direct` (src/direct/).
 *
 * This file also holds the engine's side of the seam: which calls go to the fallback (`fallbackFor`), the
 * capabilities a body then sees (`samplerCapabilities`), and one call's bound fallback (`bindFallback`:
 * the per-call concurrency, the tools check, the answer's check and its `_meta`), which both era runners
 * use the same way.
 */
import type { ClientCapabilities, CreateMessageRequestParams } from '@modelcontextprotocol/server';

import { maskCredentials } from '../../shared/mask-credentials.js';
import { SAMPLED_BY_META_KEY, type SampledByMeta } from '../../shared/contract.js';
import { createSemaphore } from '../../shared/semaphore.js';
import { checkSamplingAnswer } from './check-answer.js';
import { SamplingRequestError, SamplingUnsupportedError, type SamplingResult } from './sampler.js';

/** When a fallback answers: `no-sampling` (the default) or `always`. */
export type SamplingFallbackMode = 'no-sampling' | 'always';

/**
 * A way for the server to answer sampling requests itself, given to `createSamplingEngine({ fallback })`.
 * `directSampling({ model })` from `mcp-sampling/server/direct` builds one on an AI SDK model; any object
 * of this shape works (a test double, another SDK).
 *
 * @example
 * ```ts
 * // A fallback of your own (directSampling({ model }) from mcp-sampling/server/direct is the usual one):
 * const canned: SamplingFallback = {
 *   when: 'no-sampling',
 *   tools: false,
 *   sample: async () => ({ role: 'assistant', content: { type: 'text', text: 'n/a' }, model: 'canned' }),
 * };
 * const engine = createSamplingEngine({ fallback: canned });
 * ```
 */
export interface SamplingFallback {
  /**
   * `no-sampling`: only for clients that do not declare the sampling capability (the default).
   * `always`: every request of every call, whatever the client declares.
   */
  readonly when: SamplingFallbackMode;
  /**
   * Whether the fallback's model can run sampling requests with `tools`: a body then sees
   * `sampling.tools` in `sampler.capabilities`, so `sampleWithTools` and `sampleObject`'s tool path work.
   */
  readonly tools: boolean;
  /**
   * Runs one request; resolves with a result of the shape a client would send (role, content, model,
   * stopReason). Rejects with a one-line error when the provider fails. `signal` is aborted when the tool
   * call is cancelled (or its 2026-era round ends): the provider call must stop then.
   */
  sample(params: CreateMessageRequestParams, options: { signal: AbortSignal }): Promise<SamplingResult>;
}

const MODES: readonly string[] = ['no-sampling', 'always'] satisfies SamplingFallbackMode[];

/** Checks the engine option at once (a one-line TypeError), so that a wrong one fails at start-up. */
export function checkFallback(fallback: unknown): SamplingFallback | undefined {
  if (fallback === undefined) return undefined;
  const candidate = fallback as Partial<Record<keyof SamplingFallback, unknown>> | null;
  if (candidate === null || typeof candidate !== 'object' || typeof candidate.sample !== 'function') {
    throw new TypeError(
      'createSamplingEngine: fallback must be a SamplingFallback (e.g. directSampling({ model }) from mcp-sampling/server/direct)',
    );
  }
  if (typeof candidate.when !== 'string' || !MODES.includes(candidate.when)) {
    throw new TypeError(
      `createSamplingEngine: fallback.when must be 'no-sampling' or 'always' (got ${JSON.stringify(candidate.when)})`,
    );
  }
  if (typeof candidate.tools !== 'boolean')
    throw new TypeError('createSamplingEngine: fallback.tools must be a boolean');
  return fallback as SamplingFallback;
}

/** The fallback that answers this call's requests, or undefined when the client does (or nothing is configured). */
export function fallbackFor(
  fallback: SamplingFallback | undefined,
  capabilities: ClientCapabilities | undefined,
): SamplingFallback | undefined {
  if (fallback === undefined) return undefined;
  return fallback.when === 'always' || capabilities?.sampling === undefined ? fallback : undefined;
}

/**
 * What a body sees as `sampler.capabilities`: the client's own, and when the fallback answers, `sampling`
 * as the fallback offers it (with `tools` when its model can call tools) in place of the client's.
 */
export function samplerCapabilities(
  capabilities: ClientCapabilities | undefined,
  fallback: SamplingFallback | undefined,
): ClientCapabilities | undefined {
  if (fallback === undefined) return capabilities;
  return { ...capabilities, sampling: fallback.tools ? { tools: {} } : {} };
}

/** One tool call's fallback, as the era runners use it. */
export interface CallFallback {
  sample(params: CreateMessageRequestParams, signal: AbortSignal): Promise<SamplingResult>;
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0]?.trim() ?? '';
}

/**
 * Binds `fallback` to one tool call: at most `concurrency` requests in flight at once (queued ones start
 * only when a slot frees, and never after cancellation), a request with tools refused when the fallback's
 * model cannot call tools, the answer checked like a client's, and `_meta[SAMPLED_BY_META_KEY]` set
 * (`path: 'direct'`, and the model, unless the fallback wrote its own). Whatever the fallback rejects with
 * becomes a `SamplingRequestError` (one line), unless the call was cancelled.
 */
export function bindFallback(fallback: SamplingFallback, toolName: string, concurrency: number): CallFallback {
  const gate = createSemaphore(concurrency);
  return {
    async sample(params, signal) {
      const tools = params.tools !== undefined || params.toolChoice !== undefined;
      if (tools && !fallback.tools) {
        throw new SamplingUnsupportedError(`${toolName}: the sampling fallback's model does not support tools`);
      }
      const release = await gate.acquire(signal);
      let answer: unknown;
      try {
        // Cancelled while it waited for its slot: never sent.
        if (signal.aborted) throw signal.reason;
        answer = await fallback.sample(params, { signal });
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        if (error instanceof SamplingRequestError) throw error;
        const message = maskCredentials(firstLine(error instanceof Error ? error.message : String(error)));
        throw new SamplingRequestError(`the sampling fallback failed: ${message}`, undefined, { cause: error });
      } finally {
        release();
      }
      const check = checkSamplingAnswer(answer, { tools: true });
      if (!check.ok)
        throw new SamplingRequestError(`the sampling fallback's answer is invalid: ${check.reason}`, undefined);
      const result = check.result;
      const meta = result._meta ?? {};
      if (meta[SAMPLED_BY_META_KEY] !== undefined) return result;
      const sampledBy: SampledByMeta = { path: 'direct', model: result.model };
      return { ...result, _meta: { ...meta, [SAMPLED_BY_META_KEY]: sampledBy } };
    },
  };
}
