import { describe, expect, it } from 'vitest';

import { TextDecodeError, createTextDecoder, decodeText, type DecodeTextOptions } from './decode-text.js';

const STRICT: DecodeTextOptions = { name: 'doc.txt', lossy: false };
const LOSSY: DecodeTextOptions = { name: 'doc.txt', lossy: true };

const utf8 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'utf8'));
const utf16le = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'utf16le'));
const utf16be = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'utf16le').swap16());
const bytes = (...parts: (Uint8Array | number[])[]): Uint8Array => new Uint8Array(parts.flatMap((part) => [...part]));

const UTF8_BOM = [0xef, 0xbb, 0xbf];
const UTF16LE_BOM = [0xff, 0xfe];
const UTF16BE_BOM = [0xfe, 0xff];

/** Decodes `input` pushed in the given pieces (split at the given offsets). */
function decodeSplit(input: Uint8Array, splits: number[], options = STRICT): string {
  const decoder = createTextDecoder(options);
  let text = '';
  let from = 0;
  for (const at of [...splits, input.length]) {
    text += decoder.push(input.subarray(from, at));
    from = at;
  }
  return text + decoder.end();
}

function decodeError(run: () => unknown): TextDecodeError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(TextDecodeError);
    return error as TextDecodeError;
  }
  throw new Error('expected a TextDecodeError');
}

// 1-, 2-, 3- and 4-byte UTF-8 characters (and a surrogate pair in UTF-16).
const MIXED = 'aé€😀z';

describe('byte order marks', () => {
  it('decodes UTF-8 without a BOM and strips a UTF-8 BOM', () => {
    expect(decodeText(utf8('plain'), STRICT)).toEqual({ text: 'plain', replaced: 0, encoding: 'utf-8' });
    expect(decodeText(bytes(UTF8_BOM, utf8('with BOM')), STRICT)).toEqual({
      text: 'with BOM',
      replaced: 0,
      encoding: 'utf-8',
    });
  });

  it('keeps a U+FEFF that is not at the very start', () => {
    expect(decodeText(bytes(utf8('a'), UTF8_BOM, utf8('b')), STRICT).text).toBe('a\ufeffb');
    expect(decodeText(bytes(UTF8_BOM, UTF8_BOM, utf8('b')), STRICT).text).toBe('\ufeffb');
  });

  it('decodes UTF-16 LE and BE with a BOM', () => {
    expect(decodeText(bytes(UTF16LE_BOM, utf16le(MIXED)), STRICT)).toEqual({
      text: MIXED,
      replaced: 0,
      encoding: 'utf-16le',
    });
    expect(decodeText(bytes(UTF16BE_BOM, utf16be(MIXED)), STRICT)).toEqual({
      text: MIXED,
      replaced: 0,
      encoding: 'utf-16be',
    });
  });

  it('finds a BOM split across pushes', () => {
    for (const [bom, body, encoding] of [
      [UTF8_BOM, utf8(MIXED), 'utf-8'],
      [UTF16LE_BOM, utf16le(MIXED), 'utf-16le'],
      [UTF16BE_BOM, utf16be(MIXED), 'utf-16be'],
    ] as const) {
      const input = bytes(bom, body);
      const decoder = createTextDecoder(STRICT);
      let text = '';
      for (const byte of input) text += decoder.push(new Uint8Array([byte]));
      text += decoder.end();
      expect(text).toBe(MIXED);
      expect(decoder.encoding).toBe(encoding);
      for (let at = 0; at <= input.length; at++) expect(decodeSplit(input, [at])).toBe(MIXED);
    }
  });

  it('reports utf-8 until a UTF-16 BOM is seen', () => {
    const decoder = createTextDecoder(STRICT);
    expect(decoder.encoding).toBe('utf-8');
    expect(decoder.push(new Uint8Array([0xff]))).toBe('');
    expect(decoder.push(new Uint8Array([0xfe, 0x41]))).toBe('');
    expect(decoder.encoding).toBe('utf-16le');
    expect(decoder.push(new Uint8Array([0x00]))).toBe('A');
    expect(decoder.end()).toBe('');
  });

  it('treats bytes that only start like a BOM as UTF-8', () => {
    expect(decodeText(bytes([0xef, 0xbb]), LOSSY)).toEqual({ text: '\ufffd', replaced: 1, encoding: 'utf-8' });
    expect(decodeError(() => decodeText(bytes([0xff]), STRICT)).message).toBe(
      'doc.txt is not valid UTF-8 (invalid byte 0xFF at offset 0); use --lossy to replace invalid bytes',
    );
    expect(decodeText(bytes([0xef, 0xbb, 0x41]), LOSSY).text).toBe('\ufffdA');
  });

  it('decodes empty input to an empty string', () => {
    expect(decodeText(new Uint8Array(0), STRICT)).toEqual({ text: '', replaced: 0, encoding: 'utf-8' });
    expect(decodeText(bytes(UTF8_BOM), STRICT).text).toBe('');
    expect(decodeText(bytes(UTF16BE_BOM), STRICT)).toEqual({ text: '', replaced: 0, encoding: 'utf-16be' });
  });
});

