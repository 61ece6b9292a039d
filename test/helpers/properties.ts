/**
 * The settings every property test shares: a fixed seed and a fixed number of cases, so CI runs the same
 * cases every time and the property tests together fit in about a minute. `FC_SEED` and `FC_RUNS`
 * override them for a longer local hunt (`FC_RUNS=5000 npx vitest run -t property`); a failure prints
 * the seed and path that reproduce it.
 */
import type fc from 'fast-check';

export const PROPERTY_SEED = Number(process.env['FC_SEED'] ?? 20_261_201);

/** The parameters of one property: `runs` cases (scaled by FC_RUNS when set), from the fixed seed. */
export function propertyParameters(runs: number): fc.Parameters<unknown> {
  const override = process.env['FC_RUNS'];
  return { seed: PROPERTY_SEED, numRuns: override === undefined ? runs : Number(override), endOnFailure: true };
}

/** True when a message is one line a user can read: not empty, no line break, not a JSON dump. */
export function isOneLine(message: string): boolean {
  return message.trim().length > 0 && !/[\r\n]/.test(message) && !/^\s*[[{]/.test(message);
}

/**
 * True when an error message says one thing per line: one line, or a heading followed by one line per
 * problem ("invalid config x.json (2 problems):" and the problems), never a JSON or zod dump.
 */
export function isOneLinePerProblem(message: string): boolean {
  const lines = message.replace(/\n$/, '').split('\n');
  return (
    lines.length <= 50 &&
    lines.every((line) => line.trim().length > 0 && line.length <= 1000) &&
    !lines.some((line) => /^\s*[[\]{}]/.test(line) || /"(code|expected|path|message)"\s*:/.test(line))
  );
}
