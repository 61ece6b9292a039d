/**
 * Incremental text decoding for documents read in blocks, so that a 100 MB file never has to be held as
 * bytes and as text at once. The rules are those of the CLI's document reader:
 *
 * - a byte order mark picks the encoding: EF BB BF is UTF-8 (dropped), FF FE is UTF-16 LE, FE FF is
 *   UTF-16 BE (dropped too); without one the text is UTF-8. A mark split across blocks is still found;
 * - a NUL byte in UTF-8 (a NUL character in UTF-16) means the file is not text: always refused; when the
 *   first bytes look like UTF-16 or UTF-32 without a byte order mark, the message says so. UTF-32 (with
 *   its byte order mark FF FE 00 00 or 00 00 FE FF) is refused as unsupported, with how to convert it;
 * - invalid UTF-8 (or an unpaired surrogate, or an odd last byte, in UTF-16) is refused with its offset,
 *   unless `lossy` is set: then each invalid sequence becomes one U+FFFD and is counted in `replaced`.
 *   What counts as one invalid sequence follows the WHATWG Encoding Standard, so the count matches the
 *   U+FFFDs a non-fatal `TextDecoder` would produce. A lone byte from A0 to FF between ASCII bytes is how
 *   Latin-1 or Windows-1252 text looks in UTF-8: the message says that too.
 *
 * Offsets in messages are byte offsets from the first byte pushed, the byte order mark included: what a
 * hex dump of the file shows. A character split across blocks is decoded whole and never reported.
 */

export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be';

export interface DecodeTextOptions {
  /** How the input is named in error messages (usually its path). */
  name: string;
  /** Replace invalid sequences with U+FFFD instead of refusing the input. */
  lossy: boolean;
  /**
   * Where the first byte pushed stands in the whole input (a segment read from the middle of a file):
   * offsets in messages count from the input's start, and no byte order mark is looked for. Default 0.
   */
  startOffset?: number | undefined;
}

export interface IncrementalTextDecoder {
  /** Decodes the next block; returns the text it completes (possibly ''). */
  push(bytes: Uint8Array): string;
  /** Decodes what is left; an incomplete character at the end is invalid. The decoder is done afterwards. */
  end(): string;
  /** Invalid sequences replaced so far (always 0 unless `lossy`). */
  readonly replaced: number;
  /** The encoding in use: 'utf-8' until a UTF-16 byte order mark has been seen. */
  readonly encoding: TextEncodingName;
}

export interface DecodedText {
  text: string;
  replaced: number;
  encoding: TextEncodingName;
}

/** Raised for input that is not text, or not valid in its encoding (see the module comment). */
export class TextDecodeError extends Error {
  override readonly name = 'TextDecodeError';
  /** Byte offset of the offending byte or sequence from the start of the input. */
  readonly offset: number;

  constructor(message: string, offset: number) {
    super(message);
    this.offset = offset;
  }
}

/** Decodes a whole buffer by the same rules as `createTextDecoder`. */
export function decodeText(bytes: Uint8Array, options: DecodeTextOptions): DecodedText {
  const decoder = createTextDecoder(options);
  const text = decoder.push(bytes) + decoder.end();
  return { text, replaced: decoder.replaced, encoding: decoder.encoding };
}

export function createTextDecoder(options: DecodeTextOptions): IncrementalTextDecoder {
  return new BlockDecoder(options.name, options.lossy, options.startOffset ?? 0);
}

const REPLACEMENT = '\ufffd';
const LOSSY_HINT = 'use --lossy to replace invalid bytes';
const LEGACY_HINT = 'it may be Latin-1 or Windows-1252 text: convert it with iconv -f WINDOWS-1252 -t UTF-8';

/** Which encoding a text without byte order mark whose first four bytes hold a NUL probably is. */
function wideEncodingGuess(head: Uint8Array): string | undefined {
  if (head.length < 4) return undefined;
  const zero = [...head.subarray(0, 4)].map((b) => b === 0);
  const pattern = zero.map((z) => (z ? '0' : 'x')).join('');
  if (pattern === '000x') return 'UTF-32BE';
  if (pattern === 'x000') return 'UTF-32LE';
  if (pattern === '0x0x') return 'UTF-16BE';
  if (pattern === 'x0x0') return 'UTF-16LE';
  return undefined;
}
const EMPTY = new Uint8Array(0);

const hex = (value: number, digits: number): string => `0x${value.toString(16).toUpperCase().padStart(digits, '0')}`;

class BlockDecoder implements IncrementalTextDecoder {
  replaced = 0;
  encoding: TextEncodingName = 'utf-8';

