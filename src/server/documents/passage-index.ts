/**
 * A document cut into numbered passages (`p1`, `p2`, …) and indexed for full-text search, so that a
 * model can find its way around a document far larger than its context window: `search` ranks passages
 * for a query with BM25+ (with prefix and light fuzzy matching), `get` returns one.
 *
 * The ranking is MiniSearch's (`minisearch` 7, the options `prefix: true, fuzzy: 0.15, combineWith: 'OR'`):
 * its tokenizer and term processing, its BM25+ parameters and field lengths, its weights for prefix and
 * fuzzy matches, the order in which it adds scores up and its tie order. The term dictionary is its
 * radix tree (`minisearch/SearchableMap`, which finds the prefix and fuzzy matches); only the postings
 * are ours. MiniSearch keeps a posting as an entry of a `Map` per term (about 30 bytes each): 39k passages of
 * a 50 MB text make about 200 MB. Here the postings are two typed arrays (passage number and term
 * frequency, 6 bytes a posting), so the same index is about a quarter of that. See docs/architecture.md.
 */
import MiniSearch from 'minisearch';
import SearchableMap from 'minisearch/SearchableMap';

import { listPassages, type PassageTexts } from './text-passages.js';

export interface Passage {
  /** `p1`, `p2`, … in document order. */
  id: string;
  text: string;
}

export interface PassageHit {
  id: string;
  score: number;
  /** The first words of the passage, for a result list. */
  snippet: string;
}

export interface PassageIndex {
  readonly size: number;
  search(query: string, limit?: number): PassageHit[];
  get(id: string): Passage | undefined;
}

/** Passages of this many tokens: a few fit in any context, and a hit is specific enough to be useful. */
export const PASSAGE_TOKENS = 400;
export const SNIPPET_CHARS = 160;

export function snippetOf(text: string, chars = SNIPPET_CHARS): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= chars) return flat;
  const cut = flat.lastIndexOf(' ', chars);
  return `${flat.slice(0, cut > chars / 2 ? cut : chars)}…`;
}

/** Passage ids are case-insensitive and may come with brackets: `[P12]` is `p12`. */
export function normalizePassageId(id: string): string {
  return id
    .trim()
    .replace(/^\[|\]$/g, '')
    .toLowerCase();
}

/** MiniSearch's own tokenizer and term processing, so that a query matches the terms it would. */
const tokenize = MiniSearch.getDefault('tokenize') as (text: string) => string[];
const processTerm = MiniSearch.getDefault('processTerm') as (term: string) => string | null | undefined | false;

/** The search options, as MiniSearch took them: prefix matches, and fuzzy ones within 15 % of a term's length. */
const FUZZY = 0.15;
/** MiniSearch's defaults for these options. */
const MAX_FUZZY = 6;
const PREFIX_WEIGHT = 0.375;
const FUZZY_WEIGHT = 0.45;
const BM25 = { k: 1.2, b: 0.7, d: 0.5 };

/** The processed terms of a text, in order (empty ones dropped), and its field length as MiniSearch counts it. */
function termsOf(text: string): { terms: string[]; length: number } {
  const tokens = tokenize(text);
  const terms: string[] = [];
  for (const token of tokens) {
    const term = processTerm(token);
    if (term) terms.push(term);
  }
  // MiniSearch's field length: the distinct tokens before processing (an empty one included).
  return { terms, length: new Set(tokens).size };
}

