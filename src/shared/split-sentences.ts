/**
 * Sentence boundaries from `Intl.Segmenter` (ICU rules, so '。', '！', '？' and friends end sentences),
 * in time linear in the input. V8's segmenter costs more per segment the longer its input is, which makes
 * one call over a long text quadratic (300 KB takes about a second, megabytes never finish), so the text
 * is handed over in windows of at most SENTENCE_WINDOW code units: the last sentence of a window may be
 * incomplete, so the next window starts at it again; a sentence longer than a window goes on into the next.
 *
 * Line breaks are shown to ICU as spaces, so that hard-wrapped prose is not cut at every line end.
 */

/** Largest window handed to one `Intl.Segmenter.segment` call. */
export const SENTENCE_WINDOW = 1024;

/**
 * A window's last sentence start is re-examined in the next window when it lies this close to the
 * window's end: whether a break follows "etc. " depends on the text after it.
 */
const CONFIRM_DISTANCE = 64;

const LINE_BREAKS = /[\n\r\v\f\u0085\u2028\u2029]/g;
const HAS_LINE_BREAK = /[\n\r\v\f\u0085\u2028\u2029]/;

const segmenters = new Map<string, Intl.Segmenter>();

function sentenceSegmenter(locale: string | undefined): Intl.Segmenter {
  const key = locale ?? '';
  let segmenter = segmenters.get(key);
  if (segmenter === undefined) {
    segmenter = new Intl.Segmenter(locale, { granularity: 'sentence' });
    segmenters.set(key, segmenter);
  }
  return segmenter;
}

/**
 * Segments the window of `text` that starts at `start` and runs at most SENTENCE_WINDOW code units
 * towards `end` (the end of the text, or of the paragraph, being segmented). Calls `onStart` with the
 * index of each sentence start found after `start`, in increasing order, and returns where the next
 * window must start: `end` when this window reached it, otherwise a position after `start` (a sentence
 * start already reported, or the window's end when one sentence fills the whole window).
 *
 * Calling it from `start` until it returns `end` reports every sentence start in (start, end). The starts
 * it reports up to some position `p` depend only on text[start, min(end, p + SENTENCE_WINDOW + 1)) and on
 * whether `end` lies within that range: a caller that does not yet have the whole text can pass any
 * `end` beyond p + SENTENCE_WINDOW and stop once the returned position exceeds p.
 */
export function segmentSentenceWindow(
  text: string,
  start: number,
  end: number,
  onStart: (index: number) => void,
  locale?: string,
): number {
  const final = end - start <= SENTENCE_WINDOW;
  let windowEnd = final ? end : start + SENTENCE_WINDOW;
  if (!final && isHighSurrogate(text.charCodeAt(windowEnd - 1))) windowEnd--;
  let window = text.slice(start, windowEnd);
  if (HAS_LINE_BREAK.test(window)) window = window.replace(LINE_BREAKS, ' ');

  let previous = 0;
  let last = 0;
  for (const segment of sentenceSegmenter(locale).segment(window)) {
    if (segment.index === 0) continue;
    if (last > 0) onStart(start + last);
    previous = last;
    last = segment.index;
  }
  if (final) {
    if (last > 0) onStart(start + last);
    return end;
  }
  if (last === 0) return windowEnd; // one sentence fills the window: it goes on in the next one
  if (window.length - last < CONFIRM_DISTANCE && previous > 0) return start + previous;
  onStart(start + last);
  return start + last;
}

/** Sentence start indexes of `text` after 0, in increasing order. */
export function sentenceStarts(text: string, locale?: string): number[] {
  const starts: number[] = [];
  const add = (index: number): void => {
    starts.push(index);
  };
  let position = 0;
  while (position < text.length) position = segmentSentenceWindow(text, position, text.length, add, locale);
  return starts;
}

/** The sentences of `text`, trimmed, empty ones left out. */
export function splitSentences(text: string, locale?: string): string[] {
  const sentences: string[] = [];
  let from = 0;
  for (const start of [...sentenceStarts(text, locale), text.length]) {
    const sentence = text.slice(from, start).trim();
    if (sentence !== '') sentences.push(sentence);
    from = start;
  }
  return sentences;
}

const isHighSurrogate = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;
