/**
 * Where the client keeps what OAuth gave it, per HTTP server: one JSON file per server URL under a
 * directory of its own (`~/.mcp-sampling/oauth/` by default), the directory mode 0700 and every file 0600.
 * A file holds the client's registration with that server's authorization server, the tokens (with the
 * moment they expire) and the discovery results. Never the config file, never the audit log, never a log
 * line: nothing here prints a token.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

import type {
  OAuthDiscoveryState,
  StoredOAuthClientInformation,
  StoredOAuthTokens,
} from '@modelcontextprotocol/client';
import * as z from 'zod/v4';

/** A lock file older than this was left by a process that died while saving. */
const LOCK_STALE_MS = 10_000;
/** How long a save waits for another process's lock. */
const LOCK_WAIT_MS = 5_000;

/** A token file that cannot be read or is not ours: the message names the file and says what to do. */
export class OAuthStoreError extends Error {
  override readonly name = 'OAuthStoreError';
}

/** What is kept for one server. */
export interface StoredServerAuth {
  /** The server's URL as given (`auth login <url>`, `--server <url>`). */
  serverUrl: string;
  clientInformation?: StoredOAuthClientInformation | undefined;
  tokens?: StoredOAuthTokens | undefined;
  /** When the access token expires (ms since the epoch), from `expires_in` at the time it was saved. */
  expiresAt?: number | undefined;
  discoveryState?: OAuthDiscoveryState | undefined;
  /** The loopback redirect port registered with the authorization server (kept so the registration stays valid). */
  redirectPort?: number | undefined;
  updatedAt?: string | undefined;
}

// Loose on purpose: the SDK owns the shapes inside; the file must only be an object of the right kinds.
const Entry = z.looseObject({
  serverUrl: z.string().min(1),
  clientInformation: z.looseObject({ client_id: z.string() }).optional(),
  tokens: z.looseObject({ access_token: z.string(), token_type: z.string() }).optional(),
  expiresAt: z.number().optional(),
  discoveryState: z.looseObject({ authorizationServerUrl: z.string() }).optional(),
  redirectPort: z.number().int().min(1).max(65_535).optional(),
  updatedAt: z.string().optional(),
});

/** The key a server's tokens are filed under: its URL without fragment (tokens belong to a resource, RFC 8707). */
export function serverKey(serverUrl: string): string {
  const url = new URL(serverUrl);
  url.hash = '';
  return url.href;
}

export interface TokenStore {
  /** The directory (created 0700 on the first write). */
  readonly dir: string;
  /** The file a server's entry lives in. */
  pathFor(serverUrl: string): string;
  /** The server's entry, or undefined when there is none. Throws OAuthStoreError for a corrupt file. */
  read(serverUrl: string): StoredServerAuth | undefined;
  /** Replaces the server's entry (atomically, mode 0600). */
  write(entry: StoredServerAuth): void;
  /**
   * Reads the server's entry, changes it and writes it back, holding the server's lock file meanwhile, so
   * that two processes saving at once merge instead of one overwriting the other. Returns what was written.
   */
  update(serverUrl: string, change: (current: StoredServerAuth | undefined) => StoredServerAuth): StoredServerAuth;
  /** When the server's file last changed (ms), or undefined when there is none. */
  modifiedAt(serverUrl: string): number | undefined;
  /** Deletes the server's entry; false when there was none. */
  remove(serverUrl: string): boolean;
  /** Every entry, and one line for each file that could not be read. */
  list(): { entries: StoredServerAuth[]; problems: string[] };
}

function parseEntry(path: string, text: string): StoredServerAuth {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new OAuthStoreError(`the stored OAuth tokens in ${path} are not valid JSON`);
  }
  const result = Entry.safeParse(json);
  if (!result.success) throw new OAuthStoreError(`the stored OAuth tokens in ${path} are not in the expected form`);
  return result.data as unknown as StoredServerAuth;
}

/**
 * A token store in `dir`.
 *
 * @example
 * ```ts
 * const store = createTokenStore(join(dataDirectory(), 'oauth'));
 * const entry = store.read('https://mcp.example.com/mcp');
 * ```
 */
export function createTokenStore(dir: string): TokenStore {
  const pathFor = (serverUrl: string) =>
    join(dir, `${createHash('sha256').update(serverKey(serverUrl)).digest('hex').slice(0, 32)}.json`);

  const readPath = (path: string): StoredServerAuth | undefined => {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new OAuthStoreError(`cannot read the stored OAuth tokens in ${path}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    return parseEntry(path, text);
  };

  const read = (serverUrl: string): StoredServerAuth | undefined => {
    const path = pathFor(serverUrl);
    const entry = readPath(path);
    if (entry !== undefined && serverKey(entry.serverUrl) !== serverKey(serverUrl)) {
      throw new OAuthStoreError(`the stored OAuth tokens in ${path} belong to another server (${entry.serverUrl})`);
    }
    return entry;
  };

  const write = (entry: StoredServerAuth): void => {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // mkdir's mode does not apply to a directory that already existed: make sure it is private.
    chmodSync(dir, 0o700);
    const path = pathFor(entry.serverUrl);
    const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    const text = `${JSON.stringify({ ...entry, updatedAt: new Date().toISOString() }, null, 2)}\n`;
    // 'wx': never write through a file (or symlink) someone placed at the temporary name.
    writeFileSync(temporary, text, { mode: 0o600, flag: 'wx' });
    chmodSync(temporary, 0o600);
    renameSync(temporary, path);
  };

  /** Runs `body` holding `<file>.lock` (created 'wx'; one older than LOCK_STALE_MS was left by a dead process). */
  const locked = <T>(serverUrl: string, body: () => T): T => {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const lock = `${pathFor(serverUrl)}.lock`;
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      try {
        closeSync(openSync(lock, 'wx', 0o600));
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const age = (() => {
          try {
            return Date.now() - statSync(lock).mtimeMs;
          } catch {
            return 0;
          }
        })();
        if (age > LOCK_STALE_MS) rmSync(lock, { force: true });
        else if (Date.now() > deadline) {
          throw new OAuthStoreError(`the stored OAuth tokens are locked by another process (${lock})`);
        } else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
      }
    }
    try {
      return body();
    } finally {
      rmSync(lock, { force: true });
    }
  };

  return {
    dir,
    pathFor,
    read,
    write,
    update(serverUrl, change) {
      return locked(serverUrl, () => {
        const next = change(read(serverUrl));
        write(next);
        return next;
      });
    },
    modifiedAt(serverUrl) {
      try {
        return statSync(pathFor(serverUrl)).mtimeMs;
      } catch {
        return undefined;
      }
    },
    remove(serverUrl) {
      const path = pathFor(serverUrl);
      try {
        rmSync(path);
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
        throw new OAuthStoreError(`cannot delete ${path}: ${(error as Error).message}`, { cause: error });
      }
    },
    list() {
      let names: string[];
      try {
        names = readdirSync(dir).filter((name) => name.endsWith('.json'));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], problems: [] };
        throw new OAuthStoreError(`cannot list ${dir}: ${(error as Error).message}`, { cause: error });
      }
      const entries: StoredServerAuth[] = [];
      const problems: string[] = [];
      for (const name of names.sort()) {
        try {
          const entry = readPath(join(dir, name));
          if (entry !== undefined) entries.push(entry);
        } catch (error) {
          problems.push((error as Error).message);
        }
      }
      return { entries, problems };
    },
  };
}
