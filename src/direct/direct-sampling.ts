/**
 * `directSampling({ model, when })`: a `SamplingFallback` that runs a sampling request on an AI SDK model
 * the server operator supplies, instead of asking the client. The request goes through the client's own
 * pure MCP <-> AI SDK mappings (src/client/map/), so it is honoured the same way: system prompt, messages
 * (text, image, audio, tool_use / tool_result), temperature, maxTokens as a hard cap (maxOutputTokens, and
 * the completion held to it), stop sequences, tools and toolChoice (the model's tool calls come back as
 * tool_use blocks with stopReason `toolUse`). The key is the operator's: the AI SDK provider reads it
 * from the server's environment; this module never does.
 */
import type { CreateMessageRequestParams } from '@modelcontextprotocol/server';
import { generateText, type LanguageModel } from 'ai';

import { clipToMaxTokens } from '../client/map/clip-completion.js';
import { toCreateMessageResult, toGenerateOptions } from '../client/map/map-sampling.js';
import { toToolUseCalls } from '../client/map/map-tools.js';
import { SAMPLED_BY_META_KEY, type SampledByMeta } from '../shared/contract.js';
import { deadlineSignal } from '../shared/deadline-signal.js';
import type { SamplingFallback, SamplingFallbackMode } from '../server/sampling/fallback.js';
import type { SamplingResult } from '../server/sampling/sampler.js';
import { toDirectError } from './direct-error.js';

/** An AI SDK language model instance (never a string id: the AI SDK would send that to Vercel's gateway). */
export type DirectModel = Exclude<LanguageModel, string>;

/** The options of `directSampling`. */
export interface DirectSamplingOptions {
  /**
   * The model that answers: an AI SDK model instance, e.g. `createOpenAI().chat('gpt-4o-mini')` or
   * `createOpenAICompatible({ name, baseURL }).chatModel(id)`. Its provider reads the key from the
   * server's environment (e.g. `OPENAI_API_KEY`).
   */
  model: DirectModel;
  /**
   * `no-sampling` (default): only calls from clients that declare no `sampling` capability;
   * `always`: every call, whatever the client declares.
   */
  when?: SamplingFallbackMode | undefined;
  /**
   * Whether the model can call tools (sampleWithTools, sampleObject's tool path). Default true; say false
   * for a model that cannot, so that a body's tool requests are refused before anything is sent.
   */
  tools?: boolean | undefined;
  /** Retries of a failed provider call (429, 5xx, network), the AI SDK's. Default 2. */
  maxRetries?: number | undefined;
  /** Timeout of one request, retries included. Default 120 000 ms. */
  timeoutMs?: number | undefined;
}

const DEFAULT_TIMEOUT_MS = 120_000;

function checkModel(model: unknown): asserts model is DirectModel {
  if (typeof model === 'string') {
    throw new TypeError(
      `directSampling: model must be an AI SDK model instance such as openai.chat(${JSON.stringify(model)}), not the string ${JSON.stringify(model)} (the AI SDK would route a string id to Vercel's AI Gateway)`,
    );
  }
  const candidate = model as { doGenerate?: unknown; modelId?: unknown } | null | undefined;
  if (
    candidate === null ||
    typeof candidate !== 'object' ||
    typeof candidate.doGenerate !== 'function' ||
    typeof candidate.modelId !== 'string'
  ) {
    throw new TypeError(
      'directSampling: model must be an AI SDK language model instance (e.g. openai.chat("gpt-4o-mini")), with doGenerate and modelId',
    );
  }
}

