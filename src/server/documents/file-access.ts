/**
 * The file-access policy: which files a tool's `path` may name. The transport decides it and hands it
 * to the server factory (createDocumentAssistant), and every tool that reads a file resolves its path
 * through it, so no tool can pick its own rule.
 *
 * - **stdio** (`clientRootsAccess`): the client spawned the server on its own machine, so the client's
 *   roots describe this disk, and they are the rule.
 * - **HTTP** (`allowedDirectoriesAccess`): the client is elsewhere and its roots describe *its* disk, so
 *   they can never open this one. Only the directories the operator named (`serve --http --allow-dir`)
 *   are read; a client that declares file:// roots narrows that set (the file must be inside a root as
 *   well), never widens it. With no directory named, no file is read at all.
 */
import { stat, realpath } from 'node:fs/promises';
import { resolve } from 'node:path';

import type { Sampler } from '../sampling/sampler.js';
import {
  PathRefusedError,
  resolveInRoots,
  resolveInScopes,
  rootDirectories,
  rootsScope,
  type ResolvedFile,
} from './resolve-in-roots.js';

/** What a policy may ask of the tool call: the client's declared capabilities and, if declared, its roots. */
export type ClientRootsSource = Pick<Sampler, 'roots' | 'capabilities'>;

/** Which files a tool may read. Built by the transport; see the file header. */
export interface FileAccess {
  /** Completes the `path` input's description ("A text file to … instead; <rule>"). */
  readonly rule: string;
  /**
   * The real path (and size) of the readable regular file `path` names, or a one-line `PathRefusedError`
   * (or the sampler's `RootsUnsupportedError` when the rule needs roots the client does not declare).
   */
  resolve(path: string, client: ClientRootsSource): Promise<ResolvedFile>;
}

/** The refusal of every `path` by an HTTP server started without `--allow-dir`. */
export const NO_FILES_OVER_HTTP =
  'this server reads no files over HTTP; send document_text, or start it with --allow-dir';

/** stdio: the client's roots are the rule (relative paths resolve against the first root). */
export function clientRootsAccess(): FileAccess {
  return {
    rule: "it must lie inside one of the client's roots.",
    resolve: async (path, client) => resolveInRoots(path, await client.roots()),
  };
}

/** The scope of the operator's directories. Their names stay on the server: a remote client learns none. */
const ALLOWED_SCOPE_NAME = 'the directories this server allows';

/**
 * HTTP: a file is read only if its real path lies inside one of `directories` (absolute real paths, as
 * `checkAllowedDirectories` returns them) and, when the client declares file:// roots, inside one of
 * those too. Relative paths resolve against the first directory. No directories: no file is read.
 */
export function allowedDirectoriesAccess(directories: readonly string[]): FileAccess {
  if (directories.length === 0) {
    return {
      rule: 'this server reads no files: send document_text instead.',
      resolve: () => Promise.reject(new PathRefusedError(NO_FILES_OVER_HTTP)),
    };
  }
  const allowed = { directories: [...directories], name: ALLOWED_SCOPE_NAME };
  return {
    rule:
      "it must lie inside a directory the server's operator allows (a relative path starts at the first one), " +
      "and inside the client's roots when it declares any.",
    resolve: async (path, client) => {
      // Roots only narrow: asked for only when declared, and a list without file:// roots narrows nothing.
      const roots = client.capabilities?.roots === undefined ? [] : rootDirectories(await client.roots());
      return resolveInScopes(
        path,
        allowed.directories[0]!,
        roots.length > 0 ? [allowed, rootsScope(roots)] : [allowed],
      );
    },
  };
}

/** An `--allow-dir` that names no directory. */
export class AllowDirError extends Error {
  override readonly name = 'AllowDirError';
}

/**
 * Checks the operator's directories at start-up and returns their real paths (relative ones against the
 * working directory). Throws a one-line `AllowDirError` for one that is missing or not a directory.
 */
export async function checkAllowedDirectories(directories: readonly string[]): Promise<string[]> {
  return Promise.all(
    directories.map(async (dir) => {
      let real: string;
      try {
        real = await realpath(resolve(dir));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new AllowDirError(
          code === 'ENOENT' ? `--allow-dir ${dir}: no such directory` : `--allow-dir ${dir}: ${code ?? error}`,
        );
      }
      if (!(await stat(real)).isDirectory()) throw new AllowDirError(`--allow-dir ${dir}: not a directory`);
      return real;
    }),
  );
}
