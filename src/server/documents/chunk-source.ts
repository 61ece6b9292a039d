/**
 * Chunk sources for map-reduce: a text already in memory, or a file read in blocks (bounded memory),
 * decoded incrementally (UTF-8 with or without BOM, UTF-16 with BOM; binary refused; invalid UTF-8 refused
 * with its byte offset, or replaced and counted when `lossy`).
 *
 * A file is read in *segments*: a segment ends at the first paragraph break (a blank line) after about
 * `segmentBytes`, and is chunked on its own. A segment starts at a known byte offset, so a 2026-era round
 * can resume at the next segment instead of re-reading the file from the start.
 *
 * A text in memory (`document_text`) is read in segments the same way (`textSegmentChunks`): a segment
 * ends at the first blank line after about one 2026-era round's worth of map requests, so each round
 * chunks only the segment it answers and the next one, not the whole text again.
 *
 * A file that changes while it is read (truncated, appended to, rewritten, or replaced by another file) is
 * refused with `DocumentChangedError` rather than summarized from a mix of two versions: each segment
 * compares the open file with the identity (size, modification time, inode) it had when the call resolved
 * it, and counts the bytes it read against that size.
 */
import { open, stat } from 'node:fs/promises';

import { createTextDecoder } from '../../shared/decode-text.js';
import { chunkText, createChunker } from './chunk-text.js';

export function textChunks(text: string, maxTokens: number): string[] {
  return chunkText(text, { maxTokens });
}

/** How `textSegmentChunks` sizes a segment of a text in memory. */
export interface TextSegmentOptions {
  maxTokens: number;
  /** Most UTF-8 bytes of text in a segment before it looks for the next blank line. */
  segmentBytes: number;
  /** Most chunks' worth of text (at four characters a token) in a segment before it looks for a blank line. */
  segmentChunks: number;
}

/**
 * Where the segment of `text` that starts at `start` ends: just past the first blank line (LF, optional
 * CR, LF) after about `segmentBytes` UTF-8 bytes or `segmentChunks` chunks' worth of text, whichever
 * comes first; the text's length when no blank line follows.
 */
export function textSegmentEnd(text: string, start: number, options: TextSegmentOptions): number {
  let target = Math.min(options.segmentChunks * options.maxTokens * 4, options.segmentBytes);
  if (start + target >= text.length) return text.length;
  // Text written in a script of several bytes a character fills the byte budget in fewer characters.
  const bytes = Buffer.byteLength(text.slice(start, start + target), 'utf8');
  if (bytes > options.segmentBytes) target = Math.max(1, Math.floor((target * options.segmentBytes) / bytes));
  for (let i = text.indexOf('\n', start + target); i >= 0 && i < text.length - 1; i = text.indexOf('\n', i + 1)) {
    let j = i + 1;
    if (text.charCodeAt(j) === CR) j++;
    if (text.charCodeAt(j) === LF) return j + 1;
  }
  return text.length;
}

/**
 * The chunks of the segment of `text` that starts at `start` (0, or an offset an earlier segment
 * returned), and where the next one starts (undefined at the end). Each segment is chunked on its own,
 * so its chunks end at its closing blank line; a text of one segment gives exactly `textChunks(text)`.
 * The segment is cut at the first `next()` (a bad `start` throws a RangeError there). The iterator has
 * no `return`: a text in memory holds nothing to close, so a walk over it never watches the call's signal.
 */
export function textSegmentChunks(
  text: string,
  start: number,
  options: TextSegmentOptions,
): Iterator<string, number | undefined> {
  let chunks: string[] | undefined;
  let index = 0;
  let following: number | undefined;
  return {
    next(): IteratorResult<string, number | undefined> {
      if (chunks === undefined) {
        if (!Number.isSafeInteger(start) || start < 0 || start > text.length) {
          throw new RangeError(`textSegmentChunks: start must be an offset in the text (got ${String(start)})`);
        }
        const end = textSegmentEnd(text, start, options);
        chunks = chunkText(start === 0 && end === text.length ? text : text.slice(start, end), {
          maxTokens: options.maxTokens,
        });
        following = end < text.length ? end : undefined;
      }
      if (index < chunks.length) return { done: false, value: chunks[index++]! };
      chunks.length = 0; // the segment's text is not held once it is read
      return { done: true, value: following };
    },
  };
}

