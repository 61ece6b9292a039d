/**
 * The most a sampling request can cost, before it is sent: what a budget reserves (budget.ts). Output is
 * capped by maxTokens, which every provider enforces. Input has no such cap and no tokenizer of every
 * vendor is at hand, so it is bounded, not estimated:
 *
 * - text counts one token per UTF-8 byte. Every tokenizer of the supported vendors is byte-level BPE or
 *   SentencePiece with byte fallback, where a token is at least one byte, so no text costs more. It is
 *   about four times what English prose really costs, but a guess would not hold: `estimateTokens`
 *   (four Latin characters a token) is four times too low for a table of digits on Gemini, which counts
 *   each digit as a token, and a server can send text that tokenizes as badly on purpose;
 * - tool calls, tool results and tool definitions count the bytes of their JSON (which contains every
 *   string the provider is sent, and more), plus TOOLS_OVERHEAD_TOKENS for the instructions a vendor
 *   wraps around tool definitions;
 * - an image counts MEDIA_TOKENS (vendors resize images, so one costs a bounded number of tokens,
 *   whatever its size in bytes); audio counts MEDIA_TOKENS or one token per 16 bytes, whichever is more
 *   (vendors bill audio by duration: 32 tokens a second at most, and no usable codec is below 4 kbit/s);
 *   any other binary content (a resource blob such as a PDF) counts 8 tokens per byte (a page costs at
 *   most a few thousand tokens and takes at least a few hundred bytes);
 * - every message and block adds a few tokens for the chat format (roles, separators), and the request
 *   REQUEST_OVERHEAD_TOKENS.
 */
import type { CreateMessageRequestParams } from '@modelcontextprotocol/client';

import { blocksOf, type SamplingBlock } from '../shared/mcp-content.js';
import { costUsd, type TokenPrice } from './cost.js';

/** What one request may use at most: tokens in and out, and their price. */
export interface WorstCase {
  inputTokens: number;
  outputTokens: number;
  tokens: number;
  /** `undefined` when the model has no known price. */
  costUsd: number | undefined;
}

/** One image, or the least one audio clip counts. */
export const MEDIA_TOKENS = 8_000;
/** Audio: one token per this many bytes of the clip, when that is more than MEDIA_TOKENS. */
export const AUDIO_BYTES_PER_TOKEN = 16;
/** Other binary content: tokens per byte. */
export const BLOB_TOKENS_PER_BYTE = 8;
/** Vendors wrap tool definitions in instructions of their own (Anthropic's alone are about 350 tokens). */
export const TOOLS_OVERHEAD_TOKENS = 1_024;
/** The chat format of a whole request (start and end markers, the reply's header). */
export const REQUEST_OVERHEAD_TOKENS = 32;
/** The chat format around one message (role, separators). */
export const MESSAGE_OVERHEAD_TOKENS = 16;
/** The format around one content block, or one tool definition. */
export const BLOCK_OVERHEAD_TOKENS = 8;

function bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

function jsonBytes(value: unknown): number {
  return value === undefined ? 0 : bytes(JSON.stringify(value) ?? '');
}

/** Bytes that `data` (base64) decodes to, at most. */
function decodedBytes(data: string): number {
  return Math.ceil((data.length * 3) / 4);
}

function audioTokens(data: string): number {
  return Math.max(MEDIA_TOKENS, Math.ceil(decodedBytes(data) / AUDIO_BYTES_PER_TOKEN));
}

/** One block inside a tool result (any MCP content block). */
function innerBlockTokens(block: { type: string } & Record<string, unknown>): number {
  if (block.type === 'text' && typeof block['text'] === 'string') return bytes(block['text']);
  if (block.type === 'image') return MEDIA_TOKENS;
  if (block.type === 'audio' && typeof block['data'] === 'string') return audioTokens(block['data']);
  if (block.type === 'resource') {
    const resource = block['resource'] as { blob?: unknown } | undefined;
    if (typeof resource?.blob === 'string') return BLOB_TOKENS_PER_BYTE * decodedBytes(resource.blob);
  }
  // Text resources, resource links and anything else: whatever of it is sent is inside its JSON.
  return jsonBytes(block);
}

function blockTokens(block: SamplingBlock): number {
  switch (block.type) {
    case 'text':
      return bytes(block.text);
    case 'image':
      return MEDIA_TOKENS;
    case 'audio':
      return audioTokens(block.data);
    case 'tool_use':
      return bytes(block.id) + bytes(block.name) + jsonBytes(block.input);
    case 'tool_result': {
      let total = bytes(block.toolUseId) + jsonBytes(block.structuredContent);
      for (const inner of block.content) {
        total += BLOCK_OVERHEAD_TOKENS + innerBlockTokens(inner as { type: string } & Record<string, unknown>);
      }
      return total;
    }
    default:
      return jsonBytes(block);
  }
}

/** The most input tokens `params` can cost on any provider (see the file comment for the rules). */
export function maxInputTokens(params: CreateMessageRequestParams): number {
  let total = REQUEST_OVERHEAD_TOKENS + bytes(params.systemPrompt ?? '');
  for (const message of params.messages) {
    total += MESSAGE_OVERHEAD_TOKENS;
    const blocks: readonly SamplingBlock[] = blocksOf(message);
    for (const block of blocks) total += BLOCK_OVERHEAD_TOKENS + blockTokens(block);
  }
  const tools = params.tools ?? [];
  if (tools.length > 0) {
    total += TOOLS_OVERHEAD_TOKENS;
    for (const tool of tools) total += BLOCK_OVERHEAD_TOKENS + jsonBytes(tool);
  }
  return total;
}

/**
 * The worst case of one call: `inputTokens` in (from `maxInputTokens`) and `outputTokens` out (the
 * applied maxTokens, capped by the model), priced at `price` when the model has one.
 */
export function worstCase(inputTokens: number, outputTokens: number, price: TokenPrice | undefined): WorstCase {
  return {
    inputTokens,
    outputTokens,
    tokens: inputTokens + outputTokens,
    costUsd: price === undefined ? undefined : costUsd({ inputTokens, outputTokens }, price),
  };
}
