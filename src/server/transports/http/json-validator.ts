/**
 * An incremental JSON syntax check over raw bytes (RFC 8259, as JSON.parse accepts it), fed chunk by
 * chunk as a request body arrives. It keeps no copy of the input: one state, and one byte per open
 * object or array. A body that is not JSON is known at its first bad byte, before it is decoded into a
 * string or parsed, so it costs no memory beyond the chunk in hand. Strings are checked for JSON's rules
 * (no raw control characters, valid escapes) but not for UTF-8 validity: the decoder replaces bad
 * sequences with U+FFFD, which JSON.parse then accepts.
 */

const S = {
  Value: 0,
  FirstKeyOrEnd: 1,
  Key: 2,
  Colon: 3,
  FirstValueOrEnd: 4,
  AfterValue: 5,
  String: 6,
  Escape: 7,
  Unicode: 8,
  Literal: 9,
  NumberMinus: 10,
  NumberZero: 11,
  NumberInt: 12,
  NumberDot: 13,
  NumberFrac: 14,
  NumberExp: 15,
  NumberExpSign: 16,
  NumberExpDigits: 17,
  Invalid: 18,
} as const;
type State = (typeof S)[keyof typeof S];

const BOM = [0xef, 0xbb, 0xbf];
const OBJECT = 1;
const ARRAY = 2;

const isSpace = (b: number) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;
const isDigit = (b: number) => b >= 0x30 && b <= 0x39;
const isHex = (b: number) => isDigit(b) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66);
/** `"` `\` `/` `b` `f` `n` `r` `t`: the single-character escapes. */
const SIMPLE_ESCAPES = new Set([0x22, 0x5c, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74]);
const LITERALS: Record<number, Uint8Array> = {
  0x74: Buffer.from('true'),
  0x66: Buffer.from('false'),
  0x6e: Buffer.from('null'),
};

/**
 * The index of the first byte at or after `from` that ends plain string content (a quote, a backslash
 * or a control character, each of which the String state must see), or the chunk's length.
 */
function stringBodyEnd(chunk: Uint8Array, from: number): number {
  const n = chunk.length;
  let i = from;
  // Long runs are read four bytes at a time (bit tricks on aligned 32-bit words); the word that holds a
  // stop, and the unaligned edges, are read a byte at a time below.
  if (n - i >= 64) {
    for (; ((chunk.byteOffset + i) & 3) !== 0; i++) {
      const b = chunk[i]!;
      if (b === 0x22 || b === 0x5c || b < 0x20) return i;
    }
    const words = new Uint32Array(chunk.buffer, chunk.byteOffset + i, (n - i) >>> 2);
    let w = 0;
    for (; w < words.length; w++) {
      const x = words[w]!;
      const quote = x ^ 0x22222222;
      const backslash = x ^ 0x5c5c5c5c;
      // A byte below 0x20 in x, or a zero byte in quote or backslash, sets that byte's high bit here.
      const stops = ((x - 0x20202020) & ~x) | ((quote - 0x01010101) & ~quote) | ((backslash - 0x01010101) & ~backslash);
      if ((stops & 0x80808080) !== 0) break;
    }
    i += w * 4;
  }
  for (; i < n; i++) {
    const b = chunk[i]!;
    if (b === 0x22 || b === 0x5c || b < 0x20) return i;
  }
  return n;
}

/** States in which a number may end (the next byte is then read as what follows the number). */
function endsNumber(state: State): boolean {
  return state === S.NumberZero || state === S.NumberInt || state === S.NumberFrac || state === S.NumberExpDigits;
}

export class JsonSyntaxValidator {
  private state: State = S.Value;
  /** Open containers, OBJECT or ARRAY, one byte each. */
  private stack = new Uint8Array(64);
  private depth = 0;
  private stringIsKey = false;
  private literal: Uint8Array | undefined;
  /** Bytes of the current literal, or hex digits of the current \u escape, still expected. */
  private pending = 0;
  /** Bytes of a leading byte order mark seen so far; -1 once past the start. */
  private bomBytes = 0;

  /** False once the input so far cannot be the start of a JSON text (and from then on). */
  get valid(): boolean {
    return this.state !== S.Invalid;
  }

  /** Checks the next bytes; returns `valid`. */
  push(chunk: Uint8Array): boolean {
    let i = 0;
    // A UTF-8 byte order mark before the text is dropped by the decoder (as TextDecoder does): allowed.
    for (; this.bomBytes >= 0 && i < chunk.length; i++) {
      if (chunk[i] !== BOM[this.bomBytes]) {
        // Part of a BOM and then something else: not JSON (0xEF cannot start a JSON text either).
        if (this.bomBytes > 0) this.state = S.Invalid;
        this.bomBytes = -1;
        break;
      }
      if (++this.bomBytes === BOM.length) this.bomBytes = -1;
    }
    const n = chunk.length;
    while (i < n && this.state !== S.Invalid) {
      // Most of a large body is the inside of strings: skip it in one tight loop, not a step per byte.
      if (this.state === S.String) {
        i = stringBodyEnd(chunk, i);
        if (i === n) break;
      }
      this.step(chunk[i]!);
      i++;
    }
    return this.valid;
  }

