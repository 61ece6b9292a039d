import { describe, expect, it } from 'vitest';

import { costUsd } from './cost.js';

describe('costUsd', () => {
  it('prices input and output tokens per million', () => {
    expect(costUsd({ inputTokens: 1_000_000, outputTokens: 1_000_000 }, { input: 2.5, output: 10 })).toBe(12.5);
    expect(costUsd({ inputTokens: 12_000, outputTokens: 800 }, { input: 0.15, output: 0.6 })).toBeCloseTo(0.00228, 12);
  });

  it('is 0 when the price is unknown', () => {
    expect(costUsd({ inputTokens: 5000, outputTokens: 5000 })).toBe(0);
    expect(costUsd({ inputTokens: 5000, outputTokens: 5000 }, undefined)).toBe(0);
  });

  it('counts missing, negative or non-finite token counts as 0', () => {
    const price = { input: 3, output: 15 };
    expect(costUsd({}, price)).toBe(0);
    expect(costUsd({ outputTokens: 2000 }, price)).toBeCloseTo(0.03, 12);
    expect(costUsd({ inputTokens: undefined, outputTokens: 2000 }, price)).toBeCloseTo(0.03, 12);
    expect(costUsd({ inputTokens: -10, outputTokens: Number.NaN }, price)).toBe(0);
  });

  it('is 0 for free models', () => {
    expect(costUsd({ inputTokens: 100_000, outputTokens: 100_000 }, { input: 0, output: 0 })).toBe(0);
  });
});
