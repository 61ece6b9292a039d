/**
 * The CLI's reading of the file a user names. Before a server is started, `checkDocument` makes sure it is
 * a readable regular file and decodes its first 64 KB by the server's rules (src/shared/decode-text.ts), so
 * obvious mistakes (a directory, a binary file, UTF-32, Latin-1) are one line and exit code 2 without a
 * server; the server reads and decodes the whole file itself. With `--server <url>` the CLI reads the whole
 * file (`readDocumentFile`) and refuses one that changed since it was checked or while it was read.
 */
import { open, stat } from 'node:fs/promises';

import { createTextDecoder, TextDecodeError } from '../shared/decode-text.js';

export class DocumentReadError extends Error {
  override readonly name = 'DocumentReadError';
}

/** The file changed while the CLI read it; not bad input (the same command may work later): exit code 1. */
export class DocumentChangedError extends Error {
  override readonly name = 'DocumentChangedError';
}

const HEAD_BYTES = 64 * 1024;

function describeFsError(path: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `${path}: no such file`;
  if (code === 'EACCES' || code === 'EPERM') return `${path}: permission denied`;
  return `cannot read ${path}: ${(error as Error).message}`;
}

/** What identifies the version of a file that was checked: a change to any of it means other content. */
export interface CheckedDocument {
  bytes: number;
  mtimeMs: number;
  ino: number;
}

/**
 * Returns the file's size and identity, or throws a one-line `DocumentReadError` naming `shown`: not a
 * regular file, unreadable, or (in its first 64 KB) not text in a supported encoding.
 */
export async function checkDocument(
  path: string,
  shown: string,
  options: { lossy?: boolean | undefined } = {},
): Promise<CheckedDocument> {
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
  const decoder = createTextDecoder({ name: shown, lossy: options.lossy === true });
  try {
    decoder.push(head);
    if (head.length === info.size) decoder.end();
  } catch (error) {
    if (!(error instanceof TextDecodeError)) throw error;
    // A NUL byte after the first invalid one (an image's header, say): it is binary, not mis-encoded text.
    const nul = head.indexOf(0);
    const binary = nul > error.offset && /not valid UTF-8/.test(error.message);
    throw new DocumentReadError(binary ? `${shown} is not a text file (NUL byte at offset ${nul})` : error.message, {
      cause: error,
    });
  }
  return { bytes: info.size, mtimeMs: info.mtimeMs, ino: info.ino };
}

/**
 * Reads the whole file checked by `checkDocument`, refusing with `DocumentChangedError` a file that is not
 * the version checked (replaced, resized, modified) or that changes while it is read (fewer or more bytes
 * than its size, or another size or time afterwards): a silent partial document would be summarized as if
 * it were whole.
 */
export async function readDocumentFile(path: string, shown: string, checked: CheckedDocument): Promise<Buffer> {
  const changed = (why: string) =>
    new DocumentChangedError(`${shown}: the file changed while it was read (${why}); try again once it stays the same`);
  const compare = (now: { size: number; mtimeMs: number; ino: number }): string | undefined => {
    if (now.ino !== checked.ino) return 'it was replaced by another file';
    if (now.size !== checked.bytes) return `its size went from ${checked.bytes} to ${now.size} bytes`;
    if (now.mtimeMs !== checked.mtimeMs) return 'it was modified';
    return undefined;
  };
  let file;
  try {
    file = await open(path, 'r');
  } catch (error) {
    throw new DocumentReadError(describeFsError(shown, error), { cause: error });
  }
  try {
    const before = compare(await file.stat());
    if (before !== undefined) throw changed(before);
    // One byte more than the size: reading it means the file grew while it was read.
    const buffer = Buffer.alloc(checked.bytes + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await file.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length === buffer.length) break;
    }
    if (length < checked.bytes) throw changed(`it ended at byte ${length} of ${checked.bytes}`);
    if (length > checked.bytes) throw changed(`it grew past ${checked.bytes} bytes`);
    const [after, onDisk] = await Promise.all([file.stat(), stat(path).catch(() => undefined)]);
    if (onDisk === undefined) throw changed('it was removed');
    const since = compare({ size: after.size, mtimeMs: after.mtimeMs, ino: onDisk.ino });
    if (since !== undefined) throw changed(since);
    return buffer.subarray(0, length);
  } finally {
    await file.close();
  }
}
