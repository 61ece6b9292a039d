import { describe, expect, it } from 'vitest';

import { estimateTokens } from '../../shared/estimate-tokens.js';
import { chunkBudget, chunkText, createChunker } from './chunk-text.js';
import { seededRandom } from '../../../test/helpers/seeded-random.js';

const nonSpace = (text: string): string => text.replace(/\s+/g, '');

/** The invariants every chunking must keep. */
function expectValidChunks(text: string, chunks: string[], maxTokens: number): void {
  for (const chunk of chunks) {
    expect(estimateTokens(chunk), JSON.stringify(chunk)).toBeLessThanOrEqual(maxTokens);
    expect(chunk.trim()).toBe(chunk);
    expect(chunk).not.toBe('');
  }
  expect(nonSpace(chunks.join(''))).toBe(nonSpace(text));
}

function chunkStreamed(text: string, maxTokens: number, nextSize: () => number): string[] {
  const chunker = createChunker({ maxTokens });
  const chunks: string[] = [];
  for (let at = 0; at < text.length;) {
    const size = nextSize();
    chunks.push(...chunker.push(text.slice(at, at + size)));
    at += size;
  }
  chunks.push(...chunker.end());
  return chunks;
}

/** Offsets where chunks of a text without white space start; all must be grapheme boundaries. */
function expectGraphemeCuts(text: string, chunks: string[]): void {
  expect(chunks.join('')).toBe(text);
  const boundaries = new Set<number>();
  for (const { index } of new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)) {
    boundaries.add(index);
  }
  let offset = 0;
  for (const chunk of chunks) {
    expect(boundaries.has(offset), `cut at ${offset} before ${JSON.stringify(chunk.slice(0, 4))}`).toBe(true);
    offset += chunk.length;
  }
}

const WORDS = 'tree city water rain shade street summer heat park river bridge market'.split(' ');

function sentence(next: () => number, words: number): string {
  const list = Array.from({ length: words }, () => WORDS[Math.floor(next() * WORDS.length)]!);
  const text = list.join(' ');
  return `${text[0]!.toUpperCase()}${text.slice(1)}.`;
}

/** Mixed text: Latin prose with hard-wrapped lines, CJK, Cyrillic, Thai, emoji, odd white space. */
function mixedText(seed: number, paragraphs: number): string {
  const next = seededRandom(seed);
  const samples = [
    () => sentence(next, 3 + Math.floor(next() * 15)),
    () => '今日は晴れです。明日は雨が降るでしょう！',
    () => 'Деревья охлаждают города. Они задерживают дождевую воду.',
    () => 'ต้นไม้ทำให้เมืองเย็นลง และช่วยเก็บน้ำฝน',
    () => 'Family 👨‍👩‍👧‍👦 and flags 🇺🇸🇬🇧 and cafe\u0301 and 👍🏽.',
    () => 'https://example.org/a/very/long/path/without/any/spaces/at/all?x=1&y=2',
  ];
  const separators = ['\n\n', '\r\n\r\n', '\n \t\n', '\n\n\n\n', '\u2029'];
  const inner = [' ', ' ', ' ', '\n', '\r\n', '  ', '\t'];
  const out: string[] = [];
  for (let p = 0; p < paragraphs; p++) {
    const count = 1 + Math.floor(next() * 8);
    for (let s = 0; s < count; s++) {
      out.push(samples[Math.floor(next() * samples.length)]!());
      out.push(inner[Math.floor(next() * inner.length)]!);
    }
    out.push(separators[Math.floor(next() * separators.length)]!);
  }
  return `  ${out.join('')}  \n`;
}

