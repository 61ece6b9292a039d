import MiniSearch from 'minisearch';
import { describe, expect, it } from 'vitest';

import { chunkText } from './chunk-text.js';
import { createPassageIndex, PASSAGE_TOKENS, SNIPPET_CHARS, snippetOf } from './passage-index.js';
import { textPassages } from './text-passages.js';
import { seededRandom } from '../../../test/helpers/seeded-random.js';

/**
 * The fixture: prose from a small vocabulary (so many passages tie on a term), with mixed case, numbers,
 * punctuation and a few words outside ASCII.
 */
function fixture(): string {
  const next = seededRandom(17);
  const pick = (words: string): string => {
    const list = words.split(' ');
    return list[Math.floor(next() * list.length)]!;
  };
  const paragraphs: string[] = [];
  for (let p = 0; p < 160; p++) {
    const sentences: string[] = [];
    for (let s = 0; s < 2 + Math.floor(next() * 5); s++) {
      sentences.push(
        `The ${pick('old new quiet busy northern')} ${pick('harbour harbours Harbour museum mill bakery')} of ` +
          `${pick('Kestrel Marlow Zennor Saltmarsh')} ${pick('opened closed rebuilt financed doubled')} its ` +
          `${pick('grain wool ovens café Straße archive archives')} in ${1850 + Math.floor(next() * 170)}.`,
      );
    }
    paragraphs.push(sentences.join(' '));
  }
  return paragraphs.join('\n\n');
}

/** The index `ask_document` used before (MiniSearch with these options), as the reference. */
function miniSearchHits(passages: readonly string[], query: string) {
  const search = new MiniSearch<{ id: string; text: string }>({
    fields: ['text'],
    idField: 'id',
    searchOptions: { prefix: true, fuzzy: 0.15, combineWith: 'OR' },
  });
  search.addAll(passages.map((text, i) => ({ id: `p${i + 1}`, text })));
  return search.search(query).map((hit) => ({ id: String(hit.id), score: Math.round(hit.score * 100) / 100 }));
}

const QUERIES = [
  'When did the harbour open?',
  'harbour harbour',
  'Harb',
  'archiv',
  'the',
  'cafe strasse',
  'ovens of Zennor in 1923',
  'Why was the bakery of Marlow rebuilt?',
  'xyzzy',
  '?!',
];

describe('the passage index', () => {
  const text = fixture();
  const chunks = chunkText(text, { maxTokens: 120 });

  it.each(QUERIES)('ranks every passage for %j as MiniSearch did: same passages, order and scores', (query) => {
    const index = createPassageIndex(textPassages(text, 120));
    const hits = index.search(query, Number.MAX_SAFE_INTEGER).map(({ id, score }) => ({ id, score }));
    expect(hits).toEqual(miniSearchHits(chunks, query));
  });

  it('agrees on the fixture’s ties: equal scores keep MiniSearch’s order', () => {
    const hits = createPassageIndex(chunks).search('wool', Number.MAX_SAFE_INTEGER);
    const scores = hits.map((hit) => hit.score);
    expect(new Set(scores).size).toBeLessThan(scores.length);
    expect(hits.map((hit) => hit.id)).toEqual(miniSearchHits(chunks, 'wool').map((hit) => hit.id));
  });

  it('returns the first `limit` hits with a snippet, and passages by id in any spelling', () => {
    const index = createPassageIndex(chunks);
    expect(index.size).toBe(chunks.length);
    const hits = index.search('harbour Kestrel', 3);
    expect(hits.map((hit) => hit.id)).toEqual(
      miniSearchHits(chunks, 'harbour Kestrel')
        .slice(0, 3)
        .map((h) => h.id),
    );
    expect(hits[0]!.snippet).toBe(snippetOf(chunks[Number(hits[0]!.id.slice(1)) - 1]!));
    expect(hits[0]!.snippet.length).toBeLessThanOrEqual(SNIPPET_CHARS + 1);
    expect(index.get('[P2]')).toEqual({ id: 'p2', text: chunks[1] });
    expect(index.get(` p${chunks.length} `)?.text).toBe(chunks.at(-1));
    for (const id of ['p0', 'p01', `p${chunks.length + 1}`, 'q1', '']) expect(index.get(id), id).toBeUndefined();
  });

  it('indexes a document of passages of PASSAGE_TOKENS', () => {
    const index = createPassageIndex(textPassages(`${text}\n\n${text}`, PASSAGE_TOKENS));
    expect(index.search('Saltmarsh')[0]?.id).toMatch(/^p\d+$/);
  });
});
