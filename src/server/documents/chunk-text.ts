/**
 * Splits a document into chunks that each fit a token budget (measured with `estimateTokens`), for
 * map-reduce summaries of documents far larger than a model's context.
 *
 * Each chunk is filled greedily and ends at the best boundary within reach, in this order of preference:
 * a paragraph break (a blank line), a sentence end (ICU rules: '.', '。', '！', ...), a line break, a space,
 * and, inside one enormous "word" (scripts written without spaces, long URLs), a grapheme cluster boundary;
 * surrogate pairs, combining sequences and emoji ZWJ sequences stay whole. Only a single grapheme cluster
 * larger than the whole budget (or, absurdly, longer than 8192 code units) is cut, between code points.
 *
 * The text is normalised as it comes in: leading and trailing white space is dropped, every paragraph break
 * becomes exactly one blank line ("\n\n"), other white space is kept as it is (a run longer than any chunk
 * can hold is shortened: it can only ever fall between two chunks). Chunks are trimmed. So the chunks
 * hold every non-white-space character of the text exactly once, in order; consecutive paragraphs that
 * share a chunk are joined by a blank line.
 *
 * Streaming: `createChunker` takes the text in pieces of any size and gives out each chunk as soon as it
 * is settled. Each decision looks at a bounded stretch of text after the chunk's start (about two chunks'
 * worth of characters plus one sentence window), so the chunker holds no more than that (plus one piece it
 * is given) and the chunks never depend on how the text was cut into pieces: `chunkText(text)` and any
 * sequence of pushes that adds up to `text` give the same chunks. Time is linear in the text: sentence
 * segmentation goes through bounded windows (see `split-sentences.ts`) and grapheme segmentation looks
 * only at a few dozen code units before a cut.
 */
import { isSpace } from '../../shared/is-space.js';
import { TOKEN_UNITS, estimateTokenUnits } from '../../shared/estimate-tokens.js';
import { SENTENCE_WINDOW, segmentSentenceWindow } from '../../shared/split-sentences.js';

export interface ChunkOptions {
  /** Budget per chunk, measured with `estimateTokens`. A positive integer. */
  maxTokens: number;
}

export interface Chunker {
  /** Adds the next piece of the text; returns the chunks it settles (often none). */
  push(text: string): string[];
  /** Ends the text; returns the remaining chunks. The chunker is done afterwards. */
  end(): string[];
}

/** The chunks of a whole text; none for an empty or white-space-only text. */
export function chunkText(text: string, options: ChunkOptions): string[] {
  const single = singleChunk(text, options.maxTokens);
  if (single !== undefined) return single;
  const chunker = createChunker(options);
  const chunks = chunker.push(text);
  for (const chunk of chunker.end()) chunks.push(chunk);
  return chunks;
}

/**
 * The chunks of a text that fits one chunk and holds no white space but spaces and tabs (so no line or
 * paragraph break to normalise, and no run of white space longer than a chunk): the text trimmed, or
 * none when that is empty, exactly what the chunker gives it. Undefined for any other text (and a bad
 * budget, which the chunker refuses): the chunker decides. A short document is one such text.
 */
function singleChunk(text: string, maxTokens: number): string[] | undefined {
  if (!Number.isInteger(maxTokens) || maxTokens <= 0) return undefined;
  const budget = maxTokens * TOKEN_UNITS;
  // Every code unit is at least one unit: a longer text cannot fit.
  if (text.length > budget) return undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== SPACE && c !== TAB && isSpace(c)) return undefined;
  }
  if (estimateTokenUnits(text) > budget) return undefined;
  const trimmed = text.trim();
  return trimmed === '' ? [] : [trimmed];
}

const SPACE = 0x20;
const TAB = 0x09;

export function createChunker(options: ChunkOptions): Chunker {
  const { maxTokens } = options;
  if (!Number.isInteger(maxTokens) || maxTokens <= 0) {
    throw new RangeError(`chunkText: maxTokens must be a positive integer, got ${String(maxTokens)}`);
  }
  return new StreamingChunker(maxTokens * TOKEN_UNITS);
}

export interface ChunkBudgetOptions {
  /** The model's context window, in tokens. */
  contextTokens: number;
  /** Tokens of everything in the request but the document: system prompt, instructions, framing. */
  promptTokens: number;
  /** Tokens reserved for the model's answer (the request's maxTokens). */
  outputTokens: number;
}

function checkTokenCount(label: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`chunkBudget: ${label} must be a non-negative integer, got ${String(value)}`);
  }
}

/** Fraction of the context window kept free because token counts are estimates. */
const SAFETY_FRACTION = 0.1;
const MIN_SAFETY_TOKENS = 64;

/**
 * Tokens left for the document part of one request: the context window less the prompt, the output and
 * a safety margin of 10% of the context window (at least 64 tokens). Throws a RangeError when nothing is left.
 */
