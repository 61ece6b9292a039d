/**
 * Chunk sources for map-reduce: a text already in memory, or a file read in blocks (bounded memory),
 * decoded incrementally (UTF-8 with or without BOM, UTF-16 with BOM; binary refused; invalid UTF-8 refused
 * with its byte offset, or replaced and counted when `lossy`).
 *
 * A file is read in *segments*: a segment ends at the first paragraph break (a blank line) after about
 * `segmentBytes`, and is chunked on its own. A segment starts at a known byte offset, so a 2026-era round
 * can resume at the next segment instead of re-reading the file from the start.
 */
import { open } from 'node:fs/promises';

import { createTextDecoder, TextDecodeError } from '../../shared/decode-text.js';
import { chunkText, createChunker } from '../chunking/chunk-text.js';

export function textChunks(text: string, maxTokens: number): string[] {
  return chunkText(text, { maxTokens });
}

export interface FileReadReport {
  /** Invalid byte sequences replaced by U+FFFD (lossy mode only). */
  replaced: number;
}

const BLOCK_BYTES = 1 << 20;
const LF = 0x0a;
const CR = 0x0d;

/** Index just past the first blank line (LF, optional CR, LF) at or after `from`, or -1. */
function paragraphBreak(block: Uint8Array, from: number): number {
  for (let i = from; i < block.length - 1; i++) {
    if (block[i] !== LF) continue;
    let j = i + 1;
    if (block[j] === CR) j++;
    if (block[j] === LF) return j + 1;
  }
  return -1;
}

export interface SegmentOptions {
  maxTokens: number;
  lossy: boolean;
  /** How the file is named in messages. */
  name: string;
  /** Target size of a segment; it ends at the next blank line after this many bytes. */
  segmentBytes: number;
  report?: FileReadReport;
}

/**
 * Reads the segment that starts at byte `start`: yields its chunks, and returns the byte offset where the
 * next segment starts (undefined at the end of the file). UTF-16 files are read as one segment.
 */
export async function* fileSegmentChunks(
  path: string,
  start: number,
  options: SegmentOptions,
): AsyncGenerator<string, number | undefined> {
  const decoder = createTextDecoder({ name: options.name, lossy: options.lossy });
  const chunker = createChunker({ maxTokens: options.maxTokens });
  const file = await open(path, 'r');
  const buffer = Buffer.allocUnsafe(BLOCK_BYTES);
  let position = start;
  let read = 0;
  let segmented = true;
  let next: number | undefined;
  const decode = (run: () => string): string => {
    try {
      return run();
    } catch (error) {
      // The decoder counts from the start of this segment; the user wants the offset in the file.
      if (error instanceof TextDecodeError && start > 0) {
        throw new TextDecodeError(
          error.message.replace(`offset ${error.offset}`, `offset ${error.offset + start}`),
          error.offset + start,
        );
      }
      throw error;
    }
  };
  try {
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, BLOCK_BYTES, position);
      if (bytesRead === 0) break;
      let block = buffer.subarray(0, bytesRead);
      if (position === 0 && ((block[0] === 0xff && block[1] === 0xfe) || (block[0] === 0xfe && block[1] === 0xff))) {
        segmented = false; // a blank line is not two 0x0A bytes in UTF-16
      }
      let cut = -1;
      if (segmented && read + block.length >= options.segmentBytes) {
        cut = paragraphBreak(block, Math.max(0, options.segmentBytes - read));
        if (cut >= 0 && cut < block.length) block = block.subarray(0, cut);
        else cut = -1;
      }
      const bytes = block;
      yield* chunker.push(decode(() => decoder.push(bytes)));
      position += block.length;
      read += block.length;
      if (cut >= 0) {
        next = position;
        break;
      }
    }
    yield* chunker.push(decode(() => decoder.end()));
    yield* chunker.end();
    if (options.report !== undefined) options.report.replaced += decoder.replaced;
    return next;
  } finally {
    await file.close();
  }
}