describe('characters split across pushes', () => {
  it('decodes UTF-8 split at every point, and at every pair of points', () => {
    const input = utf8(MIXED);
    expect(input.length).toBe(1 + 2 + 3 + 4 + 1);
    for (let a = 0; a <= input.length; a++) {
      expect(decodeSplit(input, [a])).toBe(MIXED);
      for (let b = a; b <= input.length; b++) expect(decodeSplit(input, [a, b])).toBe(MIXED);
    }
  });

  it('decodes UTF-8 pushed one byte at a time', () => {
    const text = `${MIXED} Grüße, 漢字, 🇺🇸 👨‍👩‍👧`;
    const input = utf8(text);
    expect(decodeSplit(input, [...input.keys()])).toBe(text);
  });

  it('decodes UTF-16 split at every point, surrogate pairs included', () => {
    for (const input of [bytes(UTF16LE_BOM, utf16le(MIXED)), bytes(UTF16BE_BOM, utf16be(MIXED))]) {
      for (let a = 0; a <= input.length; a++) {
        for (let b = a; b <= input.length; b++) expect(decodeSplit(input, [a, b])).toBe(MIXED);
      }
      expect(decodeSplit(input, [...input.keys()])).toBe(MIXED);
    }
  });

  it('does not keep a reference to a pushed buffer (callers reuse their read buffer)', () => {
    const input = utf8('€uro');
    const buffer = new Uint8Array(2);
    const decoder = createTextDecoder(STRICT);
    let text = '';
    for (let i = 0; i < input.length; i += 2) {
      buffer.fill(0x20);
      buffer.set(input.subarray(i, i + 2));
      text += decoder.push(buffer.subarray(0, Math.min(2, input.length - i)));
    }
    expect(text + decoder.end()).toBe('€uro');
  });
});

describe('binary content', () => {
  it('refuses a NUL byte with its offset', () => {
    expect(decodeError(() => decodeText(bytes([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00]), STRICT)).message).toBe(
      'doc.txt is not a text file (NUL byte at offset 4)',
    );
  });

  it('gives the offset across pushes, the BOM included, even when lossy', () => {
    const decoder = createTextDecoder(LOSSY);
    decoder.push(bytes(UTF8_BOM, utf8('abc')));
    decoder.push(utf8('de'));
    const error = decodeError(() => decoder.push(bytes(utf8('f'), [0])));
    expect(error.message).toBe('doc.txt is not a text file (NUL byte at offset 9)');
    expect(error.offset).toBe(9);
  });

  it('refuses a NUL character in UTF-16', () => {
    expect(decodeError(() => decodeText(bytes(UTF16LE_BOM, utf16le('ab\u0000')), STRICT)).message).toBe(
      'doc.txt is not a text file (NUL character at offset 6)',
    );
  });
});

