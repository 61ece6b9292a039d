/**
 * Changing the configuration file from a program (the dashboard's "always / never for this server"): the
 * file's own JSON is edited (unknown to us nothing, defaults not filled in), the result is validated with the
 * same `ConfigSchema` as when it is loaded, and the change is shown as a line diff before it is written.
 */
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { realpath, rename, rm, stat, writeFile } from 'node:fs/promises';

import type { ApprovalMode } from './schema.js';
import { ConfigError, parseConfig } from './load.js';

/** A planned change: the file, its text before and after, and the diff between them. */
export interface ConfigEdit {
  file: string;
  /** False when the file does not exist yet (it will be created). */
  exists: boolean;
  before: string;
  after: string;
  /** The changed lines, `-` removed and `+` added, with unchanged lines as context (` `). */
  diff: string[];
}

/** The file's JSON object, or `{}` when it does not exist. */
function readRaw(file: string): { raw: Record<string, unknown>; text: string; exists: boolean } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { raw: {}, text: '', exists: false };
    throw new ConfigError(`cannot read config ${file}: ${(error as Error).message}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text.startsWith('\ufeff') ? text.slice(1) : text);
  } catch (error) {
    throw new ConfigError(`invalid config ${file}: not valid JSON, not changed`, { cause: error });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ConfigError(`invalid config ${file}: not a JSON object, not changed`);
  }
  return { raw: json as Record<string, unknown>, text, exists: true };
}

/** A line diff (longest common subsequence; config files are small). */
export function lineDiff(before: string, after: string): string[] {
  const a = before === '' ? [] : before.replace(/\n$/, '').split('\n');
  const b = after.replace(/\n$/, '').split('\n');
  const lcs = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push(`  ${a[i]}`);
      i++;
      j++;
    } else if (i < a.length && (j === b.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      out.push(`- ${a[i]}`);
      i++;
    } else {
      out.push(`+ ${b[j]}`);
      j++;
    }
  }
  return out;
}

const RESERVED_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Plans `servers[server].approval = mode` in `file`: the edited JSON must pass `ConfigSchema`, else the
 * ConfigError names the problem and nothing is written.
 */
export function planServerApproval(file: string, server: string, mode: ApprovalMode): ConfigEdit {
  if (server === '' || server === '*') throw new ConfigError(`cannot set a policy for server '${server}' here`);
  // The name comes from the server itself: one of these would edit the object's prototype, not an entry.
  if (RESERVED_NAMES.has(server)) {
    throw new ConfigError(`cannot set a policy for a server named '${server}': the name is reserved, not changed`);
  }
  const { raw, text, exists } = readRaw(file);
  const servers = raw['servers'];
  if (servers !== undefined && (typeof servers !== 'object' || servers === null || Array.isArray(servers))) {
    throw new ConfigError(`invalid config ${file}: servers is not an object, not changed`);
  }
  const entries = { ...((servers as Record<string, unknown> | undefined) ?? {}) };
  const own = entries[server];
  const policy = typeof own === 'object' && own !== null && !Array.isArray(own) ? own : {};
  entries[server] = { ...policy, approval: mode };
  const next = { ...raw, servers: entries };
  // The same schema as loading: a change that would make the file invalid is never written.
  parseConfig(next, file);
  const after = `${JSON.stringify(next, null, 2)}\n`;
  return { file, exists, before: text, after, diff: lineDiff(text, after) };
}

/** Writes a planned edit, if the file is still as it was planned (else ConfigError: plan again). */
export async function applyConfigEdit(edit: ConfigEdit): Promise<void> {
  const now = readRaw(edit.file);
  if (now.text !== edit.before)
    throw new ConfigError(`config ${edit.file} changed since the diff was shown: try again`);
  let mode = 0o600;
  // A symlinked config (dotfiles in a repository) stays a symlink: the edit goes to the file it points to.
  let target = edit.file;
  try {
    target = await realpath(edit.file);
    mode = (await stat(target)).mode & 0o777;
  } catch {
    // A new file: owner only, like the rest of the user's mcp-sampling files.
  }
  // 'wx': never write through a file (or a symlink) someone placed at the temporary name.
  const temporary = `${target}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporary, edit.after, { mode, flag: 'wx' });
  try {
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
