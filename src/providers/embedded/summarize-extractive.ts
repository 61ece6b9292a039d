/**
 * An EXTRACTIVE summarizer, not a language model: it picks the most central sentences of a document and
 * returns them verbatim, in their original order. It never writes, rephrases or translates anything.
 *
 * How it works, in time and memory linear in the input, one file per step (this one runs them and applies
 * the stop sequences):
 * 1. Segmentation (segment.ts): blocks at blank lines and at heading or list lines, then sentences by
 *    `Intl.Segmenter` over bounded windows, with breaks after "Dr.", initials and list numbers undone.
 * 2. Terms (terms.ts): lower-cased words, character bigrams for scripts written without spaces, hashed
 *    into a fixed number of buckets; a few English stopwords skipped.
 * 3. Ranking (rank.ts): the cosine of each sentence's tf-idf vector with the document centroid, damped
 *    for very short sentences and fragments, with a small bonus for the first sentences.
 * 4. Selection (select.ts): best first within the budget, no exact repeats, joined in document order by
 *    a space (a line break after a title or heading).
 */
import { TOKEN_UNITS } from '../../shared/estimate-tokens.js';
import { scoreSentences } from './rank.js';
import { segmentSentences } from './segment.js';
import { selectSentences } from './select.js';

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
