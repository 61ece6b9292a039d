/**
 * Token and cost budgets per server, per session and per day. A session is one client process: its
 * counters live in memory. Day counters are kept in a small JSON state file so that they survive
 * restarts and are shared by every client process of the user:
 *
 *     { "version": 1, "days": { "2025-06-01": { "<server>": { "tokens": 1234, "costUsd": 0.0123 } } } }
 *
 * Days are local dates; only the last 7 are kept. The file is read when the tracker is created, and
 * read again before each write so that usage recorded meanwhile by other client processes is kept;
 * every write goes to a temporary file that is then renamed over the state file, so a reader never sees
 * half a file. A budget is exhausted once the usage reaches its limit; a request is checked before it
 * runs, so the last request allowed may overshoot the limit by its own size.
 */
import { readFileSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

import * as z from 'zod/v4';

import type { ServerPolicy } from './config-schema.js';
import { createWriteBehind } from './write-behind.js';

export interface BudgetUsage {
  tokens: number;
  costUsd: number;
}

export interface ServerUsage {
  session: BudgetUsage;
  /** `date`: the local date (YYYY-MM-DD) the day counters are for. */
  day: BudgetUsage & { date: string };
}

export type BudgetCheck = { ok: true } | { ok: false; reason: string };

export interface BudgetTracker {
  /** Before a request: not ok once any limit of `budget` is reached. */
  check(server: string, budget: ServerPolicy['budget']): BudgetCheck;
  /**
   * After a request: adds its usage. The in-memory counters change at once (so `check` sees them even
   * before the returned promise settles); the promise settles when the state file has been written.
   * Usage is written in batches, a moment later (write-behind.ts): one read-merge-rename per batch, not
   * per request.
   */
  record(server: string, usage: BudgetUsage): Promise<void>;
  usage(server: string): ServerUsage;
  /** Settles when everything recorded so far has been written (or has failed to be). */
  flush(): Promise<void>;
}

export interface BudgetTrackerOptions {
  /** The JSON state file (e.g. `~/.mcp-sampling/state.json`); its directory is created when needed. */
  statePath: string;
  now?: () => Date;
}

/** How many local dates (today included) the state file keeps. */
export const KEPT_DAYS = 7;

const UsageSchema = z.object({ tokens: z.number().nonnegative(), costUsd: z.number().nonnegative() });
const StateSchema = z.object({
  version: z.literal(1),
  days: z.record(z.string().regex(/^\d{4}-\d{2}-\d{2}$/), z.record(z.string(), UsageSchema)),
});
type State = z.infer<typeof StateSchema>;

function emptyState(): State {
  return { version: 1, days: {} };
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function parseState(text: string, path: string): State {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(oneLine(`budget state file ${path} is corrupt (${(error as Error).message}); fix or delete it`), {
      cause: error,
    });
  }
  const parsed = StateSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined || issue.path.length === 0 ? '' : ` at ${issue.path.join('.')}`;
    throw new Error(
      oneLine(
        `budget state file ${path} is corrupt (unexpected content${where}: ${issue?.message ?? 'invalid'}); fix or delete it`,
      ),
    );
  }
  return parsed.data;
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

function unreadable(path: string, error: unknown): Error {
  return new Error(oneLine(`cannot read budget state file ${path}: ${(error as Error).message}`), { cause: error });
}

function readStateSync(path: string): State {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (isMissing(error)) return emptyState();
    throw unreadable(path, error);
  }
  return parseState(text, path);
}

async function readState(path: string): Promise<State> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (isMissing(error)) return emptyState();
    throw unreadable(path, error);
  }
  return parseState(text, path);
}

let tempCounter = 0;

