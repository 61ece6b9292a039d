/**
 * Which files a tool may read: only those inside one of the client's roots. The path is resolved
 * (relative paths against the first root), symlinks are followed, and the real path must still lie inside
 * the real path of a root; `..` and symlinks that escape are refused, as are directories and missing files.
 */
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Root } from '@modelcontextprotocol/server';

export class PathRefusedError extends Error {
  override readonly name = 'PathRefusedError';
}

function rootDirectory(root: Root): string | undefined {
  if (!root.uri.startsWith('file://')) return undefined;
  try {
    return fileURLToPath(root.uri);
  } catch {
    return undefined;
  }
}

function inside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/**
 * Returns the real path, size and identity (size, modification time, inode: to notice a change while it is
 * read) of a readable regular file inside the roots, or throws a one-line refusal.
 */
export async function resolveInRoots(
  path: string,
  roots: readonly Root[],
): Promise<{ path: string; bytes: number; identity: { size: number; mtimeMs: number; ino: number } }> {
  const directories = roots.map(rootDirectory).filter((dir): dir is string => dir !== undefined);
  if (directories.length === 0) {
    throw new PathRefusedError(`cannot read ${path}: the client declares no file:// roots`);
  }
  const wanted = isAbsolute(path) ? resolve(path) : resolve(directories[0]!, path);
  const realRoots = await Promise.all(directories.map((dir) => realpath(dir).catch(() => resolve(dir))));
  if (!realRoots.some((root) => inside(wanted, root))) {
    throw new PathRefusedError(`${path} is outside the client's roots (${directories.join(', ')})`);
  }
  let real: string;
  try {
    real = await realpath(wanted);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new PathRefusedError(code === 'ENOENT' ? `${path}: no such file` : `cannot read ${path}: ${code ?? error}`);
  }
  if (!realRoots.some((root) => inside(real, root))) {
    throw new PathRefusedError(`${path} is a link that leads outside the client's roots`);
  }
  const info = await stat(real);
  if (info.isDirectory()) throw new PathRefusedError(`${path} is a directory, not a text file`);
  if (!info.isFile()) throw new PathRefusedError(`${path} is not a regular file`);
  return { path: real, bytes: info.size, identity: { size: info.size, mtimeMs: info.mtimeMs, ino: info.ino } };
}
