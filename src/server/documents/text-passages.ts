/**
 * A text's passages (its chunks, cut by `createChunker`) kept as spans of the one text instead of copies:
 * a passage the chunker gave out exactly as it stands in the text (the common case) is its start and
 * end offsets, and is sliced out when asked for; only a passage that the chunker's white-space
 * normalisation changed (a paragraph break written "\r\n\r\n" or "\n \n", an overlong run of spaces) is
 * kept as its own string. For 50 MB that is about 300 KB of offsets where the chunks were a second 50 MB.
 *
 * The text is fed to the chunker a piece at a time and each chunk is placed as it comes, so the chunks
 * of the whole text are never all held at once either.
 */
import { isSpace } from '../../shared/is-space.js';
import { createChunker } from './chunk-text.js';

/** A document's passages in order, by 0-based number. */
export interface PassageTexts {
  readonly size: number;
  text(passage: number): string;
}

/** Passages given as strings (a file's chunks): each held as it is. */
export function listPassages(texts: readonly string[]): PassageTexts {
  return { size: texts.length, text: (passage) => texts[passage]! };
}

/** Text fed to the chunker per push: large enough to be cheap, small next to a long document. */
const PIECE = 1 << 20;

export interface TextPassages extends PassageTexts {
  /** Passages held as their own strings (the ones normalisation changed), by passage number. */
  readonly copies: ReadonlyMap<number, string>;
}

/**
 * The passages of `text` (chunks of `maxTokens`), as spans of `text` wherever a chunk is one. `pieceLength`
 * is how much text the chunker gets per push (the chunks do not depend on it).
 */
export function textPassages(text: string, maxTokens: number, pieceLength = PIECE): TextPassages {
  const chunker = createChunker({ maxTokens });
  let starts = new Uint32Array(1024);
  let ends = new Uint32Array(1024);
  const copies = new Map<number, string>();
  let size = 0;
  /** Where in `text` the next chunk's first character is looked for. */
  let position = 0;

  const place = (chunk: string): void => {
    while (position < text.length && isSpace(text.charCodeAt(position))) position++;
    let end: number;
    if (text.startsWith(chunk, position)) {
      end = position + chunk.length;
    } else {
      // Normalised: the chunk holds the text's non-space characters from here in order, and only its
      // white space differs. It ends after as many of them as it holds.
      copies.set(size, chunk);
      let left = 0;
      for (let i = 0; i < chunk.length; i++) if (!isSpace(chunk.charCodeAt(i))) left++;
      end = position;
      while (left > 0 && end < text.length) if (!isSpace(text.charCodeAt(end++))) left--;
    }
    if (size === starts.length) {
      const grownStarts = new Uint32Array(size * 2);
      grownStarts.set(starts);
      starts = grownStarts;
      const grownEnds = new Uint32Array(size * 2);
      grownEnds.set(ends);
      ends = grownEnds;
    }
    starts[size] = position;
    ends[size++] = end;
    position = end;
  };

  for (let i = 0; i < text.length; i += pieceLength) {
    for (const chunk of chunker.push(text.slice(i, i + pieceLength))) place(chunk);
  }
  for (const chunk of chunker.end()) place(chunk);
  return {
    size,
    copies,
    text: (passage) => copies.get(passage) ?? text.slice(starts[passage]!, ends[passage]!),
  };
}