export function chunkBudget(options: ChunkBudgetOptions): number {
  const { contextTokens, promptTokens, outputTokens } = options;
  checkTokenCount('contextTokens', contextTokens);
  checkTokenCount('promptTokens', promptTokens);
  checkTokenCount('outputTokens', outputTokens);
  const margin = Math.max(MIN_SAFETY_TOKENS, Math.ceil(contextTokens * SAFETY_FRACTION));
  const left = contextTokens - promptTokens - outputTokens - margin;
  if (left <= 0) {
    throw new RangeError(
      `chunkBudget: no room for the document: a ${contextTokens}-token context less ${promptTokens} prompt, ` +
        `${outputTokens} output and ${margin} safety tokens leaves ${left}`,
    );
  }
  return left;
}

// ---------------------------------------------------------------------------------------------------
// Characters

const LF = 0x0a;
const CR = 0x0d;
const VT = 0x0b;
const FF = 0x0c;
const LINE_SEPARATOR = 0x2028;
const PARAGRAPH_SEPARATOR = 0x2029;
const ZWJ = 0x200d;

/** Line breaks a white-space run counts: two make a paragraph break (a form feed or U+2029 is one alone). */
function lineBreakWeight(c: number): number {
  if (c === LF || c === CR || c === VT || c === LINE_SEPARATOR) return 1;
  if (c === FF || c === PARAGRAPH_SEPARATOR) return 2;
  return 0;
}

const isHighSurrogate = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;
const isLowSurrogate = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;

/**
 * Characters that never join a neighbour in a grapheme cluster when the neighbour is one of them too:
 * printable Latin, Greek and Cyrillic letters (not combining marks), general punctuation, CJK punctuation,
 * Kana, ideographs, Hangul syllables and full-width forms. Between two of these there is always a cluster
 * boundary, with no need to ask ICU.
 */
function isSimple(c: number): boolean {
  if (c < 0x0300) return c >= 0x21 && (c < 0x7f || c > 0x9f);
  if (c < 0x0370) return false; // combining diacritics
  if (c <= 0x0482) return true;
  if (c < 0x048a) return false;
  if (c <= 0x052f) return true;
  if (c >= 0x2010 && c <= 0x2027) return true;
  if (c >= 0x2030 && c <= 0x205e) return true;
  if (c >= 0x3001 && c <= 0x3029) return true;
  if (c >= 0x3041 && c <= 0x3096) return true;
  if (c >= 0x30a1 && c <= 0x30fa) return true;
  if (c >= 0x3400 && c <= 0x4dbf) return true;
  if (c >= 0x4e00 && c <= 0x9fff) return true;
  if (c >= 0xac00 && c <= 0xd7a3) return true;
  return c >= 0xff01 && c <= 0xff5e;
}

const isRegionalIndicatorAt = (text: string, i: number): boolean =>
  text.charCodeAt(i) === 0xd83c && text.charCodeAt(i + 1) >= 0xdde6 && text.charCodeAt(i + 1) <= 0xddff;

let graphemes: Intl.Segmenter | undefined;

/** Code units of context ICU gets before a grapheme cut: more only when a huge cluster hides every boundary. */
const GRAPHEME_CONTEXTS = [64, 1024, 8192];

/**
 * The last grapheme cluster boundary in (start, limit] of `text`, or -1; `start` is a boundary and
 * text[limit] exists. Between two "simple" characters the answer is `limit` at once. Otherwise ICU gets
 * only a short window before `limit` (long inputs make it slow, see the header comment), started on a
 * regional-indicator pair boundary. When the window does not start at `start`, a cluster reaching back
 * before the window can fake the window's first boundary and one right after a ZWJ: those are not taken.
 */
function lastGraphemeBoundary(text: string, start: number, limit: number): number {
  if (isSimple(text.charCodeAt(limit - 1)) && isSimple(text.charCodeAt(limit))) return limit;
  for (const context of GRAPHEME_CONTEXTS) {
    const found = graphemeBoundaryInWindow(text, start, limit, Math.max(start, limit - context));
    if (found > start || limit - context <= start) return found;
  }
  return -1;
}

function graphemeBoundaryInWindow(text: string, start: number, limit: number, from: number): number {
  if (from > start && isLowSurrogate(text.charCodeAt(from)) && isHighSurrogate(text.charCodeAt(from - 1))) from--;
  if (from > start && isRegionalIndicatorAt(text, from)) {
    let before = 0;
    for (let j = from - 2; j >= start && isRegionalIndicatorAt(text, j); j -= 2) before++;
    if (before % 2 === 1) from -= 2;
  }
  const exact = from === start;
  graphemes ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  let best = -1;
  let seen = 0;
  for (const segment of graphemes.segment(text.slice(from, Math.min(text.length, limit + 2)))) {
    const boundary = from + segment.index;
    if (boundary > limit) break;
    if (boundary === from) continue;
    seen++;
    if (exact || (seen > 1 && text.charCodeAt(boundary - 1) !== ZWJ)) best = boundary;
  }
  return best;
}