export interface FileReadReport {
  /** Invalid byte sequences replaced by U+FFFD (lossy mode only). */
  replaced: number;
}

/** What identifies one version of a file: a change to any of these means the content may differ. */
export interface FileIdentity {
  size: number;
  mtimeMs: number;
  ino: number;
}

/** The file changed while it was read: what was read so far belongs to another version of it. */
export class DocumentChangedError extends Error {
  override readonly name = 'DocumentChangedError';
}

/** `a.txt: the file changed while it was read (…); summarize it again once it stays the same`. */
export function documentChanged(name: string, why: string): DocumentChangedError {
  return new DocumentChangedError(
    `${name}: the file changed while it was read (${why}); try again once it stays the same`,
  );
}

/** Why `now` is not the version `expected`, or undefined when it is the same. */
export function identityChange(expected: FileIdentity, now: FileIdentity): string | undefined {
  if (now.ino !== expected.ino) return 'it was replaced by another file';
  if (now.size < expected.size) return `it shrank from ${expected.size} to ${now.size} bytes`;
  if (now.size > expected.size) return `it grew from ${expected.size} to ${now.size} bytes`;
  if (now.mtimeMs !== expected.mtimeMs) return 'it was modified';
  return undefined;
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
  /** The file as the call found it; each segment refuses another version with `DocumentChangedError`. */
  expected?: FileIdentity | undefined;
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
  // Offsets in its messages count from the file's start, and a segment's first bytes are no byte order mark.
  const decoder = createTextDecoder({ name: options.name, lossy: options.lossy, startOffset: start });
  const chunker = createChunker({ maxTokens: options.maxTokens });
  const file = await open(path, 'r');
  // The version this segment reads: the one the call resolved, and still the one on disk at the end.
  const opened = await file.stat().catch(async (error: unknown) => {
    await file.close();
    throw error;
  });
  const expected = options.expected ?? { size: opened.size, mtimeMs: opened.mtimeMs, ino: opened.ino };
  const changed = identityChange(expected, opened);
  if (changed !== undefined) {
    await file.close();
    throw documentChanged(options.name, changed);
  }
  const buffer = Buffer.allocUnsafe(BLOCK_BYTES);
  let position = start;
  let read = 0;
  let segmented = true;
  let next: number | undefined;
  try {
    for (;;) {
      // Never past the size the file had: bytes beyond it are another version's (checked after the loop).
      const want = Math.min(BLOCK_BYTES, Math.max(0, expected.size - position));
      const { bytesRead } = want === 0 ? { bytesRead: 0 } : await file.read(buffer, 0, want, position);
      if (bytesRead === 0) {
        if (position < expected.size) {
          throw documentChanged(options.name, `it ended at byte ${position} of ${expected.size}`);
        }
        break;
      }
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
      yield* chunker.push(decoder.push(bytes));
      position += block.length;
      read += block.length;
      if (cut >= 0) {
        next = position;
        break;
      }
    }
    // The open handle shows a rewrite in place (size, time); the path shows a file moved over this one.
    const [after, onDisk] = await Promise.all([file.stat(), stat(path).catch(() => undefined)]);
    const since =
      onDisk === undefined
        ? 'it was removed'
        : identityChange(expected, { size: after.size, mtimeMs: after.mtimeMs, ino: onDisk.ino });
    if (since !== undefined) throw documentChanged(options.name, since);
    yield* chunker.push(decoder.end());
    yield* chunker.end();
    if (options.report !== undefined) options.report.replaced += decoder.replaced;
    return next;
  } finally {
    await file.close();
  }
}
