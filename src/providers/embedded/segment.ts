/**
 * Step 1 of the extractive summarizer, segmentation: the text is split into blocks at blank lines and at
 * lines that look like headings or list items; each block is split into sentences by `Intl.Segmenter`
 * (ICU rules, so '。' and friends work). Line breaks inside a block are shown to ICU as spaces, so
 * hard-wrapped prose is not cut at every line end; a break ICU makes after "Dr.", an initial or a list
 * number is undone. ICU is fed windows of at most SENTENCE_WINDOW code units (shared/split-sentences):
 * V8's segmenter gets slower per sentence as its input grows, which made one call over a large document
 * quadratic. Also the small helpers the other steps share (surrogates, an Int32 buffer, segmenters).
 */
import { isSpace } from '../../shared/is-space.js';
import { SENTENCE_WINDOW } from '../../shared/split-sentences.js';

export const isHighSurrogate = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;
export const isLowSurrogate = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;

/** Sentence bounds: sentence i is text.slice(starts[i], ends[i]), already trimmed and non-empty. */
export interface Sentences {
  length: number;
  starts: Int32Array;
  ends: Int32Array;
}

/** Largest window handed to one `Intl.Segmenter.segment` call (see the header comment). */
const SEGMENT_WINDOW = SENTENCE_WINDOW;
const LINE_BREAKS = /[\n\r\u0085\u2028\u2029]/g;
const HAS_LINE_BREAK = /[\n\r\u0085\u2028\u2029]/;

const segmenters = new Map<string, Intl.Segmenter>();

export function segmenterFor(locale: string | undefined, granularity: 'sentence' | 'grapheme'): Intl.Segmenter {
  const key = `${granularity}\u0000${locale ?? ''}`;
  let segmenter = segmenters.get(key);
  if (segmenter === undefined) {
    segmenter = new Intl.Segmenter(locale, { granularity });
    segmenters.set(key, segmenter);
  }
  return segmenter;
}

export class IntBuffer {
  data: Int32Array;
  length = 0;
  constructor(capacity: number) {
    this.data = new Int32Array(Math.max(16, capacity));
  }
  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = new Int32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }
  view(): Int32Array {
    return this.data.subarray(0, this.length);
  }
}

export function segmentSentences(text: string, locale: string | undefined): Sentences {
  const segmenter = segmenterFor(locale, 'sentence');
  const guess = Math.ceil(text.length / 80);
  const starts = new IntBuffer(guess);
  const ends = new IntBuffer(guess);
  // A segment that ends in an abbreviation, an initial or a list number ("Dr.", "J.", "2.") is joined to
  // the next one when nothing but spaces on the same line separates them.
  let heldStart = -1;
  let heldEnd = -1;
  const emit = (start: number, end: number): void => {
    while (start < end && isSpace(text.charCodeAt(start))) start++;
    while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
    if (start >= end) return;
    if (heldStart >= 0) {
      let sameLine = true;
      for (let i = heldEnd; i < start && sameLine; i++) sameLine = text.charCodeAt(i) !== 0x0a;
      if (sameLine) {
        start = heldStart;
      } else {
        starts.push(heldStart);
        ends.push(heldEnd);
      }
      heldStart = -1;
    }
    if (endsInAbbreviation(text, start, end)) {
      heldStart = start;
      heldEnd = end;
    } else {
      starts.push(start);
      ends.push(end);
    }
  };
  const batch = new BlockBatch(text, segmenter, emit);
  forEachBlock(text, (blockStart, blockEnd) => {
    if (blockEnd - blockStart > SEGMENT_WINDOW / 2) {
      batch.flush();
      segmentBlock(text, blockStart, blockEnd, segmenter, emit);
    } else {
      batch.add(blockStart, blockEnd);
    }
  });
  batch.flush();
  if (heldStart >= 0) {
    starts.push(heldStart);
    ends.push(heldEnd);
  }
  return { length: starts.length, starts: starts.view(), ends: ends.view() };
}