// ---------------------------------------------------------------------------------------------------
// The chunker

class StreamingChunker implements Chunker {
  /** Budget per chunk in quarter-token units. */
  private readonly budget: number;
  /** White space kept of a run inside a paragraph: longer runs cannot be inside any chunk anyway. */
  private readonly spaceCap: number;
  /** Characters after a chunk's start that deciding the chunk may look at. */
  private readonly lookahead: number;
  /** Pushed text is normalised and chunked in slices of at most this many characters. */
  private readonly sliceLength: number;

  /** Normalised text not yet given out as chunks; `base` is the absolute offset of its first character. */
  private buffer = '';
  private base = 0;
  /** Absolute offset of the next chunk's first character (never white space). */
  private start = 0;
  private ended = false;

  // Normaliser state: the white-space run at the end of the text so far, not yet resolved.
  private atTextStart = true;
  private runLength = 0;
  private runBreaks = 0;
  private runHeld = '';
  private afterCR = false;

  // Sentence starts (absolute offsets) found in the current paragraph, and where segmentation goes on;
  // `sentencesFrom` < 0 when the paragraph has not needed sentence boundaries yet.
  private sentencesFrom = -1;
  private sentencePosition = 0;
  private sentences: number[] = [];
  private sentenceHead = 0;

  constructor(budget: number) {
    this.budget = budget;
    this.spaceCap = budget + 1;
    this.lookahead = 2 * budget + SENTENCE_WINDOW + 8;
    this.sliceLength = Math.max(1 << 16, budget);
  }

  push(text: string): string[] {
    if (this.ended) throw new Error('chunker: push after end');
    const chunks: string[] = [];
    for (let i = 0; i < text.length; i += this.sliceLength) {
      const piece = this.normalise(text.slice(i, i + this.sliceLength));
      if (piece === '') continue;
      this.buffer = this.buffer.slice(this.start - this.base) + piece;
      this.base = this.start;
      this.drain(chunks);
    }
    return chunks;
  }

  end(): string[] {
    if (this.ended) throw new Error('chunker: end called twice');
    this.ended = true; // a pending white-space run is trailing white space: dropped
    const chunks: string[] = [];
    this.drain(chunks);
    this.buffer = '';
    this.base = this.start;
    return chunks;
  }

  private drain(chunks: string[]): void {
    for (;;) {
      const available = this.buffer.length - (this.start - this.base);
      if (available <= 0 || (!this.ended && available < this.lookahead)) return;
      chunks.push(this.nextChunk());
    }
  }

