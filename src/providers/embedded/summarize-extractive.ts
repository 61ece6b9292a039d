/**
 * An EXTRACTIVE summarizer, not a language model: it picks the most central sentences of a document and
 * returns them verbatim, in their original order. It never writes, rephrases or translates anything.
 *
 * How it works, in time and memory linear in the input:
 * 1. Segmentation. The text is split into blocks at blank lines and at lines that look like headings or
 *    list items; each block is split into sentences by `Intl.Segmenter` (ICU rules, so '。' and friends
 *    work). Line breaks inside a block are shown to ICU as spaces, so hard-wrapped prose is not cut at
 *    every line end; a break ICU makes after "Dr.", an initial or a list number is undone. ICU is fed
 *    bounded windows: V8's segmenter gets slower per sentence as its input grows, which made one call
 *    over a large document quadratic.
 * 2. Terms. Lower-cased runs of letters, marks and digits; scripts written without spaces (Han, Kana,
 *    Hangul, Thai, Lao, Khmer, Myanmar) give character bigrams. Terms are hashed into a fixed number of
 *    buckets (no string per term, no per-sentence maps); a few English stopwords are skipped.
 * 3. Ranking. Sentence-level document frequency gives each term an idf; the document centroid is the
 *    mean tf-idf vector. A sentence scores the cosine of its tf-idf vector with the centroid, damped for
 *    sentences with very few terms, with a small bonus for the first sentences.
 * 4. Selection. Best first (ties: earlier sentence), skipping exact repeats and sentences that would push
 *    the estimated output past the budget; the chosen sentences are joined in document order by a space
 *    (a line break after a title or heading, which is ranked low as well).
 */
import { TOKEN_UNITS, estimateTokenUnits } from '../../shared/estimate-tokens.js';
import { isSpace } from '../../shared/is-space.js';

export interface ExtractiveOptions {
  /** Output budget, measured with `estimateTokens`. A positive integer. */
  maxTokens: number;
  /** BCP 47 locale for sentence segmentation; the runtime default when absent. */
  locale?: string | undefined;
  /** The output is cut before the earliest occurrence of any of these. */
  stopSequences?: readonly string[] | undefined;
}

export type ExtractiveFinish = 'complete' | 'max-tokens' | 'stop-sequence';

export interface ExtractiveSummary {
  text: string;
  /** Sentences found in the input. */
  sentenceCount: number;
  /** Input sentences that appear (whole, or cut to fit) in `text`. */
  selected: number;
  finish: ExtractiveFinish;
  /** The stop sequence that cut the output, when `finish` is 'stop-sequence'. */
  stopSequence?: string;
}

export const EMPTY_DOCUMENT_MESSAGE = 'extractive summarizer: the document is empty (nothing to summarize)';

export function summarizeExtractive(text: string, options: ExtractiveOptions): ExtractiveSummary {
  const { maxTokens } = options;
  if (!Number.isInteger(maxTokens) || maxTokens <= 0) {
    throw new RangeError(`extractive summarizer: maxTokens must be a positive integer, got ${String(maxTokens)}`);
  }
  if (!/\S/.test(text)) throw new Error(EMPTY_DOCUMENT_MESSAGE);

  const sentences = segmentSentences(text, options.locale);
  const count = sentences.length;
  if (count === 0) throw new Error(EMPTY_DOCUMENT_MESSAGE);

  const scores = scoreSentences(text, sentences);
  const picked = selectSentences(text, sentences, scores, maxTokens * TOKEN_UNITS, options.locale);

  let output = picked.text;
  let selected = picked.offsets.length;
  const stop = findStopSequence(output, options.stopSequences);
  if (stop !== undefined) {
    output = output.slice(0, stop.index).trimEnd();
    selected = 0;
    for (const offset of picked.offsets) if (offset < output.length) selected++;
    return { text: output, sentenceCount: count, selected, finish: 'stop-sequence', stopSequence: stop.sequence };
  }
  return { text: output, sentenceCount: count, selected, finish: picked.complete ? 'complete' : 'max-tokens' };
}

// ---------------------------------------------------------------------------------------------------
// Character helpers

const isHighSurrogate = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;
const isLowSurrogate = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;

// ---------------------------------------------------------------------------------------------------
// Segmentation

