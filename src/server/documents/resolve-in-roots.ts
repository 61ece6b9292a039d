/**
 * Which files a tool may read, as path arithmetic: a path is resolved (relative paths against a base
 * directory), symlinks are followed, and the real path must lie inside every *scope* it is checked
 * against (a scope is a set of directories, such as the client's roots, or the directories the operator
 * allows). `..` and symlinks that escape are refused, as are directories and missing files. Which
 * scopes apply is decided by the file-access policy (file-access.ts), not here.
 */
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Root } from '@modelcontextprotocol/server';

export class PathRefusedError extends Error {
  override readonly name = 'PathRefusedError';
}

/** A readable regular file, by its real path. */
export interface ResolvedFile {
  path: string;
  bytes: number;
  /** Size, modification time and inode when it was resolved: to notice a change while it is read. */
  identity: { size: number; mtimeMs: number; ino: number };
}

/** Directories a path must lie inside, with the words that explain a refusal. */
export interface PathScope {
  /** Absolute directories; a path inside any one of them is inside the scope. */
  directories: readonly string[];
  /** Completes "<path> is outside …" and "<path> is a link that leads outside …". */
  name: string;
}

/** The local directories of the file:// roots among `roots` (other schemes say nothing about files). */
export function rootDirectories(roots: readonly Root[]): string[] {
  const directories: string[] = [];
  for (const root of roots) {
    if (!root.uri.startsWith('file://')) continue;
    try {
      directories.push(fileURLToPath(root.uri));
    } catch {
      // A file:// URI of another host, or malformed: it names no directory here.
    }
  }
  return directories;
}

function inside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/**
 * Returns the real path, size and identity of a readable regular file that lies inside every scope, or throws a
 * one-line `PathRefusedError`. A relative `path` is resolved against `base`.
 */
export async function resolveInScopes(path: string, base: string, scopes: readonly PathScope[]): Promise<ResolvedFile> {
  const wanted = isAbsolute(path) ? resolve(path) : resolve(base, path);
  const realScopes = await Promise.all(
    scopes.map(async (scope) => ({
      name: scope.name,
      given: scope.directories.map((dir) => resolve(dir)),
      real: await Promise.all(scope.directories.map((dir) => realpath(dir).catch(() => resolve(dir)))),
    })),
  );
  // Checked before the file is touched, so that nothing outside says whether it exists. A directory may be
  // named through a link of its own (/tmp on some systems), so both its spellings count here.
  for (const scope of realScopes) {
    if (![...scope.given, ...scope.real].some((dir) => inside(wanted, dir))) {
      throw new PathRefusedError(`${path} is outside ${scope.name}`);
    }
  }
  let real: string;
  try {
    real = await realpath(wanted);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new PathRefusedError(code === 'ENOENT' ? `${path}: no such file` : `cannot read ${path}: ${code ?? error}`);
  }
  // The rule itself: the file's real path (every link and `..` resolved) inside a real directory.
  for (const scope of realScopes) {
    if (!scope.real.some((dir) => inside(real, dir))) {
      throw new PathRefusedError(`${path} is a link that leads outside ${scope.name}`);
    }
  }
  const info = await stat(real);
  if (info.isDirectory()) throw new PathRefusedError(`${path} is a directory, not a text file`);
  if (!info.isFile()) throw new PathRefusedError(`${path} is not a regular file`);
  return { path: real, bytes: info.size, identity: { size: info.size, mtimeMs: info.mtimeMs, ino: info.ino } };
}

/** The client's roots as a scope, named by their directories (the client's own words back to it). */
export function rootsScope(directories: readonly string[]): PathScope {
  return { directories, name: `the client's roots (${directories.join(', ')})` };
}

/** Returns the real path (and size) of a readable regular file inside the roots, or throws a one-line refusal. */
export async function resolveInRoots(path: string, roots: readonly Root[]): Promise<ResolvedFile> {
  const directories = rootDirectories(roots);
  if (directories.length === 0) {
    throw new PathRefusedError(`cannot read ${path}: the client declares no file:// roots`);
  }
  return resolveInScopes(path, directories[0]!, [rootsScope(directories)]);
}
