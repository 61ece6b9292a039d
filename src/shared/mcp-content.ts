/**
 * The content of MCP sampling messages and results, for both ends: one `SamplingBlock` type, the one
 * "a block or an array of blocks -> blocks" normaliser, and the one way to join a result's text. Types only
 * from the SDK (erased at run time), so the server and the client may both use it.
 */
import type { SamplingMessageContentBlock } from '@modelcontextprotocol/server';

/** One content block of a sampling message or result (text, image, audio, tool_use, tool_result). */
export type SamplingBlock = SamplingMessageContentBlock;

/**
 * The blocks of a sampling message or result, whose `content` is one block or (with tools, and on the
 * 2026 era) an array of them.
 */
export function blocksOf<Block>(holder: { readonly content: Block | Block[] }): Block[] {
  const { content } = holder;
  return Array.isArray(content) ? content : [content];
}

/**
 * The text of a sampling result (or message): its text blocks joined by newlines (tool-use blocks are not text).
 *
 * @example
 * ```ts
 * const text = resultText(await sampler.sample(params)).trim();
 * ```
 */
export function resultText(holder: { readonly content: SamplingBlock | SamplingBlock[] }): string {
  return blocksOf(holder)
    .flatMap((block) => (block.type === 'text' ? [block.text] : []))
    .join('\n');
}