/** Titles and other abbreviations ICU takes for the end of a sentence when a capital follows. */
const ABBREVIATIONS = new Set(
  'mr mrs ms mx dr prof sr jr st mt ft vs fig figs gen col lt sgt capt cmdr rev hon gov sen rep pres'.split(' '),
);
const MAX_ABBREVIATION = 5;

/** Does the trimmed segment [start, end) end in "<abbreviation>.", "<initial>." or is it a list number? */
function endsInAbbreviation(text: string, start: number, end: number): boolean {
  if (text.charCodeAt(end - 1) !== 0x2e) return false; // .
  let wordStart = end - 1;
  while (wordStart > start && end - 1 - wordStart < MAX_ABBREVIATION + 1) {
    const c = text.charCodeAt(wordStart - 1);
    const letter = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
    const digit = c >= 0x30 && c <= 0x39;
    if (!letter && !digit) break;
    wordStart--;
  }
  const length = end - 1 - wordStart;
  if (length === 0 || length > MAX_ABBREVIATION) return false;
  if (wordStart > start && !isSpace(text.charCodeAt(wordStart - 1)) && text.charCodeAt(wordStart - 1) !== 0x28) {
    return false; // part of a longer token, e.g. "e.g." or "3.5."
  }
  const word = text.slice(wordStart, end - 1);
  if (/^\d{1,3}$/.test(word)) return wordStart === start; // "2." alone: a list number
  if (length === 1) return word >= 'A' && word <= 'Z'; // an initial
  return ABBREVIATIONS.has(word.toLowerCase());
}

/**
 * Small blocks go to ICU together, one line feed between them: a line feed always ends a sentence for
 * ICU, and one call per short line (titles, list items, table rows) costs far more than the text does.
 */
class BlockBatch {
  private pieces: string[] = [];
  /** Per block: where it starts in the text and in the joined window. */
  private textStarts: number[] = [];
  private windowStarts: number[] = [];
  private windowLength = 0;

  constructor(
    private readonly text: string,
    private readonly segmenter: Intl.Segmenter,
    private readonly emit: (start: number, end: number) => void,
  ) {}

  add(start: number, end: number): void {
    if (this.windowLength + (end - start) + 1 > SEGMENT_WINDOW) this.flush();
    let piece = this.text.slice(start, end);
    if (HAS_LINE_BREAK.test(piece)) piece = piece.replace(LINE_BREAKS, ' ');
    this.pieces.push(piece);
    this.textStarts.push(start);
    this.windowStarts.push(this.windowLength);
    this.windowLength += piece.length + 1;
  }

  flush(): void {
    if (this.pieces.length === 0) return;
    const window = this.pieces.join('\n');
    let block = 0;
    let previous = -1;
    const emitSegment = (from: number, to: number): void => {
      while (block + 1 < this.windowStarts.length && this.windowStarts[block + 1]! <= from) block++;
      const offset = this.textStarts[block]! - this.windowStarts[block]!;
      const blockEnd = this.windowStarts[block]! + this.pieces[block]!.length;
      this.emit(from + offset, Math.min(to, blockEnd) + offset);
    };
    for (const segment of this.segmenter.segment(window)) {
      if (previous >= 0) emitSegment(previous, segment.index);
      previous = segment.index;
    }
    if (previous >= 0) emitSegment(previous, window.length);
    this.pieces = [];
    this.textStarts = [];
    this.windowStarts = [];
    this.windowLength = 0;
  }
}

/**
 * Calls `onBlock` with the bounds of each block: a run of non-blank lines, broken before a line that
 * starts like markdown structure (heading, list item, quote, table row, rule, fence) and after a heading
 * or a short line without closing punctuation followed by a line that does not start in lower case (a
 * title above its paragraph).
 */
