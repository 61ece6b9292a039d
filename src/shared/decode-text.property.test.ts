/**
 * Property tests of the document decoder (`decodeText`, `createTextDecoder`): on any bytes, split into
 * blocks anywhere, it either returns the text or refuses with one `TextDecodeError` line; it never throws
 * anything else, and the result does not depend on where the blocks were split.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { isOneLine, propertyParameters } from '../../test/helpers/properties.js';
import { createTextDecoder, decodeText, TextDecodeError, type DecodedText } from './decode-text.js';

/** Decodes `bytes` pushed as blocks cut at `cuts` (offsets, any order); errors are returned, not thrown. */
function decodeInBlocks(bytes: Uint8Array, cuts: number[], lossy: boolean): DecodedText | Error {
  const decoder = createTextDecoder({ name: 'doc.txt', lossy });
  const edges = [...new Set([0, ...cuts.map((cut) => cut % (bytes.length + 1)), bytes.length])].sort((a, b) => a - b);
  try {
    let text = '';
    for (let i = 1; i < edges.length; i++) text += decoder.push(bytes.subarray(edges[i - 1], edges[i]));
    text += decoder.end();
    return { text, replaced: decoder.replaced, encoding: decoder.encoding };
  } catch (error) {
    return error as Error;
  }
}

/** Bytes that are often almost text: mixes of ASCII, multi-byte UTF-8, BOMs, NULs and random bytes. */
const documentBytes = fc.oneof(
  fc.uint8Array({ maxLength: 64 }),
  fc
    .array(
      fc.oneof(
        fc.string({ unit: 'grapheme', maxLength: 8 }).map((s) => [...Buffer.from(s, 'utf8')]),
        fc.constantFrom(
          [0xef, 0xbb, 0xbf],
          [0xff, 0xfe],
          [0xfe, 0xff],
          [0x00],
          [0xc3],
          [0xe2, 0x82],
          [0xed, 0xa0, 0x80],
        ),
        fc.uint8Array({ maxLength: 3 }).map((b) => [...b]),
      ),
      { maxLength: 24 },
    )
    .map((parts) => Uint8Array.from(parts.flat())),
);

describe('the document decoder (property)', () => {
  it('returns text or one TextDecodeError line, whatever the bytes and blocks', () => {
    fc.assert(
      fc.property(documentBytes, fc.array(fc.nat(), { maxLength: 6 }), fc.boolean(), (bytes, cuts, lossy) => {
        const outcome = decodeInBlocks(bytes, cuts, lossy);
        if (outcome instanceof Error) {
          expect(outcome).toBeInstanceOf(TextDecodeError);
          expect(isOneLine(outcome.message)).toBe(true);
          expect(outcome.message).toContain('doc.txt');
          expect((outcome as TextDecodeError).offset).toBeLessThanOrEqual(bytes.length);
        } else {
          // The same bytes in one block give the same text: block edges never change the result.
          expect(decodeText(bytes, { name: 'doc.txt', lossy })).toEqual(outcome);
        }
      }),
      propertyParameters(2000),
    );
  });

  it('lossy decoding never refuses text without NUL, and counts what it replaced', () => {
    fc.assert(
      fc.property(documentBytes, fc.array(fc.nat(), { maxLength: 6 }), (bytes, cuts) => {
        const outcome = decodeInBlocks(bytes, cuts, true);
        if (outcome instanceof Error) {
          // The only refusal left in lossy mode: a NUL, which means the input is not text at all.
          expect(outcome.message).toMatch(/NUL|not a text file|binary/i);
          return;
        }
        const marks = [...outcome.text].filter((c) => c === '\ufffd').length;
        expect(outcome.replaced).toBeLessThanOrEqual(marks);
      }),
      propertyParameters(2000),
    );
  });

  it('valid UTF-8 text round-trips exactly, split anywhere', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 64 }).filter((s) => !s.includes('\u0000')),
        fc.array(fc.nat(), { maxLength: 6 }),
        (text, cuts) => {
          const bytes = Buffer.from(text, 'utf8');
          const outcome = decodeInBlocks(bytes, cuts, false);
          expect(outcome).not.toBeInstanceOf(Error);
          // A leading U+FEFF is a byte order mark and is dropped; everything else is kept as it was.
          expect((outcome as DecodedText).text).toBe(text.startsWith('\ufeff') ? text.slice(1) : text);
        },
      ),
      propertyParameters(1000),
    );
  });
});
