/**
 * Holds a completion to the request's maxTokens. A provider is asked for at most maxTokens, but nothing
 * makes it obey (a broken or hostile endpoint once answered a 300-token request with 200 MB), and the
 * spec says the client MUST NOT exceed maxTokens. So the text is measured with the project's token
 * estimate and, when it is clearly longer, cut to maxTokens and marked: stopReason `maxTokens`, and the
 * numbers in the result's usage `_meta` and in the audit line. Truncating (rather than refusing) keeps
 * the part that was asked for, and says so.
 */
import { estimateTokenUnits, TOKEN_UNITS } from '../../shared/estimate-tokens.js';

/**
 * How far over maxTokens the estimate may go before the text is cut: the estimate is not the provider's
 * tokenizer (for CJK text it can count more tokens than the provider did), and an honest completion that
 * stopped at the limit must not lose its last words to that difference.
 */
export const CLIP_MARGIN = 0.1;

export interface ClippedCompletion {
  text: string;
  /** Set when the text was cut: its estimated length before, and the limit it was cut to. */
  clipped?: { estimatedTokens: number; maxTokens: number };
}

/** `text` unchanged when its estimate is within maxTokens (plus the margin); else its first maxTokens. */
export function clipToMaxTokens(text: string, maxTokens: number): ClippedCompletion {
  const units = estimateTokenUnits(text);
  const allowedUnits = Math.ceil(maxTokens * (1 + CLIP_MARGIN)) * TOKEN_UNITS;
  if (units <= allowedUnits) return { text };
  const limitUnits = maxTokens * TOKEN_UNITS;
  let end = 0;
  for (let used = 0; end < text.length; end++) {
    const next = used + estimateTokenUnits(text, end, end + 1);
    if (next > limitUnits) break;
    used = next;
  }
  // Never split a surrogate pair (an emoji): drop its first half too.
  const code = text.charCodeAt(end - 1);
  if (end > 0 && code >= 0xd800 && code <= 0xdbff) end--;
  return { text: text.slice(0, end), clipped: { estimatedTokens: Math.ceil(units / TOKEN_UNITS), maxTokens } };
}
