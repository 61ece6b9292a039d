/**
 * Pure mappings between MCP `sampling/createMessage` and the AI SDK: request params -> generateText
 * options, and a generateText result -> `CreateMessageResult` (or, with tool calls,
 * `CreateMessageResultWithTools`). No network, no policy. The tool-specific pieces are in map-tools.ts.
 */
import type {
  CreateMessageRequestParams,
  CreateMessageResult,
  CreateMessageResultWithTools,
  SamplingMessage,
} from '@modelcontextprotocol/client';
import type { FilePart, ImagePart, ModelMessage, TextPart, ToolCallPart, ToolResultPart, ToolSet } from 'ai';

import { blocksOf, type SamplingBlock } from '../../shared/mcp-content.js';
import { UnsupportedSamplingContentError } from '../errors.js';
import { mapStopReason } from './map-stop-reason.js';
import {
  toToolChoice,
  toToolResultOutput,
  toToolSet,
  toToolUseBlocks,
  type ToolUseCall,
  type ToolChoiceMode,
} from './map-tools.js';

/** What the client answers: a single block, or (with tools) a content array that may hold `tool_use` blocks. */
export type SamplingResult = CreateMessageResult | CreateMessageResultWithTools;

export interface GenerateOptions {
  system?: string;
  messages: ModelMessage[];
  temperature?: number;
  maxOutputTokens: number;
  stopSequences?: string[];
  /** Present when the request offers tools; none has an `execute`. */
  tools?: ToolSet;
  toolChoice?: ToolChoiceMode;
}

/** How many tools the request offers (an empty `tools` array offers none). */
export function toolsOffered(params: CreateMessageRequestParams): number {
  return params.tools?.length ?? 0;
}

/** Whether the conversation holds tool calls or tool results (a tool loop in progress). */
export function hasToolContent(params: CreateMessageRequestParams): boolean {
  return params.messages.some((m) => blocksOf(m).some((b) => b.type === 'tool_use' || b.type === 'tool_result'));
}

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
        `message ${index}: a user message may not hold '${block.type}' (tool calls come from the assistant)`,
      );
  }
}

/**
 * The conversation as AI SDK messages. An assistant's `tool_use` blocks become tool-call parts; a user
 * message's `tool_result` blocks become one `tool` message (followed by a user message when it also holds
 * other content). Every tool call must be answered by a tool result in the next user message, and every
 * tool result must answer a tool call: the AI SDK and the providers insist, and a clear -32602 beats a
 * provider's 400.
 */
function toModelMessages(messages: readonly SamplingMessage[]): ModelMessage[] {
  const out: ModelMessage[] = [];
  const toolNames = new Map<string, string>(); // tool_use id -> tool name
  const pending = new Set<string>(); // tool_use ids not answered yet
  const unanswered = (index: number) =>
    new UnsupportedSamplingContentError(
      `message ${index}: the tool call(s) ${[...pending].map((id) => `'${id}'`).join(', ')} of the previous ` +
        'assistant message have no tool_result',
    );

  messages.forEach((message, index) => {
    const blocks = blocksOf(message);
    if (message.role === 'assistant') {
      if (pending.size > 0) throw unanswered(index);
      const parts = blocks.map((block): TextPart | ToolCallPart => {
        if (block.type === 'text') return { type: 'text', text: block.text };
        if (block.type === 'tool_use') {
          if (toolNames.has(block.id)) {
            throw new UnsupportedSamplingContentError(`message ${index}: the tool_use id '${block.id}' is used twice`);
          }
          toolNames.set(block.id, block.name);
          pending.add(block.id);
          return { type: 'tool-call', toolCallId: block.id, toolName: block.name, input: block.input };
        }
        throw new UnsupportedSamplingContentError(
          `message ${index}: an assistant message may hold text and tool_use here, not '${block.type}'`,
        );
      });
      out.push({ role: 'assistant', content: parts });
      return;
    }

    const results: ToolResultPart[] = [];
    const others: SamplingBlock[] = [];
    for (const block of blocks) {
      if (block.type !== 'tool_result') {
        others.push(block);
        continue;
      }
      const toolName = toolNames.get(block.toolUseId);
      if (toolName === undefined) {
        throw new UnsupportedSamplingContentError(
          `message ${index}: the tool_result for '${block.toolUseId}' answers no tool_use of an earlier assistant message`,
        );
      }
      if (!pending.delete(block.toolUseId)) {
        throw new UnsupportedSamplingContentError(
          `message ${index}: the tool call '${block.toolUseId}' is answered twice`,
        );
      }
      results.push({ type: 'tool-result', toolCallId: block.toolUseId, toolName, output: toToolResultOutput(block) });
    }
    if (results.length > 0) out.push({ role: 'tool', content: results });
    if (others.length > 0) {
      if (pending.size > 0) throw unanswered(index);
      out.push({ role: 'user', content: others.map((block) => toUserPart(block, index)) });
    }
  });
  if (pending.size > 0) throw unanswered(messages.length - 1);
  return out;
}

export function toGenerateOptions(params: CreateMessageRequestParams): GenerateOptions {
  if (params.messages.length === 0) throw new UnsupportedSamplingContentError('the request has no messages');
  if (!Number.isInteger(params.maxTokens) || params.maxTokens < 1) {
    throw new UnsupportedSamplingContentError(`maxTokens must be a positive integer (got ${params.maxTokens})`);
  }
  const toolChoice = toToolChoice(params.toolChoice);
  const tools = params.tools ?? [];
  if (tools.length === 0 && toolChoice === 'required') {
    throw new UnsupportedSamplingContentError(`toolChoice is 'required' but the request offers no tools`);
  }
  return {
    ...(params.systemPrompt !== undefined && params.systemPrompt !== '' && { system: params.systemPrompt }),
    messages: toModelMessages(params.messages),
    ...(params.temperature !== undefined && { temperature: params.temperature }),
    maxOutputTokens: params.maxTokens,
    ...(params.stopSequences !== undefined &&
      params.stopSequences.length > 0 && { stopSequences: params.stopSequences }),
    ...(tools.length > 0 && { tools: toToolSet(tools), toolChoice }),
  };
}

export interface GenerateOutcome {
  text: string;
  finishReason: Parameters<typeof mapStopReason>[0];
  /** Set when the provider reports which stop sequence ended the text. */
  matchedStopSequence?: boolean;
  /** The model's tool calls (only when the request offered tools). */
  toolCalls?: readonly ToolUseCall[];
}

/**
 * Without tool calls: one text block, as before tools existed (servers written for single-block results
 * keep working). With tool calls: a content array, the text first when there is any, then one `tool_use`
 * block per call, and stopReason `toolUse`.
 */
export function toCreateMessageResult(outcome: GenerateOutcome, model: string): SamplingResult {
  const calls = outcome.toolCalls ?? [];
  if (calls.length > 0) {
    return {
      role: 'assistant',
      content: [
        ...(outcome.text === '' ? [] : [{ type: 'text' as const, text: outcome.text }]),
        ...toToolUseBlocks(calls),
      ],
      model,
      stopReason: 'toolUse',
    };
  }
  const stopReason = mapStopReason(outcome.finishReason, outcome.matchedStopSequence === true);
  return {
    role: 'assistant',
    content: { type: 'text', text: outcome.text },
    model,
    // A provider that reports tool calls but returns none (it happens) has simply ended its turn.
    stopReason: stopReason === 'toolUse' ? 'endTurn' : stopReason,
  };
}
