import { appendFileSync, mkdtempSync, renameSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import {
  DocumentChangedError,
  fileSegmentChunks,
  textChunks,
  textSegmentChunks,
  textSegmentEnd,
  type FileIdentity,
  type SegmentOptions,
} from './chunk-source.js';
import { replacementCarry } from './read-document-input.js';

const PARAGRAPH = `${'Street trees cool the air and hold the rain. '.repeat(20).trim()}\n\n`;

/** A file of about `bytes` bytes of prose, and its identity as a tool call would resolve it. */
function proseFile(bytes: number): { path: string; identity: () => FileIdentity } {
  const path = join(mkdtempSync(join(tmpdir(), 'mcp-sampling-chunks-')), 'doc.txt');
  writeFileSync(path, PARAGRAPH.repeat(Math.ceil(bytes / PARAGRAPH.length)));
  return {
    path,
    identity: () => {
      const info = statSync(path);
      return { size: info.size, mtimeMs: info.mtimeMs, ino: info.ino };
    },
  };
}

const options = (expected: FileIdentity, segmentBytes = 64 << 20): SegmentOptions => ({
  maxTokens: 1000,
  lossy: false,
  name: 'doc.txt',
  segmentBytes,
  expected,
});

/** Reads a segment, running `change` once after its first chunk; returns the error it ended with, if any. */
async function readWhileChanging(
  path: string,
  start: number,
  opts: SegmentOptions,
  change: () => void,
): Promise<{ chunks: number; error: unknown }> {
  const segment = fileSegmentChunks(path, start, opts);
  let chunks = 0;
  try {
    for (let step = await segment.next(); step.done !== true; step = await segment.next()) {
      if (chunks++ === 0) change();
    }
    return { chunks, error: undefined };
  } catch (error) {
    return { chunks, error };
  }
}

describe('a file that changes while it is read', () => {
  it('truncated after the first block: refused, instead of a silent partial document', async () => {
    const file = proseFile(3 << 20);
    const outcome = await readWhileChanging(file.path, 0, options(file.identity()), () =>
      truncateSync(file.path, 1000),
    );
    expect(outcome.error).toBeInstanceOf(DocumentChangedError);
    expect((outcome.error as Error).message).toMatch(
      /^doc\.txt: the file changed while it was read \(it ended at byte \d+ of \d+\); try again once it stays the same$/,
    );
  });

  it('appended to while read: refused (the end of the file is another version)', async () => {
    const file = proseFile(3 << 20);
    const outcome = await readWhileChanging(file.path, 0, options(file.identity()), () =>
      appendFileSync(file.path, PARAGRAPH),
    );
    expect((outcome.error as Error).message).toMatch(
      /the file changed while it was read \(it grew from \d+ to \d+ bytes\)/,
    );
  });

  it('modified in place with the same size: refused', async () => {
    const file = proseFile(3 << 20);
    const outcome = await readWhileChanging(file.path, 0, options(file.identity()), () => {
      // Same bytes count, another modification time: what an editor saving over the file does.
      const later = new Date(Date.now() + 60_000);
      utimesSync(file.path, later, later);
    });
    expect((outcome.error as Error).message).toMatch(/the file changed while it was read \(it was modified\)/);
  });

  it('replaced by another file between two segments: the next segment refuses it', async () => {
    const file = proseFile(3 << 20);
    const identity = file.identity();
    const first = fileSegmentChunks(file.path, 0, options(identity, 1 << 20));
    let step = await first.next();
    while (step.done !== true) step = await first.next();
    const next = step.value;
    expect(next).toBeGreaterThan(0);
    const other = join(file.path, '..', 'other.txt');
    writeFileSync(other, PARAGRAPH.repeat(Math.ceil((3 << 20) / PARAGRAPH.length)));
    renameSync(other, file.path);
    const outcome = await readWhileChanging(file.path, next!, options(identity, 1 << 20), () => {});
    expect((outcome.error as Error).message).toMatch(
      /the file changed while it was read \(it was replaced by another file\)/,
    );
    expect(outcome.chunks).toBe(0);
  });

  it('left alone: read whole, no error', async () => {
    const file = proseFile(3 << 20);
    const outcome = await readWhileChanging(file.path, 0, options(file.identity()), () => {});
    expect(outcome.error).toBeUndefined();
    expect(outcome.chunks).toBeGreaterThan(100);
  });
});

describe('the 2026-era checkpoint of a file', () => {
  it('refuses to resume on another version of the file than the earlier rounds read', () => {
    const before = { name: 'doc.txt', identity: { size: 100, mtimeMs: 1, ino: 7 } };
    const earlier = replacementCarry({ replaced: 2, file: before }).save();
    const same = { replaced: 0, file: before };
    replacementCarry(same).restore(earlier);
    expect(same.replaced).toBe(2);
    const changed = { replaced: 0, file: { name: 'doc.txt', identity: { size: 90, mtimeMs: 2, ino: 7 } } };
    expect(() => replacementCarry(changed).restore(earlier)).toThrow(
      /^doc\.txt: the file changed while it was read \(it shrank from 100 to 90 bytes\)/,
    );
    // A checkpoint of the earlier format (the count alone) still restores.
    const old = { replaced: 0, file: before };
    replacementCarry(old).restore(5);
    expect(old.replaced).toBe(5);
  });
});

describe('a segment read from the middle of a file', () => {
  /** Reads the segment at `start` to its end; returns the error it ended with, if any. */
  async function readSegment(
    path: string,
    start: number,
    opts: SegmentOptions,
  ): Promise<{ text: string; error?: unknown }> {
    const segment = fileSegmentChunks(path, start, opts);
    let text = '';
    try {
      for (let step = await segment.next(); step.done !== true; step = await segment.next()) text += step.value;
      return { text };
    } catch (error) {
      return { text, error };
    }
  }

  const identityOf = (path: string): FileIdentity => {
    const info = statSync(path);
    return { size: info.size, mtimeMs: info.mtimeMs, ino: info.ino };
  };

  it('names an invalid byte by its offset in the file, and leaves a file name with "offset" in it alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-sampling-segment-'));
    // Named after the offset the segment's own decoder would report (from the segment's start).
    const name = `offset ${PARAGRAPH.length}.txt`;
    const path = join(dir, name);
    const start = PARAGRAPH.length * 3;
    writeFileSync(path, Buffer.concat([Buffer.from(PARAGRAPH.repeat(4)), Buffer.from([0xff]), Buffer.from('\n')]));
    const outcome = await readSegment(path, start, { ...options(identityOf(path)), name });
    const where = PARAGRAPH.length * 4;
    expect((outcome.error as Error).message).toMatch(
      new RegExp(`^offset ${PARAGRAPH.length}\\.txt is not valid UTF-8 \\(invalid byte 0xFF at offset ${where}\\b`),
    );
  });
});