/** Sentence bounds: sentence i is text.slice(starts[i], ends[i]), already trimmed and non-empty. */
interface Sentences {
  length: number;
  starts: Int32Array;
  ends: Int32Array;
}

/** Largest window handed to one `Intl.Segmenter.segment` call (see the header comment). */
const SEGMENT_WINDOW = 1024;
const LINE_BREAKS = /[\n\r\u0085\u2028\u2029]/g;
const HAS_LINE_BREAK = /[\n\r\u0085\u2028\u2029]/;

const segmenters = new Map<string, Intl.Segmenter>();

function segmenterFor(locale: string | undefined, granularity: 'sentence' | 'grapheme'): Intl.Segmenter {
  const key = `${granularity}\u0000${locale ?? ''}`;
  let segmenter = segmenters.get(key);
  if (segmenter === undefined) {
    segmenter = new Intl.Segmenter(locale, { granularity });
    segmenters.set(key, segmenter);
  }
  return segmenter;
}

class IntBuffer {
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

function segmentSentences(text: string, locale: string | undefined): Sentences {
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

// ---------------------------------------------------------------------------------------------------
// Terms

const CLASS_UNKNOWN = 0;
const CLASS_OTHER = 1;
const CLASS_WORD = 2;
const CLASS_DENSE = 3;

/** Per BMP code unit: its class (filled lazily) and its lower-case form. */
const charClass = new Uint8Array(0x10000);
const lowerCase = new Uint16Array(0x10000);
const WORD_CHAR = /^[\p{L}\p{N}\p{M}]$/u;

for (let c = 0; c < 0x80; c++) {
  const isDigit = c >= 0x30 && c <= 0x39;
  const isUpper = c >= 0x41 && c <= 0x5a;
  const isLower = c >= 0x61 && c <= 0x7a;
  charClass[c] = isDigit || isUpper || isLower ? CLASS_WORD : CLASS_OTHER;
  lowerCase[c] = isUpper ? c + 0x20 : c;
}

/** Scripts written without spaces between words: Thai, Lao, Myanmar, Hangul Jamo, Khmer, CJK, Kana, Hangul. */
function isDenseScript(cp: number): boolean {
  return (
    (cp >= 0x0e00 && cp <= 0x0eff) ||
    (cp >= 0x1000 && cp <= 0x109f) ||
    (cp >= 0x1100 && cp <= 0x11ff) ||
    (cp >= 0x1780 && cp <= 0x17ff) ||
    (cp >= 0x3040 && cp <= 0x30ff) ||
    (cp >= 0x3130 && cp <= 0x318f) ||
    (cp >= 0x31f0 && cp <= 0x31ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xa960 && cp <= 0xa97f) ||
    (cp >= 0xac00 && cp <= 0xd7ff) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xff66 && cp <= 0xff9f) ||
    (cp >= 0x20000 && cp <= 0x3ffff)
  );
}

function classify(cp: number): number {
  const ch = String.fromCodePoint(cp);
  if (!WORD_CHAR.test(ch)) return CLASS_OTHER;
  return isDenseScript(cp) ? CLASS_DENSE : CLASS_WORD;
}

function classOf(cp: number): number {
  if (cp > 0xffff) return classify(cp);
  let cls = charClass[cp]!;
  if (cls === CLASS_UNKNOWN) {
    cls = classify(cp);
    charClass[cp] = cls;
    const lower = String.fromCharCode(cp).toLowerCase().charCodeAt(0);
    lowerCase[cp] = Number.isNaN(lower) ? cp : lower;
  }
  return cls;
}

const lowerOf = (cp: number): number => (cp > 0xffff ? cp : lowerCase[cp]!);

const FNV_OFFSET = 0x811c9dc5;
const BIGRAM_OFFSET = 0x050c5d1f;
const fnv = (hash: number, value: number): number => Math.imul(hash ^ value, 0x01000193);
/** Final avalanche (murmur3 fmix32) so the low bits used as a bucket index are well mixed. */
function mix(hash: number): number {
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

const STOPWORDS =
  'the and for are but not you all any can had her was one our out has him his how its may new now ' +
  'see two who did get let say she too use that with have this will your from they been were said each ' +
  'which their what there when them these than then into more some could would about other also only ' +
  'such very should after before being because while where those most over under just';

function hashAscii(word: string): number {
  let hash = FNV_OFFSET;
  for (let i = 0; i < word.length; i++) hash = fnv(hash, word.charCodeAt(i));
  return mix(hash);
}
const STOPWORD_HASHES = STOPWORDS.split(' ').map(hashAscii);

/** Words shorter than this (in code points) are not terms; bigrams and lone dense characters are. */
const MIN_WORD_LENGTH = 2;

interface Terms {
  /** Bucket per term occurrence, sentence by sentence. */
  tokens: Int32Array;
  /** Sentence i's terms are tokens[tokenEnds[i - 1] ?? 0 .. tokenEnds[i]). */
  tokenEnds: Int32Array;
  /** Sentences containing each bucket. */
  df: Int32Array;
  /** Occurrences of each bucket in the document. */
  total: Int32Array;
  buckets: number;
  longestSentence: number;
}

function bucketCountFor(length: number): number {
  let buckets = 1 << 10;
  while (buckets < length / 16 && buckets < 1 << 20) buckets <<= 1;
  return buckets;
}

function collectTerms(text: string, sentences: Sentences): Terms {
  const buckets = bucketCountFor(text.length);
  const mask = buckets - 1;
  const stop = new Uint8Array(buckets);
  for (const hash of STOPWORD_HASHES) stop[hash & mask] = 1;
  const df = new Int32Array(buckets);
  const total = new Int32Array(buckets);
  const lastSeen = new Int32Array(buckets).fill(-1);
  const tokens = new IntBuffer(Math.ceil(text.length / 6));
  const tokenEnds = new Int32Array(sentences.length);
  let longestSentence = 0;
  let sentence = 0;

  const add = (hash: number): void => {
    const bucket = hash & mask;
    if (stop[bucket] === 1) return;
    tokens.push(bucket);
    total[bucket]!++;
    if (lastSeen[bucket] !== sentence) {
      lastSeen[bucket] = sentence;
      df[bucket]!++;
    }
  };

  for (; sentence < sentences.length; sentence++) {
    const end = sentences.ends[sentence]!;
    const before = tokens.length;
    let word = FNV_OFFSET;
    let wordLength = 0;
    let dense = -1; // previous code point of the current dense run
    let denseRun = 0;
    for (let i = sentences.starts[sentence]!; i < end; i++) {
      let cp = text.charCodeAt(i);
      if (isHighSurrogate(cp) && i + 1 < end) {
        const low = text.charCodeAt(i + 1);
        if (isLowSurrogate(low)) {
          cp = (cp - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000;
          i++;
        }
      }
      const cls = cp < 0x80 ? charClass[cp]! : classOf(cp);
      if (cls === CLASS_WORD) {
        if (denseRun > 0) {
          if (denseRun === 1) add(mix(fnv(BIGRAM_OFFSET, dense)));
          denseRun = 0;
        }
        word = fnv(word, lowerOf(cp));
        wordLength++;
      } else {
        if (wordLength > 0) {
          if (wordLength >= MIN_WORD_LENGTH) add(mix(word));
          word = FNV_OFFSET;
          wordLength = 0;
        }
        if (cls === CLASS_DENSE) {
          if (denseRun > 0) add(mix(fnv(fnv(BIGRAM_OFFSET, dense), cp)));
          dense = cp;
          denseRun++;
        } else if (denseRun > 0) {
          if (denseRun === 1) add(mix(fnv(BIGRAM_OFFSET, dense)));
          denseRun = 0;
        }
      }
    }
    if (wordLength >= MIN_WORD_LENGTH) add(mix(word));
    if (denseRun === 1) add(mix(fnv(BIGRAM_OFFSET, dense)));
    tokenEnds[sentence] = tokens.length;
    longestSentence = Math.max(longestSentence, tokens.length - before);
  }
  return { tokens: tokens.view(), tokenEnds, df, total, buckets, longestSentence };
}

// ---------------------------------------------------------------------------------------------------
// Ranking

/** Sentences with fewer distinct terms than this are damped proportionally (titles, fragments). */
const FULL_WEIGHT_TERMS = 4;
/** Bonus for the first sentences: 1 + POSITION_BONUS * (LEAD_SENTENCES - index) / LEAD_SENTENCES. */
const POSITION_BONUS = 0.15;
const LEAD_SENTENCES = 3;
/** Weight of a "sentence" without closing punctuation: a title, heading, label or list fragment. */
const FRAGMENT_FACTOR = 0.3;

// Latin, CJK full/half width, Greek question mark, Arabic question mark, Devanagari dandas, Ethiopic full stop.
const SENTENCE_TERMINATORS = new Set(
  [...'.!?…‼⁇⁈⁉。！？｡\u037e\u061f\u0964\u0965\u1362'].map((ch) => ch.charCodeAt(0)),
);
const TRAILING_CLOSERS = new Set([...'"\')]}»”’」』）］】〕〉》'].map((ch) => ch.charCodeAt(0)));

/** Does the trimmed sentence [start, end) end with sentence punctuation (possibly inside quotes or brackets)? */
function endsLikeSentence(text: string, start: number, end: number): boolean {
  let i = end - 1;
  while (i > start && TRAILING_CLOSERS.has(text.charCodeAt(i))) i--;
  return SENTENCE_TERMINATORS.has(text.charCodeAt(i));
}

function scoreSentences(text: string, sentences: Sentences): Float64Array {
  const terms = collectTerms(text, sentences);
  const n = sentences.length;
  const { df, total, tokens, tokenEnds, buckets } = terms;

  const idf = new Float64Array(buckets);
  const centroid = new Float64Array(buckets);
  let centroidNorm = 0;
  for (let b = 0; b < buckets; b++) {
    const frequency = df[b]!;
    if (frequency === 0) continue;
    const weight = Math.log((n + 1) / (frequency + 1)) + 1;
    idf[b] = weight;
    const c = (weight * total[b]!) / n;
    centroid[b] = c;
    centroidNorm += c * c;
  }
  centroidNorm = Math.sqrt(centroidNorm);

  const scores = new Float64Array(n);
  const tf = new Int32Array(buckets);
  const distinct = new Int32Array(Math.max(1, terms.longestSentence));
  let from = 0;
  for (let s = 0; s < n; s++) {
    const to = tokenEnds[s]!;
    let count = 0;
    for (let t = from; t < to; t++) {
      const bucket = tokens[t]!;
      if (tf[bucket]!++ === 0) distinct[count++] = bucket;
    }
    let dot = 0;
    let norm = 0;
    for (let d = 0; d < count; d++) {
      const bucket = distinct[d]!;
      const weight = tf[bucket]! * idf[bucket]!;
      dot += weight * centroid[bucket]!;
      norm += weight * weight;
      tf[bucket] = 0;
    }
    let score = count > 0 && centroidNorm > 0 ? dot / (Math.sqrt(norm) * centroidNorm) : 0;
    if (count < FULL_WEIGHT_TERMS) score *= count / FULL_WEIGHT_TERMS;
    if (s < LEAD_SENTENCES) score *= 1 + (POSITION_BONUS * (LEAD_SENTENCES - s)) / LEAD_SENTENCES;
    if (!endsLikeSentence(text, sentences.starts[s]!, sentences.ends[s]!)) score *= FRAGMENT_FACTOR;
    scores[s] = score;
    from = to;
  }
  return scores;
}

// ---------------------------------------------------------------------------------------------------
// Selection

interface Picked {
  text: string;
  /** Where each included sentence starts in `text`. */
  offsets: number[];
  /** Every distinct sentence of the input is included. */
  complete: boolean;
}

/** Units of the single space that joins two sentences. */
const SEPARATOR_UNITS = 1;

function selectSentences(
  text: string,
  sentences: Sentences,
  scores: Float64Array,
  capacity: number,
  locale: string | undefined,
): Picked {
  const n = sentences.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => scores[b]! - scores[a]! || a - b);

  const sentenceText = (i: number): string => text.slice(sentences.starts[i]!, sentences.ends[i]!);
  const chosen: number[] = [];
  const chosenTexts = new Set<string>();
  let used = 0;
  let complete = true;
  for (let rank = 0; rank < n; rank++) {
    const i = order[rank]!;
    const candidate = sentenceText(i);
    if (chosenTexts.has(candidate)) continue; // an exact repeat adds nothing
    const cost =
      estimateTokenUnits(text, sentences.starts[i]!, sentences.ends[i]!) + (chosen.length > 0 ? SEPARATOR_UNITS : 0);
    if (used + cost > capacity) {
      complete = false;
      continue;
    }
    chosen.push(i);
    chosenTexts.add(candidate);
    used += cost;
    if (capacity - used <= SEPARATOR_UNITS) {
      // Nothing else can fit; the summary is complete only if all that is left repeats chosen sentences.
      for (let r = rank + 1; r < n && complete; r++) if (!chosenTexts.has(sentenceText(order[r]!))) complete = false;
      break;
    }
  }

  if (chosen.length === 0) {
    // Not even one whole sentence fits: cut the best one.
    const best = order[0]!;
    const cut = cutToFit(text, sentences.starts[best]!, sentences.ends[best]!, capacity, locale);
    return { text: cut, offsets: [0], complete: false };
  }

  // Document order, one space between sentences; a line break after a title or heading so that it does
  // not read as the start of the next sentence (both separators cost the same).
  chosen.sort((a, b) => a - b);
  let joined = '';
  const offsets: number[] = [];
  for (const i of chosen) {
    if (joined.length > 0) {
      const previous = chosen[offsets.length - 1]!;
      joined += endsLikeSentence(text, sentences.starts[previous]!, sentences.ends[previous]!) ? ' ' : '\n';
    }
    offsets.push(joined.length);
    joined += sentenceText(i);
  }
  return { text: joined, offsets, complete };
}

/** How far back a cut may move to avoid splitting a word. Longer "words" (URLs, hashes) are cut inside. */
const WORD_BACKTRACK = 64;
const GRAPHEME_WINDOW = 32;

/**
 * The longest prefix of the sentence [start, end) that costs at most `capacity` units, ending at a word
 * boundary where the text has spaces and at a grapheme boundary otherwise; trailing space removed.
 */
function cutToFit(text: string, start: number, end: number, capacity: number, locale: string | undefined): string {
  let limit = start;
  let units = 0;
  while (limit < end) {
    const width = isHighSurrogate(text.charCodeAt(limit)) && limit + 1 < end ? 2 : 1;
    const cost = estimateTokenUnits(text, limit, limit + width);
    if (units + cost > capacity) break;
    units += cost;
    limit += width;
  }
  if (limit >= end) return text.slice(start, end);

  let cut = limit;
  if (!isSpace(text.charCodeAt(limit))) {
    const before = text.charCodeAt(limit - 1);
    const inSpacedWord = !isSpace(before) && (before < 0x80 || classOf(before) !== CLASS_DENSE);
    let wordStart = limit;
    if (inSpacedWord) {
      while (wordStart > start && limit - wordStart < WORD_BACKTRACK && !isSpace(text.charCodeAt(wordStart - 1))) {
        wordStart--;
      }
    }
    if (inSpacedWord && wordStart > start && isSpace(text.charCodeAt(wordStart - 1))) {
      cut = wordStart;
    } else {
      cut = graphemeBoundaryAtOrBefore(text, start, end, limit, locale);
    }
  }
  return text.slice(start, cut).trimEnd();
}

function graphemeBoundaryAtOrBefore(
  text: string,
  start: number,
  end: number,
  limit: number,
  locale: string | undefined,
): number {
  const from = Math.max(start, limit - GRAPHEME_WINDOW);
  const to = Math.min(end, limit + GRAPHEME_WINDOW);
  let best = -1;
  for (const segment of segmenterFor(locale, 'grapheme').segment(text.slice(from, to))) {
    const boundary = from + segment.index;
    if (boundary > limit) break;
    if (boundary > start) best = boundary;
  }
  return best > start ? best : limit;
}

// ---------------------------------------------------------------------------------------------------
// Stop sequences

function findStopSequence(
  text: string,
  stopSequences: readonly string[] | undefined,
): { index: number; sequence: string } | undefined {
  let found: { index: number; sequence: string } | undefined;
  for (const sequence of stopSequences ?? []) {
    if (sequence.length === 0) continue;
    const index = text.indexOf(sequence);
    if (index >= 0 && (found === undefined || index < found.index)) found = { index, sequence };
  }
  return found;
}
