/**
 * One provider call for one mapped request. A plain-text request (no tools offered, every message text
 * only) goes straight to the provider's `LanguageModelV3.doGenerate`; anything else (tools, images,
 * audio) goes through the AI SDK's `generateText`, which parses and repairs tool inputs and handles file
 * parts and URL downloads.
 *
 * What the direct path skips, on purpose (docs/architecture.md): `generateText`'s prompt validation (it
 * rebuilds a zod schema of the whole message union per call; our messages were validated by the MCP SDK
 * and built by map-sampling.ts), its telemetry attribute objects (telemetry is off), the `structuredClone`
 * of the response, and the `ai/<version>` user-agent suffix (the provider's own suffix stays). What it
 * keeps is the answer as `generateText` reports it: the text parts joined, the unified finish reason
 * (and the raw one), the usage totals, the provider metadata and the responding model id. Errors are the
 * provider's own (generateText with `maxRetries: 0` rethrows them unchanged too), so the retries,
 * fallbacks and error lines of call-with-fallbacks.ts see the same thing on both paths.
 */
import type { LanguageModelV3, LanguageModelV3Prompt } from '@ai-sdk/provider';
import type { FinishReason, LanguageModelUsage, ModelMessage, ProviderMetadata, ToolSet } from 'ai';

import { loadAiSdk } from './ai-sdk.js';

/** A request as the AI SDK takes it (the client's mapping, client/map/map-sampling.ts, builds it). */
export interface CompletionOptions {
  system?: string;
  messages: ModelMessage[];
  temperature?: number;
  maxOutputTokens: number;
  stopSequences?: string[];
  tools?: ToolSet;
  toolChoice?: 'auto' | 'required' | 'none';
}

/** What the rest of the client reads of a provider's answer (a subset of `generateText`'s result). */
export interface CompletionValue {
  text: string;
  toolCalls: readonly { toolCallId: string; toolName: string; input: unknown }[];
  finishReason: FinishReason;
  rawFinishReason: string | undefined;
  usage: LanguageModelUsage;
  providerMetadata: ProviderMetadata | undefined;
  response: { modelId: string };
}

/** The plain-text prompt of `options`, or undefined when the request needs `generateText`. */
export function toPlainPrompt(options: CompletionOptions): LanguageModelV3Prompt | undefined {
  if (options.tools !== undefined) return undefined;
  const prompt: LanguageModelV3Prompt = [];
  if (options.system !== undefined) prompt.push({ role: 'system', content: options.system });
  for (const message of options.messages) {
    if (message.role !== 'user' && message.role !== 'assistant') return undefined;
    const parts: { type: 'text'; text: string }[] = [];
    if (typeof message.content === 'string') parts.push({ type: 'text', text: message.content });
    else {
      for (const part of message.content) {
        if (part.type !== 'text') return undefined;
        parts.push({ type: 'text', text: part.text });
      }
    }
    prompt.push({ role: message.role, content: parts });
  }
  return prompt;
}

/**
 * Asks `model` for the completion of `options` (see the module comment for which path it takes). The
 * caller has validated `maxOutputTokens` (a positive integer) and the messages.
 */
export async function generateCompletion(
  model: LanguageModelV3,
  options: CompletionOptions,
  abortSignal: AbortSignal,
): Promise<CompletionValue> {
  const prompt = toPlainPrompt(options);
  if (prompt === undefined) {
    // Loaded here, on the first such request: a plain-text client never loads the AI SDK (ai-sdk.ts).
    const { generateText } = await loadAiSdk();
    return generateText({ model, ...options, maxRetries: 0, abortSignal });
  }
  const result = await model.doGenerate({
    prompt,
    maxOutputTokens: options.maxOutputTokens,
    ...(options.temperature !== undefined && { temperature: options.temperature }),
    ...(options.stopSequences !== undefined && { stopSequences: options.stopSequences }),
    abortSignal,
  });
  let text = '';
  for (const part of result.content) if (part.type === 'text') text += part.text;
  const usage = result.usage;
  return {
    text,
    toolCalls: [],
    finishReason: result.finishReason.unified,
    rawFinishReason: result.finishReason.raw,
    usage: {
      inputTokens: usage.inputTokens.total,
      inputTokenDetails: {
        noCacheTokens: usage.inputTokens.noCache,
        cacheReadTokens: usage.inputTokens.cacheRead,
        cacheWriteTokens: usage.inputTokens.cacheWrite,
      },
      outputTokens: usage.outputTokens.total,
      outputTokenDetails: { textTokens: usage.outputTokens.text, reasoningTokens: usage.outputTokens.reasoning },
      totalTokens:
        usage.inputTokens.total === undefined && usage.outputTokens.total === undefined
          ? undefined
          : (usage.inputTokens.total ?? 0) + (usage.outputTokens.total ?? 0),
      reasoningTokens: usage.outputTokens.reasoning,
      cachedInputTokens: usage.inputTokens.cacheRead,
    },
    providerMetadata: result.providerMetadata,
    response: { modelId: result.response?.modelId ?? model.modelId },
  };
}