describe('textSegmentChunks', () => {
  const text = PARAGRAPH.repeat(400); // about 360 kB
  const segmented = { maxTokens: 1000, segmentBytes: 64 << 20, segmentChunks: 512 };

  /** Every segment's chunks, and the offsets the segments started at. */
  function allSegments(options: typeof segmented, of = text): { chunks: string[]; starts: number[] } {
    const chunks: string[] = [];
    const starts: number[] = [];
    let start: number | undefined = 0;
    while (start !== undefined) {
      starts.push(start);
      const segment = textSegmentChunks(of, start, options);
      for (let step = segment.next(); ; step = segment.next()) {
        if (step.done === true) {
          start = step.value;
          break;
        }
        chunks.push(step.value);
      }
    }
    return { chunks, starts };
  }

  it('a text within one segment gives exactly the chunks of the whole text', () => {
    const { chunks, starts } = allSegments(segmented);
    expect(starts).toEqual([0]);
    expect(chunks).toEqual(textChunks(text, 1000));
  });

  it('a longer text: segments end at blank lines, within the bounds, and keep every word once, in order', () => {
    const options = { ...segmented, segmentChunks: 10 }; // 40,000 characters' worth
    const { chunks, starts } = allSegments(options);
    expect(starts.length).toBeGreaterThan(5);
    for (const start of starts.slice(1)) expect(text.slice(start - 2, start)).toBe('\n\n');
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeLessThan(40_000 + PARAGRAPH.length);
    expect(chunks.join(' ').split(/\s+/)).toEqual(text.trim().split(/\s+/));
  });

  it('counts UTF-8 bytes: a text of three-byte characters gets segments of a third as many characters', () => {
    const wide = '街路樹は空気を冷やし雨を蓄える。'.repeat(200).concat('\n\n').repeat(40);
    const end = textSegmentEnd(wide, 0, { maxTokens: 1000, segmentBytes: 30_000, segmentChunks: 512 });
    expect(end).toBeLessThan(wide.length);
    expect(Buffer.byteLength(wide.slice(0, end))).toBeLessThan(30_000 + 3 * 3300);
    expect(wide.slice(end - 2, end)).toBe('\n\n');
  });

  it('refuses a start outside the text', () => {
    expect(() => textSegmentChunks('abc', 4, segmented).next()).toThrow(RangeError);
    expect(() => textSegmentChunks('abc', -1, segmented).next()).toThrow(RangeError);
  });
});
