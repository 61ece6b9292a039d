/**
 * The dashboard's files in the user's data directory (`~/.mcp-sampling/`, src/config/load.ts `dataDirectory`):
 * `ui-token`, the per-user secret (0600) that client processes send to register (the printed URL carries a
 * one-time code instead, login-codes.ts); and `ui.json`, the discovery file (port and pid of the running dashboard, 0600)
 * that tells client processes where it listens. The directory is created 0700.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import * as z from 'zod/v4';

import { dataDirectory } from '../config/load.js';

export const TOKEN_FILE = 'ui-token';
export const DISCOVERY_FILE = 'ui.json';

/** Where the dashboard's files live: `home` (default the user's) + `.mcp-sampling/`. */
export function uiPaths(home?: string): { dir: string; token: string; discovery: string } {
  const dir = dataDirectory(home);
  return { dir, token: join(dir, TOKEN_FILE), discovery: join(dir, DISCOVERY_FILE) };
}

function ensureDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // A directory made before by another command (the audit log) may be wider: this one holds a secret.
  if ((statSync(dir).mode & 0o077) !== 0) chmodSync(dir, 0o700);
}

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** The token, or undefined when there is none (no dashboard was ever started) or it is malformed. */
export function readToken(home?: string): string | undefined {
  try {
    const token = readFileSync(uiPaths(home).token, 'utf8').trim();
    return TOKEN_PATTERN.test(token) ? token : undefined;
  } catch {
    return undefined;
  }
}

/** The user's token, created (256 random bits, base64url) on first use; the file is kept at 0600. */
export function ensureToken(home?: string): string {
  const paths = uiPaths(home);
  ensureDir(paths.dir);
  const existing = readToken(home);
  if (existing !== undefined) {
    if ((statSync(paths.token).mode & 0o077) !== 0) chmodSync(paths.token, 0o600);
    return existing;
  }
  const token = randomBytes(32).toString('base64url');
  // Two first starts at once must end with one token: write a private temporary file, then link it to the
  // name, which fails if the other start got there first (then its token is the one).
  const temporary = `${paths.token}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(temporary, `${token}\n`, { mode: 0o600, flag: 'wx' });
  try {
    chmodSync(temporary, 0o600);
    linkSync(temporary, paths.token);
    return token;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const winner = readToken(home);
    if (winner === undefined) throw new Error(`the dashboard token file ${paths.token} is malformed: delete it`);
    return winner;
  } finally {
    rmSync(temporary, { force: true });
  }
}

const DiscoverySchema = z.object({
  port: z.number().int().min(1).max(65_535),
  pid: z.number().int().positive(),
  startedAt: z.string(),
});
export type Discovery = z.infer<typeof DiscoverySchema>;

export function writeDiscovery(discovery: Discovery, home?: string): void {
  const paths = uiPaths(home);
  ensureDir(paths.dir);
  const temporary = `${paths.discovery}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(discovery)}\n`, { mode: 0o600, flag: 'wx' });
  // Atomic: a client never reads half a file.
  renameSync(temporary, paths.discovery);
}

/** The running dashboard as its discovery file says, or undefined (no file, malformed, or its process is gone). */
export function readDiscovery(home?: string): Discovery | undefined {
  let parsed;
  try {
    parsed = DiscoverySchema.safeParse(JSON.parse(readFileSync(uiPaths(home).discovery, 'utf8')));
  } catch {
    return undefined;
  }
  if (!parsed.success) return undefined;
  try {
    process.kill(parsed.data.pid, 0);
  } catch (error) {
    // EPERM: alive but not ours (cannot be: the file is 0600 in our home); ESRCH: a stale file.
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return undefined;
  }
  return parsed.data;
}

/** Removes the discovery file if it is still this process's. */
export function removeDiscovery(pid: number, home?: string): void {
  const current = (() => {
    try {
      return JSON.parse(readFileSync(uiPaths(home).discovery, 'utf8')) as { pid?: unknown };
    } catch {
      return undefined;
    }
  })();
  if (current?.pid === pid) rmSync(uiPaths(home).discovery, { force: true });
}