function forEachBlock(text: string, onBlock: (start: number, end: number) => void): void {
  const n = text.length;
  let blockStart = -1;
  let blockEnd = -1;
  let breakAfterPrevious = false;
  let lineStart = 0;
  while (lineStart <= n) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = n;
    let first = lineStart;
    while (first < lineEnd && isSpace(text.charCodeAt(first))) first++;
    if (first === lineEnd) {
      if (blockStart >= 0) onBlock(blockStart, blockEnd);
      blockStart = -1;
    } else {
      let last = lineEnd;
      while (last > first && isSpace(text.charCodeAt(last - 1))) last--;
      const titleAbove = breakAfterPrevious && !startsLowercase(text, first);
      if (blockStart >= 0 && (titleAbove || startsBlock(text, first, last))) {
        onBlock(blockStart, blockEnd);
        blockStart = -1;
      }
      if (blockStart < 0) blockStart = first;
      blockEnd = last;
      breakAfterPrevious = endsBlock(text, first, last);
    }
    lineStart = lineEnd + 1;
  }
  if (blockStart >= 0) onBlock(blockStart, blockEnd);
}

/** Does the line [first, last) (trimmed) start like a markdown block of its own? */
function startsBlock(text: string, first: number, last: number): boolean {
  const c = text.charCodeAt(first);
  const next = first + 1 < last ? text.charCodeAt(first + 1) : 0x20;
  switch (c) {
    case 0x23: // #
    case 0x3e: // >
    case 0x7c: // |
    case 0x60: // `
    case 0x2022: // •
      return true;
    case 0x2d: // -
    case 0x2a: // *
    case 0x2b: // +
    case 0x3d: // =
      return isSpace(next) || next === c;
  }
  let i = first;
  while (i < last && i - first < 9 && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39) i++;
  if (i === first || i + 1 >= last) return false;
  const marker = text.charCodeAt(i);
  return (marker === 0x2e || marker === 0x29) && isSpace(text.charCodeAt(i + 1)); // "1. " or "1) "
}

const SHORT_LINE = 40;
const CLOSING_PUNCTUATION = new Set([...'.,;:!?…。、，；：！？)]"\'”’»'].map((ch) => ch.charCodeAt(0)));

/** A lower-case first letter means the line continues the one above, however short that was. */
function startsLowercase(text: string, at: number): boolean {
  const c = text.charCodeAt(at);
  if (c < 0x80) return c >= 0x61 && c <= 0x7a;
  const ch = text.charAt(at);
  return ch === ch.toLowerCase() && ch !== ch.toUpperCase();
}

/**
 * Should the block end after the line [first, last)? After a heading, and after a short line without
 * closing punctuation (a title) unless the next line starts in lower case.
 */
function endsBlock(text: string, first: number, last: number): boolean {
  if (text.charCodeAt(first) === 0x23) return true;
  return last - first <= SHORT_LINE && !CLOSING_PUNCTUATION.has(text.charCodeAt(last - 1));
}

/**
 * Splits the block [blockStart, blockEnd) into sentences through windows of at most SEGMENT_WINDOW code
 * units. The last segment of a window may be incomplete, so the next window starts at it again; a
 * sentence longer than a window is carried over (`open`) until a window ends it.
 */
function segmentBlock(
  text: string,
  blockStart: number,
  blockEnd: number,
  segmenter: Intl.Segmenter,
  emit: (start: number, end: number) => void,
): void {
  let open = -1;
  const emitMerged = (start: number, end: number): void => {
    if (open >= 0) {
      start = open;
      open = -1;
    }
    emit(start, end);
  };
  let pos = blockStart;
  while (pos < blockEnd) {
    const final = blockEnd - pos <= SEGMENT_WINDOW;
    let end = final ? blockEnd : pos + SEGMENT_WINDOW;
    if (!final && isHighSurrogate(text.charCodeAt(end - 1))) end--;
    let window = text.slice(pos, end);
    if (HAS_LINE_BREAK.test(window)) window = window.replace(LINE_BREAKS, ' ');
    let previous = -1;
    for (const segment of segmenter.segment(window)) {
      if (previous >= 0) emitMerged(pos + previous, pos + segment.index);
      previous = segment.index;
    }
    if (final) {
      if (previous >= 0) emitMerged(pos + previous, end);
      return;
    }
    if (previous > 0) {
      pos += previous; // segment the possibly incomplete last sentence again with what follows
    } else {
      if (open < 0) open = pos; // one sentence fills the window: it goes on in the next one
      pos = end;
    }
  }
  if (open >= 0) emit(open, blockEnd);
}
