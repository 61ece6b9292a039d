/**
 * `digest` hashes the JSON text of a value without building it: the digest must be the one of
 * `JSON.stringify(value)`, since instances of other versions bind requestState to it.
 */
import { createHash } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { digest, SHORT_CHARS } from './state.js';

const reference = (value: unknown): string =>
  createHash('sha256')
    .update(JSON.stringify(value) ?? 'undefined')
    .digest('base64url')
    .slice(0, 16);

describe('digest', () => {
  const long = 'Lorem ipsum "quoted" \\ back\nslash\t '.repeat(9000);
  const values: [string, unknown][] = [
    ['a short string', 'hello'],
    ['a long string with escapes', long],
    ['a surrogate pair on a piece boundary', 'a'.repeat((1 << 16) - 1) + '😀' + 'b'.repeat(70_000)],
    ['lone surrogates in a long string', '\ud800'.repeat(70_000) + 'x' + '\udfff'.repeat(3)],
    ['control characters', '\u0000\u001f\u2028'.repeat(30_000)],
    ['numbers and literals', { a: 1, b: -0, c: Number.NaN, d: Infinity, e: true, f: null, g: 1e21 }],
    ['skipped properties', { a: undefined, b: () => 1, c: Symbol('s'), d: 'kept' }],
    ['holes in arrays', [undefined, () => 1, Symbol('s'), 2, [], {}]],
    ['a Date and toJSON', { when: new Date(0), custom: { toJSON: () => ({ x: 'y' }) } }],
    ['nested tool arguments', { document_text: long, question: 'Why?', lossy: false, list: [{ k: long }] }],
    ['an object without prototype', Object.assign(Object.create(null) as object, { z: 1, a: 2 })],
    ['undefined', undefined],
    ['a function', () => 1],
    ['a Date inside short arguments', { a: 'x', when: new Date(86_400_000), list: [new Date(0)] }],
    ['a Map and a boxed string', { m: new Map([[1, 2]]), s: new String('boxed'), n: new Number(3) }],
    ['an array with toJSON', Object.assign([1, 2], { toJSON: () => 'replaced' })],
    ['a BigInt-free number soup', [0, -1.5, 1e-7, 2 ** 53, -Infinity, Number.MIN_VALUE]],
  ];
  for (const [name, value] of values) {
    it(`is the digest of JSON.stringify: ${name}`, () => {
      expect(digest(value)).toBe(reference(value));
    });
  }

  it('tells apart values that differ in one character of a long string', () => {
    expect(digest({ t: `${long}a` })).not.toBe(digest({ t: `${long}b` }));
  });
});

describe('digest on both sides of the one-shot bound', () => {
  for (const size of [100, (1 << 14) - 40, (1 << 14) - 1, 1 << 14, (1 << 14) + 1, 70_000]) {
    it(`is the digest of JSON.stringify for ${size} characters of arguments`, () => {
      const value = {
        question: 'Why?',
        document_text: 'é"\n'.repeat(Math.ceil(size / 3)).slice(0, size),
        n: [1, null],
      };
      expect(digest(value)).toBe(reference(value));
    });
  }
});

describe('digest at the exact bound of the one-walk serializer', () => {
  // Values whose JSON text is SHORT_CHARS - 1, SHORT_CHARS and SHORT_CHARS + 1 characters, of each shape
  // the walk builds (a bare string, an array, an object, a long key, escapes that lengthen the text).
  const shapes: [string, (filler: string) => unknown][] = [
    ['a bare string', (filler) => filler],
    ['an array of strings', (filler) => ['ab', filler]],
    ['an object', (filler) => ({ k: filler, skipped: undefined })],
    ['an object with a long key', (filler) => ({ [`k${filler}`]: 1, f: undefined, g: 'x' })],
    ['nested arrays and numbers', (filler) => [[1, 2.5], { x: [null, true, -0] }, filler]],
  ];
  /** `build` with a filler that makes its JSON `chars` long: plain letters, or newlines (escaped as two). */
  const sized = (build: (filler: string) => unknown, chars: number, escaped: boolean): unknown => {
    const left = chars - JSON.stringify(build('')).length;
    return build(escaped ? `${'\n'.repeat(Math.floor(left / 2))}${left % 2 === 1 ? 'x' : ''}` : 'a'.repeat(left));
  };
  for (const [name, make] of shapes) {
    for (const chars of [SHORT_CHARS - 1, SHORT_CHARS, SHORT_CHARS + 1]) {
      for (const escaped of [false, true]) {
        it(`is the digest of JSON.stringify: ${name}, ${chars} characters${escaped ? ', escapes' : ''}`, () => {
          const value = sized(make, chars, escaped);
          expect(JSON.stringify(value).length).toBe(chars);
          expect(digest(value)).toBe(reference(value));
        });
      }
    }
  }
});
