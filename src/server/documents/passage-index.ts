/**
 * A document cut into numbered passages (`p1`, `p2`, …) and indexed for full-text search, so that a
 * model can find its way around a document far larger than its context window: `search` ranks passages
 * for a query with BM25 (MiniSearch's BM25+, with prefix and light fuzzy matching), `get` returns one.
 */
import MiniSearch from 'minisearch';

export interface Passage {
  /** `p1`, `p2`, … in document order. */
  id: string;
  text: string;
}

export interface PassageHit {
  id: string;
  score: number;
  /** The first words of the passage, for a result list. */
  snippet: string;
}

export interface PassageIndex {
  readonly size: number;
  search(query: string, limit?: number): PassageHit[];
  get(id: string): Passage | undefined;
}

/** Passages of this many tokens: a few fit in any context, and a hit is specific enough to be useful. */
export const PASSAGE_TOKENS = 400;
export const SNIPPET_CHARS = 160;

export function snippetOf(text: string, chars = SNIPPET_CHARS): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= chars) return flat;
  const cut = flat.lastIndexOf(' ', chars);
  return `${flat.slice(0, cut > chars / 2 ? cut : chars)}…`;
}

/** Passage ids are case-insensitive and may come with brackets: `[P12]` is `p12`. */
export function normalizePassageId(id: string): string {
  return id
    .trim()
    .replace(/^\[|\]$/g, '')
    .toLowerCase();
}

export function createPassageIndex(texts: readonly string[]): PassageIndex {
  const passages: Passage[] = texts.map((text, i) => ({ id: `p${i + 1}`, text }));
  const byId = new Map(passages.map((passage) => [passage.id, passage]));
  const search = new MiniSearch<Passage>({
    fields: ['text'],
    idField: 'id',
    searchOptions: { prefix: true, fuzzy: 0.15, combineWith: 'OR' },
  });
  search.addAll(passages);
  return {
    size: passages.length,
    search(query, limit = 5) {
      return search
        .search(query)
        .slice(0, limit)
        .map((hit) => {
          const id = String(hit.id);
          return { id, score: Math.round(hit.score * 100) / 100, snippet: snippetOf(byId.get(id)?.text ?? '') };
        });
    },
    get: (id) => byId.get(normalizePassageId(id)),
  };
}