  /** Bytes pushed so far: the offset of the next byte. */
  private received = 0;
  /** Still looking for a byte order mark; `pending` holds the first bytes meanwhile. */
  private detecting = true;
  /** Undecoded bytes (a BOM prefix or an incomplete character) and the offset of the first of them. */
  private pending: Uint8Array = EMPTY;
  private pendingOffset = 0;
  private done = false;
  private failure: TextDecodeError | undefined;
  private textDecoder = new TextDecoder('utf-8', { ignoreBOM: true });

  constructor(
    private readonly name: string,
    private readonly lossy: boolean,
    startOffset: number,
  ) {
    this.received = startOffset;
    this.pendingOffset = startOffset;
    // A byte order mark is only a mark at the very start of the input.
    this.detecting = startOffset === 0;
  }

  push(bytes: Uint8Array): string {
    this.checkUsable();
    const offset = this.received;
    this.received += bytes.length;
    return this.guard(() => this.decode(bytes, offset, false));
  }

  end(): string {
    this.checkUsable();
    this.done = true;
    return this.guard(() => this.decode(EMPTY, this.received, true));
  }

  private checkUsable(): void {
    if (this.failure !== undefined) throw this.failure;
    if (this.done) throw new Error('text decoder: input already ended');
  }

  private guard(decode: () => string): string {
    try {
      return decode();
    } catch (error) {
      if (error instanceof TextDecodeError) this.failure = error;
      throw error;
    }
  }

  private decode(bytes: Uint8Array, offset: number, final: boolean): string {
    let data = bytes;
    let dataOffset = offset;
    if (this.pending.length > 0) {
      data = new Uint8Array(this.pending.length + bytes.length);
      data.set(this.pending);
      data.set(bytes, this.pending.length);
      dataOffset = this.pendingOffset;
      this.pending = EMPTY;
    }
    if (this.detecting) {
      const skip = this.detectEncoding(data, final);
      if (skip < 0) {
        this.keep(data, 0, dataOffset);
        return '';
      }
      data = data.subarray(skip);
      dataOffset += skip;
    }
    return this.encoding === 'utf-8'
      ? this.decodeUtf8(data, dataOffset, final)
      : this.decodeUtf16(data, dataOffset, final, this.encoding === 'utf-16le');
  }

  /** Length of the byte order mark at the start of `data`, or -1 while more bytes are needed to tell. */
  private detectEncoding(data: Uint8Array, final: boolean): number {
    const [b0, b1, b2] = data;
    let encoding: TextEncodingName = 'utf-8';
    let skip = 0;
    if (b0 === 0xef) {
      if (b1 === undefined || (b1 === 0xbb && b2 === undefined)) {
        if (!final) return -1;
      } else if (b1 === 0xbb && b2 === 0xbf) {
        skip = 3;
      }
    } else if (b0 === 0xff || b0 === 0xfe) {
      if (b1 === undefined) {
        if (!final) return -1;
      } else if (b0 === 0xff && b1 === 0xfe && !final && (b2 === undefined || (b2 === 0 && data.length < 4))) {
        return -1; // FF FE 00 00 is UTF-32LE: wait until the next two bytes tell
      } else if (b0 === 0xff && b1 === 0xfe && data[2] === 0 && data[3] === 0) {
        throw this.unsupported('UTF-32LE', 'FF FE 00 00');
      } else if (b0 === 0xff && b1 === 0xfe) {
        [encoding, skip] = ['utf-16le', 2];
      } else if (b0 === 0xfe && b1 === 0xff) {
        [encoding, skip] = ['utf-16be', 2];
      }
    } else if (b0 === 0 && b1 === 0 && b2 === 0xfe && data[3] === 0xff) {
      throw this.unsupported('UTF-32BE', '00 00 FE FF');
    } else if ((b0 === undefined || (b0 === 0 && data.length < 4)) && !final) {
      return -1;
    }
    this.detecting = false;
    this.encoding = encoding;
    if (encoding !== 'utf-8') this.textDecoder = new TextDecoder(encoding, { ignoreBOM: true });
    return skip;
  }

  private keep(data: Uint8Array, from: number, dataOffset: number): void {
    this.pending = data.slice(from);
    this.pendingOffset = dataOffset + from;
  }

