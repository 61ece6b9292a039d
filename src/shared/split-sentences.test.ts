import { describe, expect, it } from 'vitest';

import { SENTENCE_WINDOW, segmentSentenceWindow, sentenceStarts, splitSentences } from './split-sentences.js';

describe('splitSentences', () => {
  it('splits Latin prose and keeps hard-wrapped lines together', () => {
    expect(splitSentences('Trees cool cities. They hold\nrain water! Do they?  Yes.')).toEqual([
      'Trees cool cities.',
      'They hold\nrain water!',
      'Do they?',
      'Yes.',
    ]);
  });

  it('splits Chinese and Japanese at 。！？ without spaces', () => {
    expect(splitSentences('今日は晴れです。明日は雨ですか？そうです！')).toEqual([
      '今日は晴れです。',
      '明日は雨ですか？',
      'そうです！',
    ]);
  });

  it('returns nothing for empty or blank text', () => {
    expect(splitSentences('')).toEqual([]);
    expect(splitSentences(' \n\t ')).toEqual([]);
    expect(sentenceStarts('One sentence only.')).toEqual([]);
  });

  it('finds the same sentences in a long text as in each of its parts (windows do not lose or invent any)', () => {
    const sentences: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const words = 3 + ((i * 7) % 40);
      sentences.push(`Sentence ${i} has ${'some words '.repeat(words).trim()} in it${i % 5 === 0 ? '!' : '.'}`);
    }
    expect(splitSentences(sentences.join(' '))).toEqual(sentences);
  });

  it('keeps a sentence longer than a window whole', () => {
    const long = `Words ${'word '.repeat(SENTENCE_WINDOW)}end.`;
    expect(splitSentences(`Short one. ${long} Another one.`)).toEqual(['Short one.', long, 'Another one.']);
  });
});

describe('segmentSentenceWindow', () => {
  it('moves forward and stops at the end', () => {
    const text = 'A b c. '.repeat(1000);
    const starts: number[] = [];
    let position = 0;
    let calls = 0;
    while (position < text.length) {
      const next = segmentSentenceWindow(text, position, text.length, (index) => starts.push(index));
      expect(next).toBeGreaterThan(position);
      position = next;
      calls++;
    }
    expect(position).toBe(text.length);
    expect(calls).toBeLessThan(20);
    expect(starts).toEqual(Array.from({ length: 999 }, (_, i) => 7 * (i + 1)));
  });
});
