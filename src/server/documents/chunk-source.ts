/**
 * Chunk sources for map-reduce: a text already in memory, or a file read in blocks (bounded memory),
 * decoded incrementally (UTF-8 with or without BOM, UTF-16 with BOM; binary refused; invalid UTF-8 refused
 * with its byte offset, or replaced and counted when `lossy`).
 */
import { open } from 'node:fs/promises';

import { createTextDecoder } from '../../shared/decode-text.js';
import { chunkText, createChunker } from '../chunking/chunk-text.js';

export function textChunks(text: string, maxTokens: number): string[] {
  return chunkText(text, { maxTokens });
}

export interface FileReadReport {
  bytes: number;
  /** Invalid byte sequences replaced by U+FFFD (lossy mode only). */
  replaced: number;
}

const BLOCK_BYTES = 1 << 20;

export async function* fileChunks(
  path: string,
  options: { maxTokens: number; lossy: boolean; name: string; report?: FileReadReport },
): AsyncGenerator<string> {
  const decoder = createTextDecoder({ name: options.name, lossy: options.lossy });
  const chunker = createChunker({ maxTokens: options.maxTokens });
  const file = await open(path, 'r');
  const buffer = Buffer.allocUnsafe(BLOCK_BYTES);
  try {
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, BLOCK_BYTES, null);
      if (bytesRead === 0) break;
      if (options.report !== undefined) options.report.bytes += bytesRead;
      yield* chunker.push(decoder.push(buffer.subarray(0, bytesRead)));
    }
    yield* chunker.push(decoder.end());
    yield* chunker.end();
    if (options.report !== undefined) options.report.replaced = decoder.replaced;
  } finally {
    await file.close();
  }
}