function checkOptions(options: DirectSamplingOptions): void {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(
      'directSampling: pass an options object, e.g. directSampling({ model: openai.chat("gpt-4o-mini") })',
    );
  }
  checkModel(options.model);
  const { when, tools, maxRetries, timeoutMs } = options;
  if (when !== undefined && when !== 'no-sampling' && when !== 'always') {
    throw new RangeError(`directSampling: when must be 'no-sampling' or 'always' (got ${JSON.stringify(when)})`);
  }
  if (tools !== undefined && typeof tools !== 'boolean') throw new TypeError('directSampling: tools must be a boolean');
  if (maxRetries !== undefined && (!Number.isInteger(maxRetries) || maxRetries < 0)) {
    throw new RangeError(`directSampling: maxRetries must be a non-negative integer (got ${maxRetries})`);
  }
  if (timeoutMs !== undefined && (!Number.isFinite(timeoutMs) || timeoutMs <= 0)) {
    throw new RangeError(`directSampling: timeoutMs must be a positive number of milliseconds (got ${timeoutMs})`);
  }
}

/**
 * A direct-provider fallback for `createSamplingEngine({ fallback })`: `sampler.sample()` runs on `model`
 * when the client declares no sampling capability (`when: 'no-sampling'`, the default), or always. The
 * result has the shape of a client's answer (role, content, model, stopReason) plus
 * `_meta["mcp-sampling/sampled-by"]`: `{ path: 'direct', provider, model, usage, truncated? }`. A failed
 * call rejects with a one-line `SamplingRequestError` naming provider, model and status, never the key.
 * Throws a TypeError at once for a string id or anything that is not a model instance.
 *
 * @example
 * ```ts
 * import { createOpenAI } from '@ai-sdk/openai';
 * import { createSamplingEngine } from 'mcp-sampling/server';
 * import { directSampling } from 'mcp-sampling/server/direct';
 *
 * // The key is the operator's: OPENAI_API_KEY in the server's own environment.
 * const engine = createSamplingEngine({
 *   fallback: directSampling({ model: createOpenAI().chat('gpt-4o-mini'), when: 'no-sampling' }),
 * });
 * ```
 */
export function directSampling(options: DirectSamplingOptions): SamplingFallback {
  checkOptions(options);
  const { model, when = 'no-sampling', tools = true, maxRetries = 2, timeoutMs = DEFAULT_TIMEOUT_MS } = options;
  const provider = typeof model.provider === 'string' ? model.provider : 'model';
  const where = { provider, model: model.modelId, timeoutMs };

  const sample = async (
    params: CreateMessageRequestParams,
    { signal }: { signal: AbortSignal },
  ): Promise<SamplingResult> => {
    // Not AbortSignal.timeout: on Node 20 a garbage collection can take it (shared/deadline-signal.ts).
    const deadline = deadlineSignal(signal, timeoutMs);
    try {
      const generate = toGenerateOptions(params);
      const value = await generateText({ model, ...generate, maxRetries, abortSignal: deadline.signal });
      // The model was asked for at most maxTokens; the text is held to it as the client holds it.
      const held = clipToMaxTokens(value.text, params.maxTokens);
      const modelId = value.response.modelId || model.modelId;
      const calls = toToolUseCalls(value.toolCalls, { provider, model: modelId });
      const stopSequence = value.providerMetadata?.['anthropic']?.['stopSequence'];
      const result = toCreateMessageResult(
        {
          text: held.text,
          finishReason: held.clipped !== undefined ? 'length' : value.finishReason,
          matchedStopSequence: held.clipped === undefined && typeof stopSequence === 'string',
          toolCalls: calls,
        },
        modelId,
      );
      const sampledBy: SampledByMeta = {
        path: 'direct',
        model: modelId,
        provider,
        usage: { inputTokens: value.usage.inputTokens ?? 0, outputTokens: value.usage.outputTokens ?? 0 },
        ...(held.clipped !== undefined && { truncated: held.clipped }),
      };
      return { ...result, _meta: { [SAMPLED_BY_META_KEY]: sampledBy } };
    } catch (error) {
      // Cancelled by the tool call: the engine reports the cancellation, not a provider failure.
      if (signal.aborted) throw signal.reason;
      throw toDirectError(error, where);
    } finally {
      deadline.clear();
    }
  };
  return { when, tools, sample };
}
