import { describe, expect, it } from 'vitest';

import { TOKEN_UNITS, estimateTokenUnits, estimateTokens, tokensFromUnits } from './estimate-tokens.js';

describe('estimateTokens', () => {
  it('is 0 for the empty string and at least 1 for any non-empty text', () => {
    expect(estimateTokens('')).toBe(0);
    for (const text of ['a', ' ', '\n', '.', 'é', 'ж', '日', '한', '😀', '\u0301']) {
      expect(estimateTokens(text)).toBeGreaterThanOrEqual(1);
    }
  });

  it('counts about 4 characters a token for English text', () => {
    expect(estimateTokens('abcd')).toBe(1);
    expect(estimateTokens('abcde')).toBe(2);
    expect(estimateTokens('x'.repeat(4000))).toBe(1000);
    const sentence = 'Street trees cool the pavement under them by several degrees on a hot afternoon.';
    expect(estimateTokens(sentence)).toBe(Math.ceil(sentence.length / 4));
  });

  it('counts Latin text with accents like English (French, German, Vietnamese)', () => {
    const french = 'Les arbres de la ville rafraîchissent les rues en été.';
    expect(estimateTokens(french)).toBe(Math.ceil(french.length / 4));
    const german = 'Straßenbäume kühlen die Gehwege spürbar ab.';
    expect(estimateTokens(german)).toBe(Math.ceil(german.length / 4));
    expect(estimateTokens('Tiếng Việt')).toBe(Math.ceil('Tiếng Việt'.length / 4));
  });

  it('counts about one token per CJK, Kana or Hangul character', () => {
    expect(estimateTokens('日本語')).toBe(3);
    expect(estimateTokens('ひらがな')).toBe(4);
    expect(estimateTokens('カタカナ')).toBe(4);
    expect(estimateTokens('안녕하세요')).toBe(5);
    expect(estimateTokens('东京是日本的首都。')).toBe(9);
  });

  it('counts other alphabets at about 2 characters a token and an emoji as about one token', () => {
    expect(estimateTokens('привет')).toBe(3);
    expect(estimateTokens('γειά σου')).toBe(4); // 7 Greek letters (2 units) + 1 space (1 unit) = 15 units
    expect(estimateTokens('😀')).toBe(1);
    expect(estimateTokens('😀😀😀😀')).toBe(4);
  });

  it('is deterministic and additive in units, so running totals match the estimate of the whole', () => {
    const parts = ['Trees cool cities. ', '東京は暑い。', ' 😀 ', 'Привет!'];
    const whole = parts.join('');
    const sum = parts.reduce((total, part) => total + estimateTokenUnits(part), 0);
    expect(sum).toBe(estimateTokenUnits(whole));
    expect(tokensFromUnits(sum)).toBe(estimateTokens(whole));
    expect(estimateTokens(whole)).toBe(estimateTokens(whole));
  });

  it('measures a slice without copying it', () => {
    const text = 'abc日本語def';
    expect(estimateTokenUnits(text, 3, 6)).toBe(3 * TOKEN_UNITS);
    expect(estimateTokenUnits(text, 0, 3)).toBe(3);
    expect(estimateTokenUnits(text, 3, 3)).toBe(0);
  });
});
