/**
 * The MCP result of an answered request: the (reviewed) completion mapped back (map/map-sampling.ts),
 * the model that actually answered, and the usage and cost under `_meta["mcp-sampling/usage"]`.
 */
import type { FinishReason, ProviderMetadata } from 'ai';

import type { ResolvedCandidate } from '../../policy/gate.js';
import type { ClippedCompletion } from '../map/clip-completion.js';
import { toCreateMessageResult, type SamplingResult } from '../map/map-sampling.js';
import type { ToolUseCall } from '../map/map-tools.js';

/** Where the client reports token usage and cost to the server, in the result's `_meta`. */
export const USAGE_META_KEY = 'mcp-sampling/usage';

export function toSamplingResult(input: {
  value: { finishReason: FinishReason; providerMetadata: ProviderMetadata | undefined; response: { modelId: string } };
  candidate: ResolvedCandidate;
  completion: { text: string; toolCalls: readonly ToolUseCall[] };
  clipped: ClippedCompletion['clipped'];
  usage: { inputTokens: number; outputTokens: number };
  costUsd: number;
}): SamplingResult {
  const { value, candidate, clipped } = input;
  const stopSequence =
    value.providerMetadata?.['embedded']?.['stopSequence'] ?? value.providerMetadata?.['anthropic']?.['stopSequence'];
  return {
    ...toCreateMessageResult(
      {
        text: input.completion.text,
        // A cut completion ended at the limit, whatever the provider said.
        finishReason: clipped !== undefined ? 'length' : value.finishReason,
        matchedStopSequence: clipped === undefined && typeof stopSequence === 'string',
        toolCalls: input.completion.toolCalls,
      },
      value.response.modelId || candidate.id,
    ),
    _meta: {
      [USAGE_META_KEY]: {
        provider: candidate.provider,
        model: candidate.id,
        ...input.usage,
        costUsd: input.costUsd,
        ...(clipped !== undefined && { truncated: clipped }),
      },
    },
  };
}