describe('invalid UTF-8', () => {
  it('is refused with the absolute offset of the sequence across pushes', () => {
    const decoder = createTextDecoder(STRICT);
    expect(decoder.push(utf8('Valid start. '))).toBe('Valid start. ');
    expect(decoder.push(utf8('ok '))).toBe('ok ');
    const error = decodeError(() => decoder.push(bytes([0x41, 0xc3, 0x28])));
    expect(error.message).toBe(
      'doc.txt is not valid UTF-8 (invalid byte 0xC3 at offset 17; it may be Latin-1 or Windows-1252 text: ' +
        'convert it with iconv -f WINDOWS-1252 -t UTF-8); use --lossy to replace invalid bytes',
    );
    expect(error.offset).toBe(17);
    expect(error.name).toBe('TextDecodeError');
    expect(error).toBeInstanceOf(Error);
  });

  it('reports a sequence whose bad continuation arrives in a later push at the offset of its lead byte', () => {
    const decoder = createTextDecoder(STRICT);
    expect(decoder.push(utf8('abcd\u00e9'))).toBe('abcd\u00e9');
    expect(decoder.push(bytes([0xe2, 0x82]))).toBe('');
    expect(decodeError(() => decoder.push(utf8('x'))).offset).toBe(6);
  });

  it('refuses a character cut off at the end of the input', () => {
    const decoder = createTextDecoder(STRICT);
    expect(decoder.push(bytes(utf8('abc'), [0xf0, 0x9f, 0x98]))).toBe('abc');
    expect(decodeError(() => decoder.end()).message).toBe(
      'doc.txt is not valid UTF-8 (invalid byte 0xF0 at offset 3); use --lossy to replace invalid bytes',
    );
  });

  it('refuses overlong forms, surrogates and code points past U+10FFFF', () => {
    for (const invalid of [
      [0xc0, 0xaf],
      [0xe0, 0x80, 0xaf],
      [0xed, 0xa0, 0x80],
      [0xf4, 0x90, 0x80, 0x80],
      [0xf5, 0x80, 0x80, 0x80],
      [0x80],
    ]) {
      expect(decodeError(() => decodeText(bytes(utf8('ab'), invalid), STRICT)).offset).toBe(2);
    }
  });

  it('stays failed after an error', () => {
    const decoder = createTextDecoder(STRICT);
    const first = decodeError(() => decoder.push(bytes([0x41, 0xff, 0x41])));
    expect(decodeError(() => decoder.push(utf8('a')))).toBe(first);
    expect(() => createTextDecoder(STRICT).end()).not.toThrow();
  });
});

describe('encodings that are not supported', () => {
  const utf32 = (text: string, littleEndian: boolean): Uint8Array => {
    const out = new DataView(new ArrayBuffer(text.length * 4));
    [...text].forEach((char, i) => out.setUint32(i * 4, char.codePointAt(0)!, littleEndian));
    return new Uint8Array(out.buffer);
  };

  it('refuses UTF-32 with a byte order mark as UTF-32, with how to convert it, even pushed byte by byte', () => {
    for (const [littleEndian, name, mark] of [
      [true, 'UTF-32LE', 'FF FE 00 00'],
      [false, 'UTF-32BE', '00 00 FE FF'],
    ] as const) {
      const input = utf32('\ufeffHello.', littleEndian);
      const expected =
        `doc.txt is ${name} text (byte order mark ${mark}), which is not supported: ` +
        `convert it to UTF-8 (iconv -f ${name} -t UTF-8)`;
      expect(decodeError(() => decodeText(input, LOSSY)).message).toBe(expected);
      const decoder = createTextDecoder(STRICT);
      expect(decodeError(() => [...input].forEach((byte) => decoder.push(new Uint8Array([byte])))).message).toBe(
        expected,
      );
    }
  });

  it('names UTF-16 and UTF-32 without a byte order mark when they are refused for their NUL bytes', () => {
    for (const [input, name] of [
      [utf16le('Hello.'), 'UTF-16LE'],
      [utf16be('Hello.'), 'UTF-16BE'],
      [utf32('Hello.', true), 'UTF-32LE'],
      [utf32('Hello.', false), 'UTF-32BE'],
    ] as const) {
      expect(decodeError(() => decodeText(input, STRICT)).message).toMatch(
        new RegExp(
          `^doc\\.txt is not a text file \\(NUL byte at offset \\d; it looks like ${name} without a byte order mark`,
        ),
      );
    }
  });

  it('says that a lone byte between ASCII may be Latin-1 or Windows-1252', () => {
    const latin1 = new Uint8Array(Buffer.from('Caf\u00e9 au lait.', 'latin1'));
    expect(decodeError(() => decodeText(latin1, STRICT)).message).toBe(
      'doc.txt is not valid UTF-8 (invalid byte 0xE9 at offset 3; it may be Latin-1 or Windows-1252 text: ' +
        'convert it with iconv -f WINDOWS-1252 -t UTF-8); use --lossy to replace invalid bytes',
    );
    // A UTF-16LE byte order mark followed by text is UTF-16, not UTF-32.
    expect(decodeText(bytes(UTF16LE_BOM, utf16le('Hi')), STRICT).text).toBe('Hi');
  });
});

