/**
 * The CLI's early check of the file a user names: before a server is started, it must be a readable
 * regular file that looks like text. The server reads and decodes the whole file itself (in blocks, see
 * src/shared/decode-text.ts); this check only turns obvious mistakes into one line and exit code 2.
 */
import { open, stat } from 'node:fs/promises';

export class DocumentReadError extends Error {
  override readonly name = 'DocumentReadError';
}

const HEAD_BYTES = 64 * 1024;

function describeFsError(path: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `${path}: no such file`;
  if (code === 'EACCES' || code === 'EPERM') return `${path}: permission denied`;
  return `cannot read ${path}: ${(error as Error).message}`;
}

/** Returns the file's size in bytes, or throws a one-line `DocumentReadError` naming `shown`. */
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
  const utf16 = (head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff);
  const nul = head.indexOf(0);
  if (nul >= 0 && !utf16) throw new DocumentReadError(`${shown} is not a text file (NUL byte at offset ${nul})`);
  return info.size;
}
