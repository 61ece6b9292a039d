/**
 * Pure mappings between MCP `sampling/createMessage` and the AI SDK: request params -> generateText
 * options, and a generateText result -> `CreateMessageResult`. No network, no policy.
 */
import type { CreateMessageRequestParams, CreateMessageResult, SamplingMessage } from '@modelcontextprotocol/client';
import type { FilePart, ImagePart, ModelMessage, TextPart } from 'ai';

import { mapStopReason } from './map-stop-reason.js';

/** A request the client cannot map; answered with JSON-RPC -32602 (invalid params). */
export class UnsupportedSamplingContentError extends Error {
  override readonly name = 'UnsupportedSamplingContentError';
}

export interface GenerateOptions {
  system?: string;
  messages: ModelMessage[];
  temperature?: number;
  maxOutputTokens: number;
  stopSequences?: string[];
}

type SamplingBlock = Exclude<SamplingMessage['content'], unknown[]>;

function toUserPart(block: SamplingBlock, index: number): TextPart | ImagePart | FilePart {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: block.text };
    case 'image':
      return { type: 'image', image: block.data, mediaType: block.mimeType };
    case 'audio':
      return { type: 'file', data: block.data, mediaType: block.mimeType };
    default:
      throw new UnsupportedSamplingContentError(
        `message ${index}: content type '${block.type}' is not supported by this client (it did not declare sampling.tools)`,
      );
  }
}

function toModelMessage(message: SamplingMessage, index: number): ModelMessage {
  const blocks: SamplingBlock[] = Array.isArray(message.content) ? message.content : [message.content];
  if (message.role === 'assistant') {
    const parts = blocks.map((block) => {
      if (block.type !== 'text') {
        throw new UnsupportedSamplingContentError(
          `message ${index}: an assistant message may only hold text here, not '${block.type}'`,
        );
      }
      return { type: 'text' as const, text: block.text };
    });
    return { role: 'assistant', content: parts };
  }
  return { role: 'user', content: blocks.map((block) => toUserPart(block, index)) };
}

export function toGenerateOptions(params: CreateMessageRequestParams): GenerateOptions {
  if (params.messages.length === 0) throw new UnsupportedSamplingContentError('the request has no messages');
  if (!Number.isInteger(params.maxTokens) || params.maxTokens < 1) {
    throw new UnsupportedSamplingContentError(`maxTokens must be a positive integer (got ${params.maxTokens})`);
  }
  return {
    ...(params.systemPrompt !== undefined && params.systemPrompt !== '' && { system: params.systemPrompt }),
    messages: params.messages.map(toModelMessage),
    ...(params.temperature !== undefined && { temperature: params.temperature }),
    maxOutputTokens: params.maxTokens,
    ...(params.stopSequences !== undefined &&
      params.stopSequences.length > 0 && { stopSequences: params.stopSequences }),
  };
}

export interface GenerateOutcome {
  text: string;
  finishReason: Parameters<typeof mapStopReason>[0];
  /** Set when the provider reports which stop sequence ended the text. */
  matchedStopSequence?: boolean;
}

export function toCreateMessageResult(outcome: GenerateOutcome, model: string): CreateMessageResult {
  return {
    role: 'assistant',
    content: { type: 'text', text: outcome.text },
    model,
    stopReason: mapStopReason(outcome.finishReason, outcome.matchedStopSequence === true),
  };
}
