/**
 * Step 2 of the extractive summarizer, terms: lower-cased runs of letters, marks and digits; scripts
 * written without spaces (Han, Kana, Hangul, Thai, Lao, Khmer, Myanmar) give character bigrams. Terms are
 * hashed into a fixed number of buckets (no string per term, no per-sentence maps); a few English
 * stopwords are skipped.
 */
import { IntBuffer, isHighSurrogate, isLowSurrogate, type Sentences } from './segment.js';

const CLASS_UNKNOWN = 0;
const CLASS_OTHER = 1;
const CLASS_WORD = 2;
export const CLASS_DENSE = 3;

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

export function classOf(cp: number): number {
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

export interface Terms {
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

export function collectTerms(text: string, sentences: Sentences): Terms {
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