describe('lossy decoding', () => {
  const samples: number[][] = [
    [0x41, 0xc3, 0x28, 0x42],
    [0x41, 0xff, 0xfe, 0xfd],
    [0xe2, 0x82, 0x41, 0xe2, 0x82, 0xac],
    [0xf0, 0x9f, 0x98],
    [0xed, 0xa0, 0x80, 0x41],
    [0xc0, 0xaf, 0xe0, 0x80, 0xbf, 0xf4, 0x90, 0x80, 0x80],
    [0x61, 0x80, 0x80, 0x80, 0x62],
  ];

  it('replaces each invalid sequence with one U+FFFD, as a non-fatal TextDecoder does', () => {
    const reference = new TextDecoder('utf-8', { ignoreBOM: true });
    for (const sample of samples) {
      const input = new Uint8Array(sample);
      const expected = reference.decode(input);
      const decoded = decodeText(input, LOSSY);
      expect(decoded.text).toBe(expected);
      expect(decoded.replaced).toBe([...expected].filter((ch) => ch === '\ufffd').length);
      // The same wherever the input is split.
      for (let at = 0; at <= input.length; at++) expect(decodeSplit(input, [at], LOSSY)).toBe(expected);
    }
  });

  it('counts replacements across pushes', () => {
    const decoder = createTextDecoder(LOSSY);
    expect(decoder.push(bytes(utf8('Valid start. '), [0xc3]))).toBe('Valid start. ');
    expect(decoder.push(bytes([0x28], utf8(' more. '), [0xff]))).toBe('\ufffd( more. \ufffd');
    expect(decoder.push(bytes([0xe2, 0x82]))).toBe('');
    expect(decoder.end()).toBe('\ufffd');
    expect(decoder.replaced).toBe(3);
  });

  it('replaces unpaired surrogates and a final odd byte in UTF-16', () => {
    const input = bytes(UTF16LE_BOM, [0x41, 0x00, 0x00, 0xd8, 0x42, 0x00, 0x00, 0xdc, 0x43]);
    expect(decodeText(input, LOSSY)).toEqual({ text: 'A\ufffdB\ufffd\ufffd', replaced: 3, encoding: 'utf-16le' });
    expect(decodeError(() => decodeText(input, STRICT)).message).toBe(
      'doc.txt is not valid UTF-16LE (unpaired surrogate 0xD800 at offset 4); use --lossy to replace invalid bytes',
    );
    expect(decodeError(() => decodeText(bytes(UTF16BE_BOM, [0x00, 0x41, 0x00]), STRICT)).message).toBe(
      'doc.txt is not valid UTF-16BE (incomplete character at offset 4); use --lossy to replace invalid bytes',
    );
  });

  it('never replaces anything in valid text', () => {
    const text = `${MIXED} \ufffd already there`;
    expect(decodeText(utf8(text), LOSSY)).toEqual({ text, replaced: 0, encoding: 'utf-8' });
  });
});

describe('the decoder lifecycle', () => {
  it('refuses input after end', () => {
    const decoder = createTextDecoder(STRICT);
    decoder.end();
    expect(() => decoder.push(utf8('late'))).toThrow(/already ended/);
  });

  it('decodes a large input in blocks', () => {
    const text = 'Grüße aus Köln, 漢字 und 😀. '.repeat(20_000);
    const input = utf8(text);
    const splits: number[] = [];
    for (let at = 4093; at < input.length; at += 4093) splits.push(at);
    expect(decodeSplit(input, splits)).toBe(text);
  });
});

describe('a decoder that starts in the middle of the input (startOffset)', () => {
  it('counts offsets from the start of the input and reads EF BB BF as text, not as a byte order mark', () => {
    const decoder = createTextDecoder({ name: 'doc.txt', lossy: false, startOffset: 1000 });
    expect(decoder.push(Uint8Array.from([0xef, 0xbb, 0xbf, 0x41]))).toBe('\ufeffA');
    expect(() => decoder.push(Uint8Array.from([0x42, 0xff]))).toThrow(
      expect.objectContaining({ offset: 1005, message: expect.stringMatching(/invalid byte 0xFF at offset 1005\b/) }),
    );
  });
});
