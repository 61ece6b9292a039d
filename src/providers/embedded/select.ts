/**
 * Step 4 of the extractive summarizer, selection: best first (ties: earlier sentence), skipping exact
 * repeats and sentences that would push the estimated output past the budget; the chosen sentences are
 * joined in document order by a space (a line break after a title or heading). When not even one
 * sentence fits, the best one is cut at a word (or grapheme) boundary.
 */
import { estimateTokenUnits } from '../../shared/estimate-tokens.js';
import { isSpace } from '../../shared/is-space.js';
import { endsLikeSentence } from './rank.js';
import { isHighSurrogate, segmenterFor, type Sentences } from './segment.js';
import { CLASS_DENSE, classOf } from './terms.js';

export interface Picked {
  text: string;
  /** Where each included sentence starts in `text`. */
  offsets: number[];
  /** Every distinct sentence of the input is included. */
  complete: boolean;
}

/** Units of the single space that joins two sentences. */
const SEPARATOR_UNITS = 1;

export function selectSentences(
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
