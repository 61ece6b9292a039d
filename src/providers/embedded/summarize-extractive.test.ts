import { describe, expect, it } from 'vitest';

import { estimateTokens } from '../../shared/estimate-tokens.js';
import { EMPTY_DOCUMENT_MESSAGE, summarizeExtractive } from './summarize-extractive.js';

const ENGLISH = `Public Libraries After Dark

Public libraries in many towns now stay open late into the evening. The longer hours began as an experiment
for students who had nowhere quiet to study, but the evening library has since become a meeting place for
the whole town. Libraries that open late report that their reading rooms are busiest after seven o'clock.

The evening visitors are not only students. Shift workers borrow books on the way home, parents bring
children to homework clubs, and older residents use the free computers to fill in forms. Librarians say
the late hours changed what a library is for: it is less a store of books and more a warm, safe room that
belongs to everyone in town.

Staying open costs money. Libraries pay for heating, lighting and staff, and some towns have paid for the
evening hours by closing on one weekday morning when few people came. Others share the building with adult
education classes, which bring their own funding and their own visitors to the library.

My neighbour grows tomatoes on his balcony every summer.

The results are encouraging. Towns with evening libraries report more library members, more borrowed books
and more people taking part in reading groups. The library has become, for many towns, the last free indoor
public space, and the evening hours are when people need it most.`;

const JAPANESE =
  '東京は日本の首都です。東京には約千四百万人が住んでいます。東京の電車は世界で最も混雑していると言われます。' +
  '多くの観光客が東京の寺や公園を訪れます。東京の夏はとても暑く、湿気も多いです。';

const CHINESE = '北京是中国的首都。北京有很多历史建筑。每年有很多游客来北京参观故宫。北京的冬天很冷。';

const EMOJI =
  'Our garden party was a success 🎉! Everyone loved the strawberry cake 🍓🍰. ' +
  'The children played football on the lawn ⚽ until dark. Next year the party will be even bigger 👨‍👩‍👧‍👦.';

const GERMAN =
  'Die Stadtbibliothek öffnet jetzt auch am Abend. Viele Studenten lernen in der Bibliothek, weil es zu Hause zu laut ist. ' +
  'Die Bibliothek bietet außerdem kostenlose Computer an. Größere Städte möchten das Modell der Bibliothek übernehmen.';

const FRENCH =
  "La bibliothèque municipale reste ouverte jusqu'à vingt-deux heures. Les étudiants apprécient le calme de la bibliothèque le soir. " +
  'Les familles viennent aussi pour les ateliers de lecture. Le maire espère que d’autres villes suivront cet exemple.';

const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });
/** The output, split back into sentences. */
const sentencesOf = (text: string): string[] =>
  [...segmenter.segment(text.replace(/\n/g, ' '))].map((s) => s.segment.trim()).filter((s) => s.length > 0);
/** Input whitespace normalized, so a sentence wrapped over two lines still matches. */
const flat = (text: string): string => text.replace(/\s+/g, ' ');

function expectVerbatimInOrder(output: string, input: string): void {
  let from = 0;
  for (const sentence of sentencesOf(output)) {
    const at = flat(input).indexOf(flat(sentence), from);
    expect(at, `"${sentence}" comes from the input, after the previous sentence`).toBeGreaterThanOrEqual(0);
    from = at + 1;
  }
}

