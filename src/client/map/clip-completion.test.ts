import { describe, expect, it } from 'vitest';

import { estimateTokens } from '../../shared/estimate-tokens.js';
import { clipToMaxTokens } from './clip-completion.js';

describe('clipToMaxTokens', () => {
  it('keeps a text within the limit, and one within the margin above it', () => {
    expect(clipToMaxTokens('four score and seven', 10)).toEqual({ text: 'four score and seven' });
    const justOver = 'x'.repeat(4 * 105); // 105 estimated tokens for a limit of 100: inside the 10 % margin
    expect(clipToMaxTokens(justOver, 100)).toEqual({ text: justOver });
  });

  it('cuts a longer text to exactly the limit and says how long it was', () => {
    const text = 'abcd'.repeat(1000);
    const held = clipToMaxTokens(text, 100);
    expect(held.text).toBe('abcd'.repeat(100));
    expect(held.clipped).toEqual({ estimatedTokens: 1000, maxTokens: 100 });
  });

  it('counts CJK and emoji as the estimate does, without splitting a surrogate pair', () => {
    const text = `${'x'.repeat(3)}${'😀'.repeat(50)}`;
    const held = clipToMaxTokens(text, 10);
    expect(estimateTokens(held.text)).toBeLessThanOrEqual(10);
    expect(held.text).toBe(`xxx${'😀'.repeat(9)}`);
    expect(clipToMaxTokens('漢'.repeat(40), 20).text).toBe('漢'.repeat(20));
    // The limit falls between the two halves of the first emoji: it goes whole.
    expect(clipToMaxTokens(`xx${'😀'.repeat(5)}`, 1).text).toBe('xx');
  });
});
