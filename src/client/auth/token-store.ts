/**
 * Where the client keeps what OAuth gave it, per HTTP server: one JSON file per server URL under a
 * directory of its own (`~/.mcp-sampling/oauth/` by default), the directory mode 0700 and every file 0600.
 * A file holds the client's registration with that server's authorization server, the tokens (with the
 * moment they expire) and the discovery results. Never the config file, never the audit log, never a log
 * line: nothing here prints a token.
 */
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type {
  OAuthDiscoveryState,
  StoredOAuthClientInformation,
  StoredOAuthTokens,
} from '@modelcontextprotocol/client';
import * as z from 'zod/v4';

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

  return {
    dir,
    pathFor,
    read(serverUrl) {
      const path = pathFor(serverUrl);
      const entry = readPath(path);
      if (entry !== undefined && serverKey(entry.serverUrl) !== serverKey(serverUrl)) {
        throw new OAuthStoreError(`the stored OAuth tokens in ${path} belong to another server (${entry.serverUrl})`);
      }
      return entry;
    },
    write(entry) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      // mkdir's mode does not apply to a directory that already existed: make sure it is private.
      chmodSync(dir, 0o700);
      const path = pathFor(entry.serverUrl);
      const temporary = `${path}.${process.pid}.tmp`;
      const text = `${JSON.stringify({ ...entry, updatedAt: new Date().toISOString() }, null, 2)}\n`;
      writeFileSync(temporary, text, { mode: 0o600 });
      chmodSync(temporary, 0o600);
      renameSync(temporary, path);
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