describe('summarizeExtractive', () => {
  it('never exceeds maxTokens, whatever the budget', () => {
    for (const maxTokens of [1, 2, 5, 13, 50, 120, 300, 10_000]) {
      const summary = summarizeExtractive(ENGLISH, { maxTokens });
      expect(summary.text.length).toBeGreaterThan(0);
      expect(estimateTokens(summary.text)).toBeLessThanOrEqual(maxTokens);
    }
  });

  it('returns sentences of the document verbatim and in document order', () => {
    for (const maxTokens of [50, 120, 300]) {
      const summary = summarizeExtractive(ENGLISH, { maxTokens });
      expect(summary.selected).toBeGreaterThan(0);
      expect(summary.selected).toBeLessThan(summary.sentenceCount);
      expect(summary.finish).toBe('max-tokens');
      expectVerbatimInOrder(summary.text, ENGLISH);
      // Exactly as written, line breaks included: each selected sentence is a substring of the input.
      for (const sentence of summary.text.split(/(?<=[.!?])\s+/)) expect(ENGLISH).toContain(sentence);
    }
  });

  it('is deterministic', () => {
    for (const maxTokens of [5, 80, 300]) {
      expect(summarizeExtractive(ENGLISH, { maxTokens })).toEqual(summarizeExtractive(ENGLISH, { maxTokens }));
    }
  });

  it('returns the whole document, finish complete, when everything fits', () => {
    const summary = summarizeExtractive(ENGLISH, { maxTokens: 10_000 });
    expect(summary.finish).toBe('complete');
    expect(summary.selected).toBe(summary.sentenceCount);
    expect(flat(summary.text)).toBe(flat(ENGLISH));
  });

  it('prefers central sentences over an off-topic one', () => {
    const summary = summarizeExtractive(ENGLISH, { maxTokens: 120 });
    expect(summary.text).not.toContain('tomatoes');
    expect(summary.text).toMatch(/librar/i);
  });

  it('keeps a title apart from the sentence after it', () => {
    const summary = summarizeExtractive(ENGLISH, { maxTokens: 10_000 });
    expect(summary.text.startsWith('Public Libraries After Dark\nPublic libraries in many towns')).toBe(true);
    expect(summary.text).not.toContain('After Dark Public');
  });

  it('treats a sentence wrapped over several lines as one sentence', () => {
    const text = 'This sentence is wrapped\nover three lines of\ntext. A second one follows.';
    const summary = summarizeExtractive(text, { maxTokens: 100 });
    expect(summary.sentenceCount).toBe(2);
    expect(summary.text).toBe('This sentence is wrapped\nover three lines of\ntext. A second one follows.');
    // Plain text hard-wrapped at 72 columns, as in e-mail and RFCs.
    const wrapped = ENGLISH.split('\n\n')[2]!;
    expect(summarizeExtractive(wrapped, { maxTokens: 1000 }).sentenceCount).toBe(3);
  });

  it('splits lists and markdown headings from the text around them', () => {
    const text = '# Opening hours\nThe library opens at nine\n- Monday to Friday\n- Saturday mornings\n1. Bring a card';
    const summary = summarizeExtractive(text, { maxTokens: 1000 });
    expect(summary.sentenceCount).toBe(5);
    expect(summary.text).toContain('1. Bring a card');
  });

  it('does not end a sentence at a title such as Dr. or at an initial', () => {
    const text = 'Dr. Alvarez runs the library. She met Mr. J. Okafor there. They talked for an hour.';
    expect(summarizeExtractive(text, { maxTokens: 1000 }).sentenceCount).toBe(3);
  });

  it('refuses an empty or whitespace-only document', () => {
    for (const text of ['', '   ', ' \n\t \r\n ', '\u3000']) {
      expect(() => summarizeExtractive(text, { maxTokens: 10 })).toThrow(EMPTY_DOCUMENT_MESSAGE);
    }
    expect(EMPTY_DOCUMENT_MESSAGE).toBe('extractive summarizer: the document is empty (nothing to summarize)');
  });

  it('refuses a maxTokens that is not a positive integer', () => {
    for (const maxTokens of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => summarizeExtractive(ENGLISH, { maxTokens })).toThrow(RangeError);
      expect(() => summarizeExtractive(ENGLISH, { maxTokens })).toThrow(/maxTokens must be a positive integer/);
    }
  });

  it('summarizes Japanese into sentences of the input, split at 。', () => {
    const summary = summarizeExtractive(JAPANESE, { maxTokens: 40 });
    expect(summary.sentenceCount).toBe(5);
    expect(summary.selected).toBeGreaterThan(0);
    expect(summary.selected).toBeLessThan(5);
    expect(estimateTokens(summary.text)).toBeLessThanOrEqual(40);
    for (const sentence of summary.text.split(' ')) {
      expect(sentence.endsWith('。')).toBe(true);
      expect(JAPANESE).toContain(sentence);
    }
  });

  it('summarizes Chinese into sentences of the input', () => {
    const summary = summarizeExtractive(CHINESE, { maxTokens: 20, locale: 'zh' });
    expect(summary.sentenceCount).toBe(4);
    expect(summary.selected).toBeGreaterThan(0);
    for (const sentence of summary.text.split(' ')) expect(CHINESE).toContain(sentence);
    expect(summary.text).toContain('北京');
  });

  it('handles emoji, keeping them intact', () => {
    const summary = summarizeExtractive(EMOJI, { maxTokens: 30 });
    expect(summary.sentenceCount).toBe(4);
    expect(estimateTokens(summary.text)).toBeLessThanOrEqual(30);
    expectVerbatimInOrder(summary.text, EMOJI);
    expect(summarizeExtractive(EMOJI, { maxTokens: 1000 }).text).toBe(EMOJI);
    expect(summary.text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/); // no half emoji
  });

  it('works for German and French', () => {
    for (const [text, locale, topic] of [
      [GERMAN, 'de', 'Bibliothek'],
      [FRENCH, 'fr', 'bibliothèque'],
    ] as const) {
      const summary = summarizeExtractive(text, { maxTokens: 30, locale });
      expect(summary.sentenceCount).toBe(4);
      expect(summary.selected).toBeGreaterThan(0);
      expect(estimateTokens(summary.text)).toBeLessThanOrEqual(30);
      expectVerbatimInOrder(summary.text, text);
      expect(summary.text).toContain(topic);
    }
  });

  it('cuts the output before the earliest stop sequence', () => {
    const full = summarizeExtractive(ENGLISH, { maxTokens: 10_000 }).text;
    const summary = summarizeExtractive(ENGLISH, { maxTokens: 10_000, stopSequences: ['homework', 'evening'] });
    expect(summary.finish).toBe('stop-sequence');
    expect(summary.stopSequence).toBe('evening');
    expect(summary.text).not.toContain('evening');
    expect(full.startsWith(summary.text)).toBe(true);
    expect(full.slice(summary.text.length).trimStart().startsWith('evening')).toBe(true);
    expect(summary.selected).toBe(2); // the title and the start of the first sentence
  });

  it('ignores stop sequences that do not occur', () => {
    const summary = summarizeExtractive(ENGLISH, { maxTokens: 60, stopSequences: ['<<END>>', ''] });
    expect(summary.finish).toBe('max-tokens');
    expect(summary.stopSequence).toBeUndefined();
  });

  it('cuts a single enormous sentence at a word boundary and reports max-tokens', () => {
    const enormous = `${'the library stays open late for everyone in town and '.repeat(20_000)}that is all.`;
    for (const maxTokens of [1, 5, 50]) {
      const summary = summarizeExtractive(enormous, { maxTokens });
      expect(summary.finish).toBe('max-tokens');
      expect(summary.sentenceCount).toBe(1);
      expect(summary.selected).toBe(1);
      expect(summary.text.length).toBeGreaterThan(0);
      expect(estimateTokens(summary.text)).toBeLessThanOrEqual(maxTokens);
      expect(enormous.startsWith(summary.text)).toBe(true);
      if (maxTokens > 1) expect(enormous[summary.text.length]).toBe(' ');
    }
  });

  it('cuts an enormous text without spaces at a character boundary', () => {
    const summary = summarizeExtractive('東'.repeat(100_000), { maxTokens: 3 });
    expect(summary).toEqual({ text: '東東東', sentenceCount: 1, selected: 1, finish: 'max-tokens' });
    const emoji = summarizeExtractive('😀'.repeat(50_000), { maxTokens: 2 });
    expect(emoji.text).toBe('😀😀');
  });

  it('does not repeat a sentence that occurs several times', () => {
    const text = 'Libraries open late. Libraries open late. Students study there at night. Libraries open late.';
    const summary = summarizeExtractive(text, { maxTokens: 100 });
    expect(summary.text).toBe('Libraries open late. Students study there at night.');
    expect(summary.sentenceCount).toBe(4);
    expect(summary.finish).toBe('complete');
  });

  it('handles a large document and still respects the budget', () => {
    const paragraphs = ENGLISH.split('\n\n');
    const big = Array.from({ length: 400 }, (_, i) => `${paragraphs[i % paragraphs.length]} Note ${i}.`).join('\n\n');
    const summary = summarizeExtractive(big, { maxTokens: 300 });
    expect(estimateTokens(summary.text)).toBeLessThanOrEqual(300);
    expect(summary.sentenceCount).toBeGreaterThan(1000);
    expectVerbatimInOrder(summary.text, big);
  });
});