describe('chunkText', () => {
  it('gives no chunks for empty or white-space-only text', () => {
    expect(chunkText('', { maxTokens: 100 })).toEqual([]);
    expect(chunkText(' \n\n\t \r\n\u3000 ', { maxTokens: 8 })).toEqual([]);
    const chunker = createChunker({ maxTokens: 8 });
    expect([...chunker.push(''), ...chunker.push('   '), ...chunker.push('\n\n'), ...chunker.end()]).toEqual([]);
  });

  it('keeps a short text whole, trimmed, with paragraphs joined by exactly one blank line', () => {
    const text = '\n  Title\r\n\r\n\r\nFirst line\nsecond line.  \n \t\n Last\u2029paragraph.  \n';
    expect(chunkText(text, { maxTokens: 100 })).toEqual(['Title\n\nFirst line\nsecond line.\n\nLast\n\nparagraph.']);
  });

  it('takes one CRLF as a line break and two as a paragraph break, also when split across pushes', () => {
    const text = 'Line one\r\nline two.\r\n\r\nNext\rparagraph.';
    const expected = ['Line one\r\nline two.\n\nNext\rparagraph.'];
    expect(chunkText(text, { maxTokens: 100 })).toEqual(expected);
    for (let at = 0; at <= text.length; at++) {
      const chunker = createChunker({ maxTokens: 100 });
      expect([...chunker.push(text.slice(0, at)), ...chunker.push(text.slice(at)), ...chunker.end()]).toEqual(expected);
    }
  });

  it('merges whole paragraphs greedily when they fit', () => {
    const next = seededRandom(7);
    const paragraphs = Array.from({ length: 60 }, () =>
      Array.from({ length: 1 + Math.floor(next() * 3) }, () => sentence(next, 4 + Math.floor(next() * 8))).join(' '),
    );
    const text = paragraphs.join('\n\n');
    const maxTokens = 60;
    expect(Math.max(...paragraphs.map((p) => estimateTokens(p)))).toBeLessThanOrEqual(maxTokens);
    const chunks = chunkText(text, { maxTokens });
    expectValidChunks(text, chunks, maxTokens);
    // Each chunk is a run of whole paragraphs, and the next paragraph would not have fitted.
    let index = 0;
    for (const chunk of chunks) {
      const parts = chunk.split('\n\n');
      expect(parts).toEqual(paragraphs.slice(index, index + parts.length));
      index += parts.length;
      if (index < paragraphs.length) {
        expect(estimateTokens(`${chunk}\n\n${paragraphs[index]!}`)).toBeGreaterThan(maxTokens);
      }
    }
    expect(index).toBe(paragraphs.length);
  });

  it('splits a paragraph that does not fit at sentence ends', () => {
    const next = seededRandom(11);
    const sentences = Array.from({ length: 40 }, () => sentence(next, 3 + Math.floor(next() * 6)));
    const text = `Intro paragraph.\n\n${sentences.join(' ')}\n\nOutro paragraph.`;
    const maxTokens = 30;
    const chunks = chunkText(text, { maxTokens });
    expectValidChunks(text, chunks, maxTokens);
    expect(chunks[0]).toBe('Intro paragraph.');
    expect(chunks.at(-1)!.endsWith('Outro paragraph.')).toBe(true);
    const middle = chunks.slice(1, -1);
    expect(middle.length).toBeGreaterThan(3);
    for (const chunk of middle) {
      expect(chunk).toMatch(/^[A-Z].*\.$/s);
      expect(sentences.join(' ').includes(chunk)).toBe(true);
    }
  });

  it('splits a single enormous sentence between words', () => {
    const next = seededRandom(5);
    const words = Array.from({ length: 2000 }, () => WORDS[Math.floor(next() * WORDS.length)]!);
    const text = words.join(' ');
    for (const maxTokens of [8, 25, 300]) {
      const chunks = chunkText(text, { maxTokens });
      expectValidChunks(text, chunks, maxTokens);
      expect(chunks.flatMap((chunk) => chunk.split(' '))).toEqual(words);
    }
  });

  it('prefers line breaks to spaces inside a paragraph without sentence ends', () => {
    const lines = Array.from({ length: 50 }, (_, i) => `item ${i} of the list`);
    const chunks = chunkText(lines.join('\n'), { maxTokens: 20 });
    expect(chunks.flatMap((chunk) => chunk.split('\n'))).toEqual(lines);
  });

  it('cuts one enormous word at grapheme boundaries', () => {
    const text = 'x'.repeat(1000);
    const chunks = chunkText(text, { maxTokens: 8 });
    expect(chunks).toEqual(Array.from({ length: 32 }, (_, i) => (i < 31 ? 'x'.repeat(32) : 'x'.repeat(8))));
  });

  it('splits CJK text at 。！？ and, without them, between characters', () => {
    const sentences = Array.from({ length: 30 }, (_, i) => `これは${i}番目の文です${i % 3 === 0 ? '！' : '。'}`);
    const text = sentences.join('');
    const chunks = chunkText(text, { maxTokens: 40 });
    expectValidChunks(text, chunks, 40);
    for (const chunk of chunks) expect(chunk).toMatch(/[。！]$/);
    expect(chunks.join('')).toBe(text);

    const unpunctuated = '漢字仮名交じり文は日本語の表記法として広く用いられている'.repeat(20);
    for (const maxTokens of [1, 8, 50]) {
      const pieces = chunkText(unpunctuated, { maxTokens });
      expectValidChunks(unpunctuated, pieces, maxTokens);
      expect(pieces.join('')).toBe(unpunctuated);
      for (const piece of pieces.slice(0, -1)) expect(estimateTokens(piece)).toBe(maxTokens);
    }
  });

  it('splits Thai (spaces between phrases, no sentence punctuation)', () => {
    const text = Array.from({ length: 40 }, () => 'ต้นไม้ทำให้เมืองเย็นลง').join(' ');
    const chunks = chunkText(text, { maxTokens: 30 });
    expectValidChunks(text, chunks, 30);
    expectGraphemeCuts(
      text.replaceAll(' ', ''),
      chunks.map((chunk) => chunk.replaceAll(' ', '')),
    );
  });

  it('never breaks surrogate pairs, emoji ZWJ sequences, flags or combining sequences', () => {
    const samples = [
      '👨‍👩‍👧‍👦'.repeat(40),
      'a🇺🇸🇬🇧🇫🇷🇩🇪🇯🇵🇮🇹🇪🇸🇨🇦🇧🇷🇲🇽'.repeat(6),
      'e\u0301\u0302a\u0308o\u0303'.repeat(60),
      '👍🏽🧑🏿‍💻👩‍❤️‍💋‍👨🏳️‍🌈😀'.repeat(20),
      '𠀀𠀁𠀂漢字🙂'.repeat(40),
      'क्षत्रिय नमस्ते'.replace(' ', '').repeat(40),
      '한국어텍스트'.repeat(40) + '\u1100\u1161\u11a8'.repeat(30),
    ];
    for (const text of samples) {
      for (const maxTokens of [5, 8, 13, 30, 60, 120]) {
        const chunks = chunkText(text, { maxTokens });
        expectValidChunks(text, chunks, maxTokens);
        expectGraphemeCuts(text, chunks);
      }
    }
  });

  it('keeps clusters whole when only the last few dozen code units before a cut go to ICU', () => {
    const chain = (k: number): string => Array.from({ length: k }, () => '👩').join('\u200d');
    const samples = [
      `a${'🇺🇸🇬🇧🇫🇷'.repeat(60)}`,
      `ab${'🇯🇵'.repeat(90)}`,
      Array.from({ length: 40 }, (_, i) => `x${chain(5 + (i % 20))}`).join(''), // clusters of up to 30 tokens
      Array.from({ length: 30 }, (_, i) => `${'e'.repeat(1 + (i % 3))}${'\u0301'.repeat(20 + i)}`).join(''),
    ];
    for (const text of samples) {
      for (let maxTokens = 30; maxTokens <= 90; maxTokens += 2) {
        const chunks = chunkText(text, { maxTokens });
        expectValidChunks(text, chunks, maxTokens);
        expectGraphemeCuts(text, chunks);
      }
    }
  });

  it('cuts a single grapheme cluster larger than the budget between code points', () => {
    const text = `a${'\u0301'.repeat(100)}`;
    const chunks = chunkText(text, { maxTokens: 8 });
    expectValidChunks(text, chunks, 8);
    expect(chunks.join('')).toBe(text);
  });

  it('keeps every chunk within the budget and loses or repeats nothing, for many budgets', () => {
    const text = mixedText(3, 120);
    for (const maxTokens of [1, 2, 3, 8, 13, 50, 200, 1000, 100_000]) {
      const chunks = chunkText(text, { maxTokens });
      expectValidChunks(text, chunks, maxTokens);
      if (maxTokens === 100_000) expect(chunks).toHaveLength(1);
    }
  });

  it('drops white space runs longer than a chunk (they can only fall between chunks)', () => {
    const text = `alpha${' '.repeat(500)}beta${'\t'.repeat(40)}gamma`;
    const chunks = chunkText(text, { maxTokens: 8 });
    expect(chunks).toEqual(['alpha', 'beta', 'gamma']);
  });

  it('refuses a budget that is not a positive integer', () => {
    for (const maxTokens of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => chunkText('text', { maxTokens })).toThrow(RangeError);
    }
  });
});

