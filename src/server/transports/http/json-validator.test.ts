import { describe, expect, it } from 'vitest';

import { JsonSyntaxValidator } from './json-validator.js';

/** What JSON.parse says of `text` (decoded as the server decodes a body). */
function parses(bytes: Buffer): boolean {
  try {
    JSON.parse(new TextDecoder().decode(bytes));
    return true;
  } catch {
    return false;
  }
}

/** The validator's verdict, with the bytes fed in chunks of `size`. */
function validates(bytes: Buffer, size = bytes.length || 1): boolean {
  const validator = new JsonSyntaxValidator();
  for (let i = 0; i < bytes.length; i += size) {
    if (!validator.push(bytes.subarray(i, i + size))) return false;
  }
  return validator.finish();
}

const CASES = [
  '{}',
  '[]',
  '""',
  '0',
  '-0',
  '1.5e+10',
  '-12.25E-3',
  'true',
  'false',
  'null',
  ' \t\r\n{ } ',
  '{"a":[1,2,{"b":null}],"c":"\\u00e9\\n\\"\\\\\\/\\b\\f\\r\\t"}',
  '[[[[[]]]]]',
  '"é€😀"',
  '{"":0}',
  '',
  ' ',
  '{',
  '}',
  '[',
  ']',
  '[1,]',
  '{"a":1,}',
  '{,}',
  '[,1]',
  '{"a"}',
  '{"a":}',
  '{a:1}',
  "{'a':1}",
  '01',
  '-',
  '1.',
  '.5',
  '1e',
  '1e+',
  '+1',
  '0x10',
  'NaN',
  'Infinity',
  'tru',
  'nul',
  'nulll',
  'True',
  '"a',
  '"\\x"',
  '"\\u12"',
  '"\\u12G4"',
  '"tab\there"',
  '{"a":1}{"b":2}',
  '[1 2]',
  '1 2',
  '{"a" 1}',
  '[}',
  '{]',
  '"\u0001"',
  '\ufeff{}',
  '\ufeff',
  '[1]]',
  '{"a":1}}',
  '[-]',
  '[0.e1]',
  '[1e5.2]',
];

describe('JsonSyntaxValidator', () => {
  it('agrees with JSON.parse on valid and invalid texts, whatever the chunk size', () => {
    for (const text of CASES) {
      const bytes = Buffer.from(text);
      for (const size of [1, 2, 3, 7, bytes.length || 1]) {
        expect({ text, size, valid: validates(bytes, size) }).toEqual({ text, size, valid: parses(bytes) });
      }
    }
  });

  it('agrees with JSON.parse on random mutations of a JSON-RPC request', () => {
    const base = JSON.stringify({
      jsonrpc: '2.0',
      id: 7,
      method: 'tools/call',
      params: {
        name: 'summarize_document',
        arguments: { document_text: 'Trees "cool" cities.\n', n: -1.5e3, ok: [true, false, null] },
      },
    });
    const alphabet = '{}[]":,\\ -+.0123456789eEtrufalsn\n\tabué\u0001\ufeff';
    // A fixed seed: the same inputs on every run.
    let seed = 20261201;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let n = 0; n < 3000; n++) {
      const chars = [...base];
      const edits = 1 + Math.floor(random() * 3);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(random() * chars.length);
        const op = random();
        const char = alphabet[Math.floor(random() * alphabet.length)]!;
        if (op < 0.33) chars.splice(at, 1);
        else if (op < 0.66) chars.splice(at, 0, char);
        else chars[at] = char;
      }
      const bytes = Buffer.from(chars.join(''));
      expect({ text: chars.join(''), valid: validates(bytes, 5) }).toEqual({
        text: chars.join(''),
        valid: parses(bytes),
      });
    }
  });

  it('knows a text is not JSON at its first bad byte', () => {
    const validator = new JsonSyntaxValidator();
    expect(validator.push(Buffer.from('{"jsonrpc":"2.0","id":1,'))).toBe(true);
    expect(validator.push(Buffer.from('x'))).toBe(false);
    // And stays invalid whatever follows.
    expect(validator.push(Buffer.from('"a":1}'))).toBe(false);
  });

  it('follows nesting deeper than its initial stack', () => {
    const deep = Buffer.from(`${'['.repeat(10_000)}${']'.repeat(10_000)}`);
    expect(validates(deep, 4096)).toBe(true);
    expect(validates(Buffer.from(`${'['.repeat(10_000)}${']'.repeat(9_999)}`), 4096)).toBe(false);
  });
});

describe('JsonSyntaxValidator inside long strings (the native skipping)', () => {
  const long = 'x'.repeat(70 * 1024);
  const STRING_CASES = [
    `"${long}"`,
    `{"document_text":"${long}\\n\\"quoted \\\\\\" nested\\"\\n${long}","n":1}`,
    `["${long}\\u00e9\\uD83D\\uDE00é€😀${long}"]`,
    `{"a":"${long}\\\\","b":"\\\\\\\\"}`,
    `"${long}\\"`,
    `"${long}\\x${long}"`,
    `"${long}\\u12G4"`,
    `"${long}\t${long}"`,
    `"${long}\u0001"`,
    `"${'é'.repeat(40 * 1024)}\u001f"`,
    `"${long}\\u00"`,
    `"${long}"x`,
    `["${long}", "${long}\n"]`,
    `[\n"${long}",\n"${long}"\n]`,
    `{"${long}":"${long}"}`,
    `{"${long}\u0000":1}`,
  ];
  it('agrees with JSON.parse on escapes, nested quotes, unicode and control bytes, whatever the chunk size', () => {
    for (const text of STRING_CASES) {
      const bytes = Buffer.from(text);
      for (const size of [1000, 4093, 65536, bytes.length]) {
        expect({ text: text.slice(0, 40), size, valid: validates(bytes, size) }).toEqual({
          text: text.slice(0, 40),
          size,
          valid: parses(bytes),
        });
      }
    }
  });

  it('finds a control byte just past a 64 KiB window, and in a plain Uint8Array', () => {
    for (const at of [64 * 1024 - 2, 64 * 1024 - 1, 64 * 1024, 64 * 1024 + 1, 128 * 1024]) {
      const bytes = Buffer.from(`"${'a'.repeat(at)}\n${'b'.repeat(10)}"`);
      expect(validates(bytes)).toBe(false);
      const plain = new Uint8Array(bytes);
      const validator = new JsonSyntaxValidator();
      expect(validator.push(plain)).toBe(false);
    }
    const ok = new Uint8Array(Buffer.from(`{"a":"${'a'.repeat(200 * 1024)}\\n"}`));
    const validator = new JsonSyntaxValidator();
    expect(validator.push(ok)).toBe(true);
    expect(validator.finish()).toBe(true);
  });
});

describe('JsonSyntaxValidator word-at-a-time string scan', () => {
  it('sees a quote, an escape or a control byte at every position and alignment of a long string', () => {
    for (let offset = 0; offset < 4; offset++) {
      for (let at = 0; at < 80; at++) {
        for (const [inner, valid] of [
          ['\\n', true],
          ['\\"', true],
          ['\u0001', false],
          ['\u001f', false],
          ['"', false],
          ['é', true],
        ] as const) {
          const text = `"${'a'.repeat(at)}${inner}${'b'.repeat(100)}"`;
          const padded = Buffer.concat([Buffer.alloc(offset, 0x20), Buffer.from(text)]).subarray(offset);
          const validator = new JsonSyntaxValidator();
          const verdict = validator.push(padded) && validator.finish();
          expect({ offset, at, inner, verdict }).toEqual({ offset, at, inner, verdict: valid });
        }
      }
    }
  });
});