async function writeStateAtomically(path: string, state: State): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.${Date.now()}.${tempCounter++}.tmp`;
  try {
    await writeFile(temp, `${JSON.stringify(state, null, 2)}\n`, 'utf8');
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw new Error(oneLine(`cannot write budget state file ${path}: ${(error as Error).message}`), {
      cause: error,
    });
  }
}

/** The local date of `date`, as YYYY-MM-DD. */
export function localDateKey(date: Date): string {
  const y = String(date.getFullYear()).padStart(4, '0');
  const m = String(date.getMonth() + 1).padStart(2, '0');
  const d = String(date.getDate()).padStart(2, '0');
  return `${y}-${m}-${d}`;
}

/** Drops the days older than the last `KEPT_DAYS` local dates ending at `today`. */
function prune(state: State, today: Date): void {
  const oldest = new Date(today.getFullYear(), today.getMonth(), today.getDate() - (KEPT_DAYS - 1));
  const cutoff = localDateKey(oldest);
  for (const key of Object.keys(state.days)) {
    if (key < cutoff) delete state.days[key];
  }
}

function addTo(state: State, date: string, server: string, usage: BudgetUsage): void {
  const day = (state.days[date] ??= {});
  const current = day[server] ?? { tokens: 0, costUsd: 0 };
  day[server] = { tokens: current.tokens + usage.tokens, costUsd: current.costUsd + usage.costUsd };
}

interface Pending {
  date: string;
  server: string;
  usage: BudgetUsage;
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

function usd(value: number): string {
  if (value > 0 && value < 0.01) return `$${value.toFixed(4)}`;
  return `$${value.toFixed(2)}`;
}

function exhausted(
  server: string,
  window: 'session' | 'day',
  kind: 'token' | 'cost',
  limit: number,
  used: number,
): string {
  const label = window === 'day' ? 'daily' : 'session';
  const amount = kind === 'token' ? integer.format(limit) : usd(limit);
  const spent = kind === 'token' ? integer.format(used) : usd(used);
  const resets = window === 'day' ? 'it resets at midnight' : 'it resets when the client restarts';
  return `${label} ${kind} budget of ${amount} for server '${server}' is exhausted (${spent} used); ${resets}`;
}

export function createBudgetTracker(options: BudgetTrackerOptions): BudgetTracker {
  const { statePath } = options;
  const now = options.now ?? ((): Date => new Date());

  /** The state file as last read or written (plus usage whose write failed). */
  let persisted = readStateSync(statePath);
  /** Recorded but not yet written; counted in the day totals meanwhile. */
  const pending = new Set<Pending>();
  const session = new Map<string, BudgetUsage>();

  function dayUsage(server: string, date: string): BudgetUsage {
    const stored = persisted.days[date]?.[server];
    let tokens = stored?.tokens ?? 0;
    let costUsd = stored?.costUsd ?? 0;
    for (const entry of pending) {
      if (entry.date === date && entry.server === server) {
        tokens += entry.usage.tokens;
        costUsd += entry.usage.costUsd;
      }
    }
    return { tokens, costUsd };
  }

  function sessionUsage(server: string): BudgetUsage {
    const used = session.get(server);
    return { tokens: used?.tokens ?? 0, costUsd: used?.costUsd ?? 0 };
  }

  function check(server: string, budget: ServerPolicy['budget']): BudgetCheck {
    if (budget === undefined) return { ok: true };
    type BudgetWindow = NonNullable<NonNullable<ServerPolicy['budget']>['day']>;
    const windows: ['session' | 'day', BudgetWindow | undefined, () => BudgetUsage][] = [
      ['session', budget.session, () => sessionUsage(server)],
      ['day', budget.day, () => dayUsage(server, localDateKey(now()))],
    ];
    for (const [window, limits, used] of windows) {
      if (limits === undefined) continue;
      const spent = used();
      if (limits.tokens !== undefined && spent.tokens >= limits.tokens) {
        return { ok: false, reason: exhausted(server, window, 'token', limits.tokens, spent.tokens) };
      }
      if (limits.costUsd !== undefined && spent.costUsd >= limits.costUsd) {
        return { ok: false, reason: exhausted(server, window, 'cost', limits.costUsd, spent.costUsd) };
      }
    }
    return { ok: true };
  }

  /** Writes every pending entry in one read-merge-rename, so another process's usage is kept. */
  async function persist(): Promise<void> {
    const batch = [...pending];
    if (batch.length === 0) return;
    let next: State | undefined;
    try {
      next = await readState(statePath);
      for (const entry of batch) addTo(next, entry.date, entry.server, entry.usage);
      prune(next, now());
      await writeStateAtomically(statePath, next);
    } catch (error) {
      // Keep enforcing what this process has seen, even if the file cannot be read or written now.
      if (next === undefined) {
        next = structuredClone(persisted);
        for (const entry of batch) addTo(next, entry.date, entry.server, entry.usage);
      }
      throw error;
    } finally {
      if (next !== undefined) persisted = next;
      for (const entry of batch) pending.delete(entry);
    }
  }
  const writer = createWriteBehind(persist);

  function record(server: string, usage: BudgetUsage): Promise<void> {
    if (!(Number.isFinite(usage.tokens) && usage.tokens >= 0 && Number.isFinite(usage.costUsd) && usage.costUsd >= 0)) {
      return Promise.reject(
        new RangeError(`usage must be non-negative numbers (got ${usage.tokens} tokens, $${usage.costUsd})`),
      );
    }
    const used = sessionUsage(server);
    session.set(server, { tokens: used.tokens + usage.tokens, costUsd: used.costUsd + usage.costUsd });
    pending.add({ date: localDateKey(now()), server, usage: { ...usage } });
    return writer.schedule();
  }

  function usage(server: string): ServerUsage {
    const date = localDateKey(now());
    return { session: sessionUsage(server), day: { ...dayUsage(server, date), date } };
  }

  return { check, record, usage, flush: () => writer.flush() };
}
