/**
 * Reads the document a user names on the command line, refusing what is not a text file with one line
 * that says why. Decodes UTF-8 (with or without BOM) and UTF-16 LE/BE with a BOM.
 */
import { open, readFile, stat } from 'node:fs/promises';

export class DocumentReadError extends Error {
  override readonly name = 'DocumentReadError';
}

/** Byte offset of the first invalid UTF-8 sequence, or -1 when the buffer is valid UTF-8. */
export function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    if (i + need >= n) return i; // truncated sequence at the end
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

export function decodeDocument(bytes: Uint8Array, name: string): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  const nul = body.indexOf(0);
  if (nul >= 0) throw new DocumentReadError(`${name} is not a text file (NUL byte at offset ${nul})`);
  const invalid = firstInvalidUtf8Offset(body);
  if (invalid >= 0) {
    throw new DocumentReadError(
      `${name} is not valid UTF-8 (invalid byte 0x${body[invalid]!.toString(16)} at offset ${invalid})`,
    );
  }
  return new TextDecoder('utf-8').decode(body);
}

export async function readDocument(path: string): Promise<string> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    throw new DocumentReadError(describeFsError(path, error), { cause: error });
  }
  if (info.isDirectory()) throw new DocumentReadError(`${path} is a directory, not a text file`);
  if (!info.isFile()) throw new DocumentReadError(`${path} is not a regular file`);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new DocumentReadError(describeFsError(path, error), { cause: error });
  }
  return decodeDocument(bytes, path);
}

function describeFsError(path: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `${path}: no such file`;
  if (code === 'EACCES' || code === 'EPERM') return `${path}: permission denied`;
  return `cannot read ${path}: ${(error as Error).message}`;
}

/**
 * Checks, before the server is started, that `path` is a readable regular file that looks like text
 * (its first block decodes); the server reads and decodes the whole file itself. Returns its size in bytes.
 */
export async function checkDocument(path: string, shown: string): Promise<number> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    throw new DocumentReadError(describeFsError(shown, error), { cause: error });
  }
  if (info.isDirectory()) throw new DocumentReadError(`${shown} is a directory, not a text file`);
  if (!info.isFile()) throw new DocumentReadError(`${shown} is not a regular file`);
  let head: Buffer;
  try {
    const file = await open(path, 'r');
    try {
      const buffer = Buffer.alloc(Math.min(HEAD_BYTES, info.size));
      const { bytesRead } = await file.read(buffer, 0, buffer.length, 0);
      head = buffer.subarray(0, bytesRead);
    } finally {
      await file.close();
    }
  } catch (error) {
    throw new DocumentReadError(describeFsError(shown, error), { cause: error });
  }
  const nul = head.indexOf(0);
  const utf16 = (head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff);
  if (nul >= 0 && !utf16) throw new DocumentReadError(`${shown} is not a text file (NUL byte at offset ${nul})`);
  return info.size;
}

const HEAD_BYTES = 64 * 1024;