  private decodeUtf8(data: Uint8Array, dataOffset: number, final: boolean): string {
    const n = data.length;
    const parts: string[] = [];
    let runStart = 0;
    let i = 0;
    while (i < n) {
      const b = data[i]!;
      if (b < 0x80) {
        if (b === 0) {
          const guess = dataOffset === 0 && i < 4 ? wideEncodingGuess(data) : undefined;
          throw this.notText('NUL byte', dataOffset + i, guess);
        }
        i++;
        continue;
      }
      // Bytes that follow the lead byte, and the range of the first of them (WHATWG Encoding Standard).
      let need = 0;
      let lower = 0x80;
      let upper = 0xbf;
      if (b >= 0xc2 && b <= 0xdf) need = 1;
      else if (b >= 0xe0 && b <= 0xef) {
        need = 2;
        if (b === 0xe0) lower = 0xa0;
        else if (b === 0xed) upper = 0x9f;
      } else if (b >= 0xf0 && b <= 0xf4) {
        need = 3;
        if (b === 0xf0) lower = 0x90;
        else if (b === 0xf4) upper = 0x8f;
      }
      // Length of the valid character, or -(length of the ill-formed prefix to replace).
      let length = need === 0 ? -1 : need + 1;
      for (let k = 1; k <= need; k++) {
        const c = data[i + k];
        if (c === undefined) {
          if (!final) {
            this.keep(data, i, dataOffset);
            return this.flushRun(parts, data, runStart, i).join('');
          }
          length = -k;
          break;
        }
        if (c < (k === 1 ? lower : 0x80) || c > (k === 1 ? upper : 0xbf)) {
          length = -k;
          break;
        }
      }
      if (length > 0) {
        i += length;
        continue;
      }
      if (!this.lossy) {
        // A lone byte from A0 to FF followed by ASCII: Latin-1 or Windows-1252 (é is E9 there) read as UTF-8.
        const next = data[i + 1];
        const legacy = length === -1 && b >= 0xa0 && next !== undefined && next < 0x80 ? `; ${LEGACY_HINT}` : '';
        throw new TextDecodeError(
          `${this.name} is not valid UTF-8 (invalid byte ${hex(b, 2)} at offset ${dataOffset + i}${legacy}); ${LOSSY_HINT}`,
          dataOffset + i,
        );
      }
      this.flushRun(parts, data, runStart, i);
      parts.push(REPLACEMENT);
      this.replaced++;
      i += -length;
      runStart = i;
    }
    if (runStart === 0) return this.textDecoder.decode(data);
    return this.flushRun(parts, data, runStart, n).join('');
  }

  private decodeUtf16(data: Uint8Array, dataOffset: number, final: boolean, littleEndian: boolean): string {
    const units = data.length >> 1;
    const unitAt = littleEndian
      ? (u: number): number => data[2 * u]! | (data[2 * u + 1]! << 8)
      : (u: number): number => (data[2 * u]! << 8) | data[2 * u + 1]!;
    const label = littleEndian ? 'UTF-16LE' : 'UTF-16BE';
    const parts: string[] = [];
    let runStart = 0;
    let u = 0;
    const invalid = (what: string, at: number): void => {
      if (!this.lossy) {
        throw new TextDecodeError(
          `${this.name} is not valid ${label} (${what} at offset ${dataOffset + at}); ${LOSSY_HINT}`,
          dataOffset + at,
        );
      }
      this.flushRun(parts, data, runStart, at);
      parts.push(REPLACEMENT);
      this.replaced++;
    };
    while (u < units) {
      const unit = unitAt(u);
      if (unit === 0) throw this.notText('NUL character', dataOffset + 2 * u);
      if (unit < 0xd800 || unit > 0xdfff) {
        u++;
        continue;
      }
      if (unit <= 0xdbff) {
        if (u + 1 === units && !final) break; // its low surrogate may be in the next block
        const next = u + 1 < units ? unitAt(u + 1) : -1;
        if (next >= 0xdc00 && next <= 0xdfff) {
          u += 2;
          continue;
        }
      }
      invalid(`unpaired surrogate ${hex(unit, 4)}`, 2 * u);
      u++;
      runStart = 2 * u;
    }
    const complete = 2 * u;
    if (complete < data.length) {
      if (!final) {
        this.keep(data, complete, dataOffset);
        return this.flushRun(parts, data, runStart, complete).join('');
      }
      invalid('incomplete character', complete);
      runStart = data.length;
    }
    if (runStart === 0) return this.textDecoder.decode(data);
    return this.flushRun(parts, data, runStart, data.length).join('');
  }

  /** Appends the decoded valid bytes [from, to) to `parts`; returns `parts`. */
  private flushRun(parts: string[], data: Uint8Array, from: number, to: number): string[] {
    if (to > from) parts.push(this.textDecoder.decode(data.subarray(from, to)));
    return parts;
  }

  private notText(what: string, offset: number, guess?: string): TextDecodeError {
    const hint =
      guess === undefined
        ? ''
        : `; it looks like ${guess} without a byte order mark: convert it to UTF-8 (iconv -f ${guess} -t UTF-8)`;
    return new TextDecodeError(`${this.name} is not a text file (${what} at offset ${offset}${hint})`, offset);
  }

  private unsupported(encoding: string, mark: string): TextDecodeError {
    return new TextDecodeError(
      `${this.name} is ${encoding} text (byte order mark ${mark}), which is not supported: convert it to UTF-8 (iconv -f ${encoding} -t UTF-8)`,
      0,
    );
  }
}