/** How often each term id occurs, in order of first occurrence (the order MiniSearch's postings take). */
function countTerms(terms: readonly string[], idOf: (term: string) => number): Map<number, number> {
  const counts = new Map<number, number>();
  for (const term of terms) {
    const id = idOf(term);
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

/** The inverted index: term id → the passages (ascending) that hold the term, and how often. */
interface Postings {
  /** Postings of term `t` are [start[t], start[t + 1]). */
  start: Uint32Array;
  passage: Uint32Array;
  frequency: Uint16Array | Uint32Array;
}

/** A growable pair of typed arrays, for the postings as they are found. */
class PairBuffer {
  first = new Uint32Array(1 << 16);
  second = new Uint32Array(1 << 16);
  length = 0;
  push(a: number, b: number): void {
    if (this.length === this.first.length) {
      const size = this.length * 2;
      const first = new Uint32Array(size);
      first.set(this.first);
      this.first = first;
      const second = new Uint32Array(size);
      second.set(this.second);
      this.second = second;
    }
    this.first[this.length] = a;
    this.second[this.length++] = b;
  }
}

function buildPostings(texts: PassageTexts): {
  dictionary: SearchableMap<number>;
  postings: Postings;
  lengths: Uint32Array;
  average: number;
} {
  // One pass: term ids in order of first sight, field lengths, and each passage's (term, count) pairs.
  const ids = new Map<string, number>();
  const idOf = (term: string): number => {
    let id = ids.get(term);
    if (id === undefined) ids.set(term, (id = ids.size));
    return id;
  };
  const found = new PairBuffer();
  const ends = new Uint32Array(texts.size);
  const lengths = new Uint32Array(texts.size);
  let average = 0;
  let highest = 0;
  for (let i = 0; i < texts.size; i++) {
    const { terms, length } = termsOf(texts.text(i));
    lengths[i] = length;
    // MiniSearch's running average, computed the same way so that scores agree to the last bit.
    average = (average * i + length) / (i + 1);
    for (const [id, count] of countTerms(terms, idOf)) {
      found.push(id, count);
      if (count > highest) highest = count;
    }
    ends[i] = found.length;
  }

  // Inverted: a term's postings in one range, in passage order (a counting sort of the pairs by term).
  const start = new Uint32Array(ids.size + 1);
  for (let at = 0; at < found.length; at++) start[found.first[at]! + 1]!++;
  for (let t = 0; t < ids.size; t++) start[t + 1]! += start[t]!;
  const passage = new Uint32Array(found.length);
  const frequency = highest > 0xffff ? new Uint32Array(found.length) : new Uint16Array(found.length);
  const next = start.slice(0, ids.size);
  for (let i = 0, at = 0; i < texts.size; i++) {
    for (; at < ends[i]!; at++) {
      const to = next[found.first[at]!]!++;
      passage[to] = i;
      frequency[to] = found.second[at]!;
    }
  }

  // The radix tree, filled in the order MiniSearch fills its own, so that its matches come in the same order.
  const dictionary = new SearchableMap<number>();
  for (const [term, id] of ids) dictionary.set(term, id);
  return { dictionary, postings: { start, passage, frequency }, lengths, average };
}

/**
 * Indexes `passages` as p1, p2, …. They are kept as given: strings as they are, and spans of one text
 * (`textPassages`) as spans, sliced out when a passage is read or a snippet made.
 */
export function createPassageIndex(passages: readonly string[] | PassageTexts): PassageIndex {
  const texts = Array.isArray(passages) ? listPassages(passages) : (passages as PassageTexts);
  const count = texts.size;
  const { dictionary, postings, lengths, average } = buildPostings(texts);

  const bm25 = (frequency: number, matching: number, length: number): number => {
    const { k, b, d } = BM25;
    const inverse = Math.log(1 + (count - matching + 0.5) / (matching + 0.5));
    return inverse * (d + (frequency * (k + 1)) / (frequency + k * (1 - b + (b * length) / average)));
  };

  /** Adds `weight ×` the BM25+ score of term `id` to each passage holding it, in passage order. */
  const addTerm = (scores: Map<number, number>, id: number | undefined, weight: number): void => {
    if (id === undefined) return;
    const from = postings.start[id]!;
    const to = postings.start[id + 1]!;
    const matching = to - from;
    for (let at = from; at < to; at++) {
      const passage = postings.passage[at]!;
      const score = weight * bm25(postings.frequency[at]!, matching, lengths[passage]!);
      const before = scores.get(passage);
      scores.set(passage, before === undefined ? score : before + score);
    }
  };

  /** The scores of one query term: exact, then prefix matches, then fuzzy ones (MiniSearch's order). */
  const termScores = (term: string): Map<number, number> => {
    const scores = new Map<number, number>();
    addTerm(scores, dictionary.get(term), 1);
    const maxDistance = Math.min(MAX_FUZZY, Math.round(term.length * FUZZY));
    const fuzzy = maxDistance > 0 ? dictionary.fuzzyGet(term, maxDistance) : undefined;
    for (const [match, id] of dictionary.atPrefix(term)) {
      const distance = match.length - term.length;
      if (distance === 0) continue;
      // A prefix match is scored as one, never also as a fuzzy match.
      fuzzy?.delete(match);
      addTerm(scores, id, (PREFIX_WEIGHT * match.length) / (match.length + 0.3 * distance));
    }
    for (const [match, [id, distance]] of fuzzy ?? []) {
      if (distance === 0) continue;
      addTerm(scores, id, (FUZZY_WEIGHT * match.length) / (match.length + distance));
    }
    return scores;
  };

  const idOf = (passage: number) => `p${passage + 1}`;
  return {
    size: count,
    search(query, limit = 5) {
      // OR: a passage's score is the sum over the query's terms, times how many distinct terms it matched.
      const combined = new Map<number, { score: number; terms: string[] }>();
      for (const term of termsOf(query).terms) {
        for (const [passage, score] of termScores(term)) {
          const hit = combined.get(passage);
          if (hit === undefined) combined.set(passage, { score, terms: [term] });
          else {
            hit.score = hit.score + score;
            if (!hit.terms.includes(term)) hit.terms.push(term);
          }
        }
      }
      const ranked = [...combined].map(([passage, hit]) => ({ passage, score: hit.score * hit.terms.length }));
      // A stable sort: equal scores keep the order in which passages were first matched, as in MiniSearch.
      ranked.sort((a, b) => b.score - a.score);
      return ranked.slice(0, limit).map(({ passage, score }) => ({
        id: idOf(passage),
        score: Math.round(score * 100) / 100,
        snippet: snippetOf(texts.text(passage)),
      }));
    },
    get(id) {
      const match = /^p([1-9]\d*)$/.exec(normalizePassageId(id));
      const passage = match === null ? -1 : Number(match[1]) - 1;
      return passage >= 0 && passage < count ? { id: idOf(passage), text: texts.text(passage) } : undefined;
    },
  };
}
