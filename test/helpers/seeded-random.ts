/** A deterministic pseudo-random generator for tests that build varied inputs (tests must not be flaky). */

/** An xorshift32 sequence from `seed`, as numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x100000000;
  };
}
