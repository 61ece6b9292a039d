/**
 * Answers `sampling/createMessage`: MCP request -> model resolution -> provider call -> MCP result.
 * The same handler serves pushed requests (2025 era) and the SDK's input_required rounds (2026 era).
 */
import type { ClientContext, CreateMessageRequest, CreateMessageResult } from '@modelcontextprotocol/client';
import { generateText } from 'ai';

import type { Env } from '../providers/load-env.js';
import { resolveModel, type ResolveModelDeps } from '../providers/resolve-model.js';
import { toProviderCallError, toWireError } from './errors.js';
import { toCreateMessageResult, toGenerateOptions } from './map-sampling.js';

// The AI SDK prints its warnings (e.g. "temperature is not supported") through console.warn; they would
// land in the middle of the CLI's output. The handler reports what matters itself.
(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;

export const DEFAULT_PROVIDER_TIMEOUT_MS = 120_000;

export type SamplingEvent =
  | {
      type: 'request';
      id: number;
      params: CreateMessageRequest['params'];
      provider: string;
      model: string;
      reason: string;
    }
  | {
      type: 'result';
      id: number;
      provider: string;
      model: string;
      stopReason: string | undefined;
      inputTokens: number | undefined;
      outputTokens: number | undefined;
      latencyMs: number;
    }
  | { type: 'error'; id: number; message: string };

export interface SamplingHandlerOptions {
  env: Env;
  onEvent?: (event: SamplingEvent) => void;
  /** Upper bound for one provider call; the request fails with a timeout error past it. */
  providerTimeoutMs?: number;
  /** Retries of retryable provider errors (429, 5xx, network) inside one call. Default 2. */
  maxRetries?: number;
  deps?: ResolveModelDeps;
}

export type SamplingHandler = (request: CreateMessageRequest, ctx: ClientContext) => Promise<CreateMessageResult>;

export function createSamplingHandler(options: SamplingHandlerOptions): SamplingHandler {
  const timeoutMs = options.providerTimeoutMs ?? DEFAULT_PROVIDER_TIMEOUT_MS;
  let nextId = 1;
  return async (request, ctx) => {
    const id = nextId++;
    const params = request.params;
    try {
      const generate = toGenerateOptions(params);
      const resolved = resolveModel(params, options.env, options.deps);
      options.onEvent?.({
        type: 'request',
        id,
        params,
        provider: resolved.provider,
        model: resolved.modelId,
        reason: resolved.reason,
      });
      const started = performance.now();
      let outcome;
      try {
        outcome = await generateText({
          model: resolved.model,
          ...generate,
          maxRetries: options.maxRetries ?? 2,
          abortSignal: AbortSignal.any([ctx.mcpReq.signal, AbortSignal.timeout(timeoutMs)]),
        });
      } catch (error) {
        throw toProviderCallError(error, { provider: resolved.provider, model: resolved.modelId, timeoutMs });
      }
      const embedded = outcome.providerMetadata?.['embedded'];
      const result = toCreateMessageResult(
        {
          text: outcome.text,
          finishReason: outcome.finishReason,
          matchedStopSequence: typeof embedded?.['stopSequence'] === 'string',
        },
        outcome.response.modelId || resolved.modelId,
      );
      options.onEvent?.({
        type: 'result',
        id,
        provider: resolved.provider,
        model: result.model,
        stopReason: result.stopReason,
        inputTokens: outcome.usage.inputTokens,
        outputTokens: outcome.usage.outputTokens,
        latencyMs: performance.now() - started,
      });
      return result;
    } catch (error) {
      const wire = toWireError(error);
      options.onEvent?.({ type: 'error', id, message: wire.message });
      throw wire;
    }
  };
}