describe('createChunker', () => {
  it('gives the same chunks as chunkText whatever the push sizes', () => {
    for (const [seed, maxTokens] of [
      [1, 8],
      [2, 20],
      [3, 64],
      [4, 300],
      [5, 2000],
    ] as const) {
      const text = mixedText(seed, maxTokens > 100 ? 400 : 80);
      const whole = chunkText(text, { maxTokens });
      expectValidChunks(text, whole, maxTokens);
      const next = seededRandom(seed * 101);
      expect(chunkStreamed(text, maxTokens, () => 1 + Math.floor(next() * 40))).toEqual(whole);
      expect(chunkStreamed(text, maxTokens, () => 1 + Math.floor(next() * 5000))).toEqual(whole);
      expect(chunkStreamed(text, maxTokens, () => (next() < 0.5 ? 1 : 2))).toEqual(whole);
    }
  });

  it('splits a paragraph across pushes as if it had come whole', () => {
    const text = 'First half of a paragraph and the second half of it.\n\nNext paragraph.';
    const whole = chunkText(text, { maxTokens: 100 });
    expect(whole).toEqual(['First half of a paragraph and the second half of it.\n\nNext paragraph.']);
    const chunker = createChunker({ maxTokens: 100 });
    expect([...chunker.push('First half of a paragraph '), ...chunker.push('and the second half of it.\n')]).toEqual(
      [],
    );
    expect([...chunker.push('\nNext paragraph.'), ...chunker.end()]).toEqual(whole);
  });

  it('gives chunks out while a long paragraph is still coming in', () => {
    const next = seededRandom(9);
    const paragraph = Array.from({ length: 3000 }, () => sentence(next, 8)).join(' ');
    const chunker = createChunker({ maxTokens: 100 });
    let during = 0;
    for (let at = 0; at < paragraph.length; at += 1000) during += chunker.push(paragraph.slice(at, at + 1000)).length;
    const after = chunker.end().length;
    expect(during).toBeGreaterThan(100);
    expect(after).toBeLessThanOrEqual(8);
  });

  it('refuses pushes after the end', () => {
    const chunker = createChunker({ maxTokens: 10 });
    chunker.end();
    expect(() => chunker.push('late')).toThrow(/after end/);
  });
});

