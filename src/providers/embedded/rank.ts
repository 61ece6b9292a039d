/**
 * Step 3 of the extractive summarizer, ranking: sentence-level document frequency gives each term an
 * idf; the document centroid is the mean tf-idf vector. A sentence scores the cosine of its tf-idf vector
 * with the centroid, damped for sentences with very few terms or without closing punctuation, with a
 * small bonus for the first sentences.
 */
import type { Sentences } from './segment.js';
import { collectTerms } from './terms.js';

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
export function endsLikeSentence(text: string, start: number, end: number): boolean {
  let i = end - 1;
  while (i > start && TRAILING_CLOSERS.has(text.charCodeAt(i))) i--;
  return SENTENCE_TERMINATORS.has(text.charCodeAt(i));
}

export function scoreSentences(text: string, sentences: Sentences): Float64Array {
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
