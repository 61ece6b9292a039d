/**
 * `digest` hashes the JSON text of a value without building it: the digest must be the one of
 * `JSON.stringify(value)`, since instances of other versions bind requestState to it.
 */
import { createHash } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { digest } from './state.js';

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
