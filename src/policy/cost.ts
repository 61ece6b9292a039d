/**
 * The price of one call, from the catalog's prices (US dollars per million tokens). An unknown price
 * costs 0: local models are free, and a missing catalog entry must not block a request.
 */

/** US dollars per million input and output tokens (the catalog's `price`). */
export interface TokenPrice {
  readonly input: number;
  readonly output: number;
}

export interface TokenUsage {
  readonly inputTokens?: number | undefined;
  readonly outputTokens?: number | undefined;
}

/** A count a provider did not report (or reported as garbage) counts as 0. */
function count(tokens: number | undefined): number {
  return tokens !== undefined && Number.isFinite(tokens) && tokens > 0 ? tokens : 0;
}

export function costUsd(usage: TokenUsage, price?: TokenPrice): number {
  if (price === undefined) return 0;
  return (count(usage.inputTokens) * price.input + count(usage.outputTokens) * price.output) / 1_000_000;
}
