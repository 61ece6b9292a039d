/**
 * A token count ESTIMATE, not a tokenizer. Every provider tokenizes differently and none of their
 * tokenizers can be installed offline for all of them, so budgets (client limits, server chunking,
 * the extractive summarizer's output cap) use this one fast, deterministic rule instead:
 *
 * - Latin-script text (ASCII, Latin-1, Latin Extended, general punctuation): about 4 characters a token;
 * - other alphabetic scripts (Greek, Cyrillic, Arabic, Hebrew, Indic, Thai, ...): about 2 characters a token;
 * - CJK ideographs, Kana, Hangul and CJK punctuation: about 1 token a character;
 * - characters outside the BMP (emoji, rare ideographs): about 1 token each.
 *
 * Counting is done in quarter-token "units" so that the count of a concatenation is the sum of its
 * parts' units: callers that build text piece by piece can keep a running total and know exactly what
 * `estimateTokens` will say about the result. Linear time, no allocation.
 */

/**
 * Units per UTF-16 code unit, as [first code unit, units] ranges in ascending order; each range runs
 * to the next one's start. Both halves of a surrogate pair cost 2, so an astral character is 1 token.
 */
const UNIT_RANGES: readonly (readonly [number, number])[] = [
  [0x0000, 1], // ASCII, Latin-1, Latin Extended-A/B, IPA, combining diacritics
  [0x0370, 2], // Greek, Cyrillic, Armenian, Hebrew, Arabic, Indic, Thai, Lao, Tibetan, Myanmar, Georgian
  [0x1100, 4], // Hangul Jamo
  [0x1200, 2], // Ethiopic ... Khmer, Mongolian, phonetic extensions
  [0x1e00, 1], // Latin Extended Additional (Vietnamese)
  [0x1f00, 2], // Greek Extended
  [0x2000, 1], // general punctuation, super/subscripts, currency symbols
  [0x20d0, 2], // symbols, arrows, math, box drawing, dingbats
  [0x2e80, 4], // CJK radicals, CJK symbols and punctuation, Kana, Bopomofo, Hangul compatibility Jamo, ideographs
  [0xa000, 2], // Yi, Vai, Cyrillic Extended-B, ...
  [0xa960, 4], // Hangul Jamo Extended-A
  [0xa980, 2], // Javanese, Cherokee supplement, ...
  [0xac00, 4], // Hangul syllables, Hangul Jamo Extended-B
  [0xd800, 2], // surrogates (half of an astral character), private use area
  [0xf900, 4], // CJK compatibility ideographs
  [0xfb00, 2], // alphabetic presentation forms, Arabic presentation forms, variation selectors
  [0xfe30, 4], // CJK compatibility forms
  [0xfe50, 2], // small forms, Arabic presentation forms-B
  [0xff00, 4], // full-width and half-width forms
  [0xfff0, 2], // specials
];

const UNITS = buildUnitTable();

function buildUnitTable(): Uint8Array {
  const table = new Uint8Array(0x10000);
  for (let r = 0; r < UNIT_RANGES.length; r++) {
    const [from, units] = UNIT_RANGES[r]!;
    const to = UNIT_RANGES[r + 1]?.[0] ?? 0x10000;
    table.fill(units, from, to);
  }
  return table;
}

/** Units per estimated token. */
export const TOKEN_UNITS = 4;

/** Estimated tokens for `text`: 0 for '', at least 1 for any non-empty text. */
export function estimateTokens(text: string): number {
  return tokensFromUnits(estimateTokenUnits(text));
}

/** Estimated tokens for a total of `units` quarter-token units (see `estimateTokenUnits`). */
export function tokensFromUnits(units: number): number {
  return Math.ceil(units / TOKEN_UNITS);
}

/**
 * Quarter-token units of `text.slice(start, end)` without slicing. Additive: the units of `a + b` are
 * the units of `a` plus the units of `b`.
 */
export function estimateTokenUnits(text: string, start = 0, end = text.length): number {
  let units = 0;
  for (let i = start; i < end; i++) units += UNITS[text.charCodeAt(i)]!;
  return units;
}