describe('chunkBudget', () => {
  it('leaves the context less the prompt, the output and a 10% safety margin', () => {
    expect(chunkBudget({ contextTokens: 8000, promptTokens: 500, outputTokens: 1000 })).toBe(5700);
    expect(chunkBudget({ contextTokens: 128_000, promptTokens: 0, outputTokens: 0 })).toBe(115_200);
  });

  it('keeps at least 64 tokens of margin', () => {
    expect(chunkBudget({ contextTokens: 400, promptTokens: 100, outputTokens: 100 })).toBe(136);
  });

  it('throws a one-line RangeError when nothing is left', () => {
    for (const options of [
      { contextTokens: 4096, promptTokens: 1000, outputTokens: 3000 },
      { contextTokens: 64, promptTokens: 0, outputTokens: 0 },
      { contextTokens: 1000, promptTokens: 500, outputTokens: 400 },
    ]) {
      let error: unknown;
      try {
        chunkBudget(options);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(RangeError);
      expect((error as Error).message).toMatch(/^chunkBudget: no room for the document/);
      expect((error as Error).message).not.toContain('\n');
    }
    expect(chunkBudget({ contextTokens: 1000, promptTokens: 499, outputTokens: 400 })).toBe(1);
  });

  it('refuses negative or fractional token counts', () => {
    expect(() => chunkBudget({ contextTokens: -1, promptTokens: 0, outputTokens: 0 })).toThrow(RangeError);
    expect(() => chunkBudget({ contextTokens: 1000.5, promptTokens: 0, outputTokens: 0 })).toThrow(RangeError);
    expect(() => chunkBudget({ contextTokens: 1000, promptTokens: Number.NaN, outputTokens: 0 })).toThrow(
      /promptTokens/,
    );
  });
});

describe('chunkText of a text that fits one chunk (the direct path)', () => {
  /** The chunker itself, pushed the whole text: what chunkText must give. */
  const streamed = (text: string, maxTokens: number): string[] => {
    const chunker = createChunker({ maxTokens });
    return [...chunker.push(text), ...chunker.end()];
  };
  const PIECES = ['tree', ' ', '  ', '\t', 'é', '街路樹', '😀', 'e\u0301', '.', 'Rain.', ' \t ', '👩‍👩‍👧', 'x'];

  it('gives what the chunker gives, for texts of spaces, tabs and words on both sides of the budget', () => {
    const next = seededRandom(17);
    for (let n = 0; n < 400; n++) {
      const maxTokens = 1 + Math.floor(next() * 40);
      let text = next() < 0.3 ? ' ' : '';
      // From well under the budget to just over it (the chunker then splits and the direct path must not apply).
      const target = Math.floor(next() * maxTokens * 4 * 1.3) + 1;
      while (estimateTokens(text) * 4 < target) text += PIECES[Math.floor(next() * PIECES.length)]!;
      if (next() < 0.3) text += '\t ';
      expect(chunkText(text, { maxTokens }), JSON.stringify({ text, maxTokens })).toEqual(streamed(text, maxTokens));
    }
  });

  it('leaves line and paragraph breaks, and other white space, to the chunker', () => {
    for (const text of [' a\nb ', 'a\n\nb', 'a\r\n\r\nb', 'a\u00a0\u00a0b', 'a\u2028b', 'a\u3000b', '\n', ' \t ']) {
      expect(chunkText(text, { maxTokens: 50 })).toEqual(streamed(text, 50));
    }
    expect(chunkText('a\n\n\nb', { maxTokens: 50 })).toEqual(['a\n\nb']);
    expect(chunkText('  one short line \t', { maxTokens: 50 })).toEqual(['one short line']);
  });
});