  /**
   * The normalised form of the next piece of text: white space at the very start dropped, a run with a
   * paragraph break replaced by "\n\n", a longer run than `spaceCap` shortened to it. A run still open at
   * the end of the piece is held back (at most `spaceCap` characters of it) until it is resolved.
   */
  private normalise(text: string): string {
    const parts: string[] = [];
    let copyFrom = 0;
    let runFrom = this.runLength > 0 ? -1 : 0; // -1: the open run began in an earlier piece
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (isSpace(c)) {
        if (this.runLength === 0) runFrom = i;
        this.runLength++;
        if (!(c === LF && this.afterCR)) this.runBreaks += lineBreakWeight(c);
        this.afterCR = c === CR;
        continue;
      }
      if (this.runLength === 0) {
        this.atTextStart = false;
        continue;
      }
      // A non-space character closes the run [runFrom, i).
      const kind = this.atTextStart ? 'drop' : this.runBreaks >= 2 ? 'paragraph' : 'keep';
      if (runFrom >= 0) {
        if (kind !== 'keep' || this.runLength > this.spaceCap) {
          parts.push(text.slice(copyFrom, kind === 'keep' ? runFrom + this.spaceCap : runFrom));
          if (kind === 'paragraph') parts.push('\n\n');
          copyFrom = i;
        }
      } else {
        if (kind === 'paragraph') parts.push('\n\n');
        else if (kind === 'keep')
          parts.push(this.runHeld + text.slice(0, Math.min(i, this.spaceCap - this.runHeld.length)));
        copyFrom = i;
      }
      this.runLength = 0;
      this.runBreaks = 0;
      this.runHeld = '';
      this.afterCR = false;
      this.atTextStart = false;
    }
    if (this.runLength === 0) {
      parts.push(text.slice(copyFrom));
    } else if (runFrom >= 0) {
      parts.push(text.slice(copyFrom, runFrom));
      this.runHeld = text.slice(runFrom, runFrom + this.spaceCap);
    } else if (this.runHeld.length < this.spaceCap) {
      this.runHeld += text.slice(0, this.spaceCap - this.runHeld.length);
    }
    return parts.join('');
  }

  /**
   * Settles the chunk that begins at `start`. Looks at no more than `lookahead` characters after it, all
   * of which are in the buffer unless the text has ended.
   */
  private nextChunk(): string {
    const text = this.buffer;
    const n = text.length;
    const from = this.start - this.base;
    const budget = this.budget;

    // reach: the farthest end such that text[from, reach) fits the budget.
    let reach = from;
    let used = 0;
    for (;;) {
      const sure = (budget - used) >> 2; // characters that fit whatever they are (4 units at most each)
      if (sure === 0 || reach >= n) break;
      const to = Math.min(n, reach + sure);
      used += estimateTokenUnits(text, reach, to);
      reach = to;
    }
    while (reach < n) {
      const units = estimateTokenUnits(text, reach, reach + 1);
      if (used + units > budget) break;
      used += units;
      reach++;
    }
    if (reach >= n) return this.cut(from, n, true); // the rest fits (the text has ended)
    if (isHighSurrogate(text.charCodeAt(reach - 1)) && isLowSurrogate(text.charCodeAt(reach))) reach--;
    // Any cut in the white space that follows fits too: the chunk is trimmed.
    let limit = reach;
    while (limit < n && isSpace(text.charCodeAt(limit))) limit++;
    if (limit >= n) return this.cut(from, n, true);

    // The last paragraph break within reach; meanwhile note the last line break and the last space.
    let lastLine = -1;
    let lastSpace = -1;
    for (let j = limit - 1; j > from; j--) {
      const c = text.charCodeAt(j);
      if (!isSpace(c)) continue;
      if (c === LF && text.charCodeAt(j + 1) === LF) return this.cut(from, j, true);
      if (lastSpace < 0) lastSpace = j;
      if (lastLine < 0 && lineBreakWeight(c) > 0) lastLine = j;
    }
    const sentence = this.lastSentenceStart(from, limit);
    if (sentence > from) return this.cut(from, sentence, false);
    if (lastLine > from) return this.cut(from, lastLine, false);
    if (lastSpace > from) return this.cut(from, lastSpace, false);
    // One "word" fills the whole budget (here limit === reach).
    const grapheme = lastGraphemeBoundary(text, from, reach);
    return this.cut(from, grapheme > from ? grapheme : reach, false);
  }

  /** Gives out text[from, to) trimmed and moves the next chunk's start past the white space at `to`. */
  private cut(from: number, to: number, endsParagraph: boolean): string {
    const text = this.buffer;
    const chunk = text.slice(from, to).trimEnd();
    let next = to;
    while (next < text.length && isSpace(text.charCodeAt(next))) next++;
    this.start = this.base + next;
    if (endsParagraph) {
      this.sentencesFrom = -1;
      this.sentences = [];
      this.sentenceHead = 0;
    }
    return chunk;
  }

  /**
   * The last sentence start in (from, limit] (buffer indexes), or -1. Sentence segmentation runs forward
   * through the paragraph from the first chunk start that needed it, a window at a time, and only as far
   * as `limit` needs; it reads at most SENTENCE_WINDOW + 1 characters beyond `limit`.
   */
  private lastSentenceStart(from: number, limit: number): number {
    const text = this.buffer;
    const base = this.base;
    const absoluteFrom = base + from;
    const absoluteLimit = base + limit;
    if (this.sentencesFrom < 0) {
      this.sentencesFrom = absoluteFrom;
      this.sentencePosition = absoluteFrom;
    }
    if (this.sentencePosition < absoluteFrom) this.sentencePosition = absoluteFrom;
    if (this.sentencePosition <= absoluteLimit) {
      // Where the paragraph ends, if that is near enough to matter; otherwise any end far enough away.
      const far = limit + SENTENCE_WINDOW + 1;
      let end = this.ended && text.length <= far ? text.length : far;
      for (let j = limit; j < end - 1; j++) {
        if (text.charCodeAt(j) === LF && text.charCodeAt(j + 1) === LF) {
          end = j;
          break;
        }
      }
      const add = (index: number): void => {
        this.sentences.push(base + index);
      };
      while (this.sentencePosition <= absoluteLimit) {
        this.sentencePosition = base + segmentSentenceWindow(text, this.sentencePosition - base, end, add);
      }
    }
    const starts = this.sentences;
    let head = this.sentenceHead;
    while (head < starts.length && starts[head]! <= absoluteFrom) head++;
    let best = -1;
    for (let k = head; k < starts.length && starts[k]! <= absoluteLimit; k++) best = starts[k]!;
    if (head > 1024 && head * 2 > starts.length) {
      this.sentences = starts.slice(head);
      head = 0;
    }
    this.sentenceHead = head;
    return best < 0 ? -1 : best - base;
  }
}
