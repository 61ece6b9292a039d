import { describe, expect, it } from 'vitest';

import { chunkText } from './chunk-text.js';
import { listPassages, textPassages } from './text-passages.js';

const passagesOf = (passages: { size: number; text(i: number): string }) =>
  Array.from({ length: passages.size }, (_, i) => passages.text(i));

const paragraph = (i: number) =>
  `Paragraph ${i} tells how the harbour of Kestrel handled grain and wool. It had ${i * 7} ships. `.repeat(3).trim();

describe('textPassages', () => {
  it('gives the chunker’s chunks, held as spans of the text: no copies when the text is already normalised', () => {
    const text = Array.from({ length: 60 }, (_, i) => paragraph(i)).join('\n\n');
    const passages = textPassages(text, 60);
    expect(passagesOf(passages)).toEqual(chunkText(text, { maxTokens: 60 }));
    expect(passages.size).toBeGreaterThan(10);
    expect(passages.copies.size).toBe(0);
  });

  it('keeps as copies only the passages whose white space the chunker normalised, and places the rest after them', () => {
    // Short paragraphs (a chunk spans several), with CRLF breaks, a line of spaces between two, and
    // white space before and after the text.
    const parts = Array.from({ length: 40 }, (_, i) => `Paragraph ${i} is short.`);
    const text = `  \n${parts.slice(0, 10).join('\r\n\r\n')}\n \n${parts.slice(10).join('\n\n')}\n\n  `;
    const expected = chunkText(text, { maxTokens: 30 });
    const passages = textPassages(text, 30);
    expect(passagesOf(passages)).toEqual(expected);
    expect(passages.copies.size).toBeGreaterThan(0);
    // Each copy is a chunk that does not stand in the text as it is; every other one does.
    for (const [i, copy] of passages.copies) expect(text.includes(copy), `p${i + 1}`).toBe(false);
    expect(passages.copies.size).toBeLessThan(passages.size);
  });

  it('does not depend on how the text is fed to the chunker (pieces that split a surrogate pair)', () => {
    const text = Array.from({ length: 30 }, (_, i) => `${paragraph(i)} 🎉🎉 東京の港。`).join('\n\n');
    const expected = chunkText(text, { maxTokens: 50 });
    for (const piece of [7, 64, 1001]) {
      expect(passagesOf(textPassages(text, 50, piece))).toEqual(expected);
    }
  });

  it('gives no passage for white space only, and listPassages holds strings as they are', () => {
    expect(textPassages(' \n\n \t', 50).size).toBe(0);
    expect(passagesOf(listPassages(['a', 'b']))).toEqual(['a', 'b']);
  });
});