  /** Whether everything pushed is one complete JSON text. */
  finish(): boolean {
    if (endsNumber(this.state) && this.depth === 0) return true;
    return this.state === S.AfterValue && this.depth === 0;
  }

  private open(kind: number): void {
    if (this.depth === this.stack.length) {
      const grown = new Uint8Array(this.stack.length * 2);
      grown.set(this.stack);
      this.stack = grown;
    }
    this.stack[this.depth++] = kind;
  }

  private close(kind: number): void {
    if (this.depth === 0 || this.stack[this.depth - 1] !== kind) {
      this.state = S.Invalid;
      return;
    }
    this.depth--;
    this.state = S.AfterValue;
  }

  private value(b: number): void {
    if (b === 0x7b) {
      this.open(OBJECT);
      this.state = S.FirstKeyOrEnd;
    } else if (b === 0x5b) {
      this.open(ARRAY);
      this.state = S.FirstValueOrEnd;
    } else if (b === 0x22) {
      this.stringIsKey = false;
      this.state = S.String;
    } else if (b === 0x2d) {
      this.state = S.NumberMinus;
    } else if (b === 0x30) {
      this.state = S.NumberZero;
    } else if (isDigit(b)) {
      this.state = S.NumberInt;
    } else if (LITERALS[b] !== undefined) {
      this.literal = LITERALS[b];
      this.pending = this.literal.length - 1;
      this.state = S.Literal;
    } else if (!isSpace(b)) {
      this.state = S.Invalid;
    }
  }

  private step(b: number): void {
    switch (this.state) {
      case S.Value:
        return this.value(b);
      case S.FirstKeyOrEnd:
        if (b === 0x7d) return this.close(OBJECT);
        return this.key(b);
      case S.Key:
        return this.key(b);
      case S.Colon:
        if (b === 0x3a) this.state = S.Value;
        else if (!isSpace(b)) this.state = S.Invalid;
        return;
      case S.FirstValueOrEnd:
        if (b === 0x5d) return this.close(ARRAY);
        return this.value(b);
      case S.AfterValue:
        if (isSpace(b)) return;
        if (this.depth === 0) {
          this.state = S.Invalid;
        } else if (this.stack[this.depth - 1] === OBJECT) {
          if (b === 0x2c) this.state = S.Key;
          else if (b === 0x7d) this.close(OBJECT);
          else this.state = S.Invalid;
        } else if (b === 0x2c) this.state = S.Value;
        else if (b === 0x5d) this.close(ARRAY);
        else this.state = S.Invalid;
        return;
      case S.String:
        if (b === 0x22) this.state = this.stringIsKey ? S.Colon : S.AfterValue;
        else if (b === 0x5c) this.state = S.Escape;
        else if (b < 0x20) this.state = S.Invalid;
        return;
      case S.Escape:
        if (SIMPLE_ESCAPES.has(b)) this.state = S.String;
        else if (b === 0x75) {
          this.pending = 4;
          this.state = S.Unicode;
        } else this.state = S.Invalid;
        return;
      case S.Unicode:
        if (!isHex(b)) this.state = S.Invalid;
        else if (--this.pending === 0) this.state = S.String;
        return;
      case S.Literal: {
        const literal = this.literal!;
        if (b !== literal[literal.length - this.pending]) this.state = S.Invalid;
        else if (--this.pending === 0) this.state = S.AfterValue;
        return;
      }
      case S.NumberMinus:
        if (b === 0x30) this.state = S.NumberZero;
        else if (isDigit(b)) this.state = S.NumberInt;
        else this.state = S.Invalid;
        return;
      case S.NumberInt:
        if (isDigit(b)) return;
        return this.afterInteger(b);
      case S.NumberZero:
        return this.afterInteger(b);
      case S.NumberDot:
        this.state = isDigit(b) ? S.NumberFrac : S.Invalid;
        return;
      case S.NumberFrac:
        if (isDigit(b)) return;
        if (b === 0x65 || b === 0x45) this.state = S.NumberExp;
        else this.endNumber(b);
        return;
      case S.NumberExp:
        if (b === 0x2b || b === 0x2d) this.state = S.NumberExpSign;
        else this.state = isDigit(b) ? S.NumberExpDigits : S.Invalid;
        return;
      case S.NumberExpSign:
        this.state = isDigit(b) ? S.NumberExpDigits : S.Invalid;
        return;
      case S.NumberExpDigits:
        if (!isDigit(b)) this.endNumber(b);
        return;
      case S.Invalid:
        return;
    }
  }

  private key(b: number): void {
    if (b === 0x22) {
      this.stringIsKey = true;
      this.state = S.String;
    } else if (!isSpace(b)) this.state = S.Invalid;
  }

  /** After the integer part (a leading zero takes no more digits). */
  private afterInteger(b: number): void {
    if (b === 0x2e) this.state = S.NumberDot;
    else if (b === 0x65 || b === 0x45) this.state = S.NumberExp;
    else this.endNumber(b);
  }

  /** The byte after a number: read as what follows a value. */
  private endNumber(b: number): void {
    this.state = S.AfterValue;
    this.step(b);
  }
}
