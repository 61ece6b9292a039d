/**
 * Token and cost budgets per server, per session and per day, kept as reservations. Before a request
 * goes to a provider its worst case (worst-case.ts: the most its input can cost, plus maxTokens, and
 * that times the model's price) is reserved; a request whose reservation does not fit what is left (the
 * limit less what was used and what requests in flight have reserved) is refused. When the answer
 * arrives, the reservation is replaced by the real usage; a request that fails or never reaches a
 * provider gives its reservation back. So within one client process the usage can never exceed a
 * budget, whatever the concurrency.
 *
 * A session is one client process: its counters and every reservation live in memory. Day counters are
 * kept in a small JSON state file so that they survive restarts and are shared by every client process
 * of the user:
 *
 *     { "version": 1, "days": { "2025-06-01": { "<server>": { "tokens": 1234, "costUsd": 0.0123 } } } }
 *
 * Days are local dates; only the last 7 are kept. The file is read only when it is needed (a day budget
 * is checked, or usage is written): a corrupt file refuses requests under a day budget, with a message
 * that says how to reset it (`mcp-sampling budget reset`), and blocks nothing else. Before a day budget
 * is checked the file is looked at again (one stat; read only when it changed), so what other processes
 * have written counts; what they have reserved or not written yet does not (docs/configuration.md says
 * what this guarantees across processes). Usage is written behind the answers, in batches
 * (write-behind.ts), each one read-merge-rename so that what other processes wrote meanwhile is kept;
 * a batch that cannot be written is kept and written with the next. The writer is one per file and
 * process: every tracker on the file (one per client runtime) joins the same batch, and no two
 * read-merge-renames of one file in one process overlap.
 */
import { readFileSync, statSync, type Stats } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

import * as z from 'zod/v4';

import type { ServerPolicy } from '../config/schema.js';
import { createWriteBehind, type WriteBehind } from './write-behind.js';

export interface BudgetUsage {
  tokens: number;
  costUsd: number;
}

export interface ServerUsage {
  session: BudgetUsage;
  /** `date`: the local date (YYYY-MM-DD) the day counters are for. */
  day: BudgetUsage & { date: string };
  /** Held by requests in flight (not in `session` or `day` until they are answered). */
  reserved: BudgetUsage & { requests: number };
}

export type BudgetCheck = { ok: true } | { ok: false; reason: string };

/** The worst case of one request, held against its server's budgets until it is answered or fails. */
export interface Reservation {
  readonly amount: Readonly<BudgetUsage>;
  /**
   * The request was answered: its reservation is replaced by what it used (a count that is not a
   * non-negative number is taken at the reserved amount). Settles as `record` does. Once only: a
   * reservation committed or released before is left alone.
   */
  commit(used: BudgetUsage): Promise<void>;
  /** The request did not reach a provider, or failed: the reservation is given back. Safe to call twice. */
  release(): void;
}

export type ReserveOutcome = { ok: true; reservation: Reservation } | { ok: false; reason: string };

export interface BudgetTracker {
  /**
   * Whether a request that may use `amount` (default nothing) fits the budgets of `server` now: not once
   * a limit is reached. Nothing is reserved.
   */
  check(server: string, budget: ServerPolicy['budget'], amount?: BudgetUsage): BudgetCheck;
  /** Reserves `amount` against the budgets of `server` when it fits; otherwise says which budget refuses. */
  reserve(server: string, budget: ServerPolicy['budget'], amount: BudgetUsage): ReserveOutcome;
  /**
   * Adds usage that was not reserved. The in-memory counters change at once (so the next check sees
   * them); the promise settles when the state file has been written (batched, a moment later).
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

/** The command that resets the state file; named in the errors about it. */
export const RESET_COMMAND = 'mcp-sampling budget reset';

const UsageSchema = z.object({ tokens: z.number().nonnegative(), costUsd: z.number().nonnegative() });
const StateSchema = z.object({
  version: z.literal(1),
  days: z.record(z.string().regex(/^\d{4}-\d{2}-\d{2}$/), z.record(z.string(), UsageSchema)),
});
type State = z.infer<typeof StateSchema>;

/** The state file cannot be used: `corrupt` (not our JSON) or `unreadable` (permissions, not a file). */
export class BudgetStateError extends Error {
  override readonly name = 'BudgetStateError';
  constructor(
    message: string,
    readonly kind: 'corrupt' | 'unreadable',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

function emptyState(): State {
  return { version: 1, days: {} };
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function corrupt(path: string, why: string, cause?: unknown): BudgetStateError {
  return new BudgetStateError(
    oneLine(`budget state file ${path} is corrupt (${why}): run \`${RESET_COMMAND}\` to reset it, or fix it by hand`),
    'corrupt',
    { cause },
  );
}

function parseState(text: string, path: string): State {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw corrupt(path, (error as Error).message, error);
  }
  const parsed = StateSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined || issue.path.length === 0 ? '' : ` at ${issue.path.join('.')}`;
    throw corrupt(path, `unexpected content${where}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

function unreadable(path: string, error: unknown): BudgetStateError {
  return new BudgetStateError(
    oneLine(`cannot read budget state file ${path}: ${(error as Error).message}`),
    'unreadable',
    { cause: error },
  );
}

/** What tells one version of the file from another: a new version is always a new file (a rename). */
function identity(stats: Stats): string {
  return `${stats.ino}:${stats.size}:${stats.mtimeMs}`;
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

/**
 * Directories this process made (or found) for a state file: a busy client writes its file a few times a
 * second, and one `mkdir` per write is one thread-pool job for nothing. A write that finds the directory
 * gone makes it again. Bounded like the writers: a handful of paths.
 */
const madeDirs = new Set<string>();

/** Writes `state` to a temporary file renamed over `path`; returns the identity of the new file. */
async function writeStateAtomically(path: string, state: State): Promise<string> {
  const dir = dirname(path);
  const known = madeDirs.has(dir);
  if (!known) {
    await mkdir(dir, { recursive: true });
    if (madeDirs.size < 64) madeDirs.add(dir);
  }
  const temp = `${path}.${process.pid}.${Date.now()}.${tempCounter++}.tmp`;
  try {
    const text = `${JSON.stringify(state, null, 2)}\n`;
    try {
      await writeFile(temp, text, 'utf8');
    } catch (error) {
      // The directory was removed since it was made: made again, as before every write.
      if (!known || !isMissing(error)) throw error;
      await mkdir(dir, { recursive: true });
      await writeFile(temp, text, 'utf8');
    }
    // Taken before the rename, which keeps inode and times: a stat after it could see another writer's file.
    const written = identity(await stat(temp));
    await rename(temp, path);
    return written;
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

function validUsage(usage: BudgetUsage): boolean {
  return Number.isFinite(usage.tokens) && usage.tokens >= 0 && Number.isFinite(usage.costUsd) && usage.costUsd >= 0;
}

/** Usage of one server on one date not yet in the file. */
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

type Window = 'session' | 'day';
type Kind = 'token' | 'cost';

function refusal(
  server: string,
  window: Window,
  kind: Kind,
  limit: number,
  used: number,
  reserved: number,
  amount: number,
): string {
  const label = window === 'day' ? 'daily' : 'session';
  const format = kind === 'token' ? (n: number) => integer.format(n) : usd;
  const resets = window === 'day' ? 'it resets at midnight' : 'it resets when the client restarts';
  const budget = `${label} ${kind} budget of ${format(limit)} for server '${server}'`;
  if (used >= limit) return `${budget} is exhausted (${format(used)} used); ${resets}`;
  const need = kind === 'token' ? `may use up to ${format(amount)} tokens` : `may cost up to ${format(amount)}`;
  const left = Math.max(0, limit - used - reserved);
  const spent =
    reserved > 0 ? `${format(used)} used, ${format(reserved)} reserved by requests in flight` : `${format(used)} used`;
  return `${budget} cannot cover this request, which ${need}: ${format(left)} left (${spent}); ${resets}`;
}

/** One tracker's part in a write of its state file (see `stateFileWriter`). */
interface BatchSource {
  /** Moves what the tracker has pending into the batch being written, and returns it. */
  take(): Pending[];
  /** The batch is in the file, which now holds `state` and is the version `id`. */
  written(state: State, id: string): void;
  /** The batch could not be written: the tracker keeps it for the next write. */
  failed(error: unknown): void;
  /** The tracker's clock (days older than a week by it are pruned). */
  now(): Date;
}

/** The process's writer of one state file: the trackers with something to write, and its write-behind. */
interface StateFileWriter {
  dirty: Set<BatchSource>;
  writer: WriteBehind;
}

/**
 * One writer per state file and process, whatever the number of trackers on it (one per client runtime:
 * a host that runs fifty has fifty). Each write takes the batches of every tracker at once, in one
 * read-merge-rename, and writes of one file never overlap: two trackers' own read-merge-renames could
 * interleave (both read, both rename) and lose the first one's batch. One entry per path ever used, which
 * is a handful.
 */
const stateFileWriters = new Map<string, StateFileWriter>();

function stateFileWriter(statePath: string): StateFileWriter {
  const key = resolve(statePath);
  let entry = stateFileWriters.get(key);
  if (entry === undefined) {
    const dirty = new Set<BatchSource>();
    const created: StateFileWriter = { dirty, writer: createWriteBehind(() => writeBatches(statePath, dirty)) };
    stateFileWriters.set(key, (entry = created));
  }
  return entry;
}

/** Writes the batches of every tracker in `dirty` in one read-merge-rename, so other processes' usage is kept. */
async function writeBatches(statePath: string, dirty: Set<BatchSource>): Promise<void> {
  const batches: [BatchSource, Pending[]][] = [];
  for (const source of dirty) {
    const batch = source.take();
    if (batch.length > 0) batches.push([source, batch]);
  }
  dirty.clear();
  if (batches.length === 0) return;
  try {
    const next = await readState(statePath);
    for (const [, batch] of batches) for (const entry of batch) addTo(next, entry.date, entry.server, entry.usage);
    // By the earliest clock among the trackers: no tracker's last week is dropped.
    const today = batches.reduce((earliest, [source]) => {
      const date = source.now();
      return date < earliest ? date : earliest;
    }, batches[0]![0].now());
    prune(next, today);
    const id = await writeStateAtomically(statePath, next);
    for (const [source] of batches) source.written(next, id);
  } catch (error) {
    for (const [source] of batches) source.failed(error);
    throw error;
  }
}

/**
 * The budget tracker. It is one closure of about 200 lines on purpose: its parts (reading the state file
 * when it changed, the pending batches written behind, the session totals, the reservations in flight)
 * share that state, and each inner function is short; splitting them apart would mean passing the whole
 * state around or making it a class with the same members.
 */
export function createBudgetTracker(options: BudgetTrackerOptions): BudgetTracker {
  const { statePath } = options;
  const now = options.now ?? ((): Date => new Date());

  /** The state file as last read or written. */
  let persisted = emptyState();
  /** Which version of the file `persisted` is (`missing`: there was none); `undefined`: not read yet. */
  let persistedId: string | undefined;
  /** Why the file cannot be used, as of the last look at it. */
  let stateError: BudgetStateError | undefined;
  /** Recorded but not yet written, by date and server; counted in the day totals meanwhile. */
  const pending = new Map<string, Pending>();
  /** The batch being written: still counted, until `persisted` holds it. */
  let writing: Pending[] = [];
  const session = new Map<string, BudgetUsage>();
  /** Today's local date key and the local day it is good for (ms), so a busy client formats it once a day. */
  let today: { key: string; from: number; until: number } | undefined;
  const todayKey = (): string => {
    const date = now();
    const time = date.getTime();
    if (today !== undefined && time >= today.from && time < today.until) return today.key;
    const key = localDateKey(date);
    const from = new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
    const until = new Date(date.getFullYear(), date.getMonth(), date.getDate() + 1).getTime();
    today = { key, from, until };
    return key;
  };
  const reservations = new Map<string, Set<BudgetUsage>>();

  function addPending(entry: Pending): void {
    const key = `${entry.date}\u0000${entry.server}`;
    const current = pending.get(key);
    if (current === undefined) pending.set(key, { ...entry, usage: { ...entry.usage } });
    else {
      current.usage.tokens += entry.usage.tokens;
      current.usage.costUsd += entry.usage.costUsd;
    }
  }

  /** Reads the file again when it changed since `persisted` was taken from it. */
  function refresh(): void {
    // A write in progress replaces `persisted` when it is done; reading now could count its batch twice.
    if (writing.length > 0) return;
    let id: string;
    try {
      id = identity(statSync(statePath));
    } catch (error) {
      if (isMissing(error)) {
        persisted = emptyState();
        persistedId = 'missing';
        stateError = undefined;
      } else stateError = unreadable(statePath, error);
      return;
    }
    if (id === persistedId) return;
    try {
      persisted = parseState(readFileSync(statePath, 'utf8'), statePath);
      stateError = undefined;
    } catch (error) {
      if (isMissing(error)) {
        persisted = emptyState();
        stateError = undefined;
      } else stateError = error instanceof BudgetStateError ? error : unreadable(statePath, error);
    }
    // A corrupt version is not read again; the next version (a reset, a fix) is.
    persistedId = id;
  }

  function dayUsage(server: string, date: string): BudgetUsage {
    const stored = persisted.days[date]?.[server];
    let tokens = stored?.tokens ?? 0;
    let costUsd = stored?.costUsd ?? 0;
    for (const entry of [...pending.values(), ...writing]) {
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

  /** Summed afresh each time (a few dozen at most): no drift from adding and subtracting prices. */
  function reservedBy(server: string): BudgetUsage & { requests: number } {
    let tokens = 0;
    let costUsd = 0;
    const held = reservations.get(server) ?? new Set();
    for (const amount of held) {
      tokens += amount.tokens;
      costUsd += amount.costUsd;
    }
    return { tokens, costUsd, requests: held.size };
  }

  function check(
    server: string,
    budget: ServerPolicy['budget'],
    amount: BudgetUsage = { tokens: 0, costUsd: 0 },
  ): BudgetCheck {
    if (budget === undefined) return { ok: true };
    const windows: [Window, NonNullable<ServerPolicy['budget']>['day']][] = [
      ['session', budget.session],
      ['day', budget.day],
    ];
    const reserved = reservedBy(server);
    for (const [window, limits] of windows) {
      if (limits === undefined || (limits.tokens === undefined && limits.costUsd === undefined)) continue;
      let used: BudgetUsage;
      if (window === 'day') {
        refresh();
        if (stateError !== undefined) return { ok: false, reason: stateError.message };
        used = dayUsage(server, todayKey());
      } else used = sessionUsage(server);
      const tests: [Kind, number | undefined, number, number, number][] = [
        ['token', limits.tokens, used.tokens, reserved.tokens, amount.tokens],
        ['cost', limits.costUsd, used.costUsd, reserved.costUsd, amount.costUsd],
      ];
      for (const [kind, limit, spent, held, need] of tests) {
        if (limit !== undefined && (spent >= limit || spent + held + need > limit)) {
          return { ok: false, reason: refusal(server, window, kind, limit, spent, held, need) };
        }
      }
    }
    return { ok: true };
  }

  /** This tracker's part in the writes of its state file, which every tracker of the process on it shares. */
  const source: BatchSource = {
    take() {
      writing = [...pending.values()];
      pending.clear();
      return writing;
    },
    written(state, id) {
      persistedId = id;
      persisted = state;
      stateError = undefined;
      writing = [];
    },
    failed(error) {
      // A file that cannot be read is never written over: the person resets or fixes it (the message says how).
      if (error instanceof BudgetStateError) {
        stateError = error;
        persistedId = undefined;
      }
      // Kept (merged by date and server, so it stays small) and written with the next batch.
      for (const entry of writing) addPending(entry);
      writing = [];
    },
    now,
  };
  const file = stateFileWriter(statePath);

  function record(server: string, usage: BudgetUsage): Promise<void> {
    if (!validUsage(usage)) {
      return Promise.reject(
        new RangeError(`usage must be non-negative numbers (got ${usage.tokens} tokens, $${usage.costUsd})`),
      );
    }
    const used = sessionUsage(server);
    session.set(server, { tokens: used.tokens + usage.tokens, costUsd: used.costUsd + usage.costUsd });
    addPending({ date: todayKey(), server, usage });
    file.dirty.add(source);
    return file.writer.schedule();
  }

  function reserve(server: string, budget: ServerPolicy['budget'], amount: BudgetUsage): ReserveOutcome {
    if (!validUsage(amount)) {
      throw new RangeError(
        `a reservation must be non-negative numbers (got ${amount.tokens} tokens, $${amount.costUsd})`,
      );
    }
    const fits = check(server, budget, amount);
    if (!fits.ok) return fits;
    const held: BudgetUsage = { tokens: amount.tokens, costUsd: amount.costUsd };
    let live = reservations.get(server);
    if (live === undefined) reservations.set(server, (live = new Set()));
    live.add(held);
    let open = true;
    const close = (): boolean => {
      if (!open) return false;
      open = false;
      live.delete(held);
      return true;
    };
    return {
      ok: true,
      reservation: {
        amount: { ...held },
        commit(used) {
          if (!close()) return Promise.resolve();
          return record(server, {
            tokens: Number.isFinite(used.tokens) && used.tokens >= 0 ? used.tokens : held.tokens,
            costUsd: Number.isFinite(used.costUsd) && used.costUsd >= 0 ? used.costUsd : held.costUsd,
          });
        },
        release() {
          close();
        },
      },
    };
  }

  function usage(server: string): ServerUsage {
    refresh();
    const date = todayKey();
    return { session: sessionUsage(server), day: { ...dayUsage(server, date), date }, reserved: reservedBy(server) };
  }

  return { check, reserve, record, usage, flush: () => file.writer.flush() };
}

export interface ResetOutcome {
  /** Whether there was a state file. */
  existed: boolean;
  /** Where a corrupt file was moved before the reset, so that nothing is lost without a trace. */
  corruptCopy?: string;
}

/**
 * Starts the day counters afresh: the state file is replaced by an empty one (atomically). A corrupt file
 * is first moved to `<path>.corrupt`. Client processes that are running keep their session counters,
 * and what they have not written yet is added to the new file.
 */
export async function resetBudgetState(statePath: string): Promise<ResetOutcome> {
  try {
    await stat(statePath);
  } catch (error) {
    if (isMissing(error)) return { existed: false };
    throw unreadable(statePath, error);
  }
  let corruptCopy: string | undefined;
  try {
    await readState(statePath);
  } catch (error) {
    if (!(error instanceof BudgetStateError && error.kind === 'corrupt')) throw error;
    corruptCopy = `${statePath}.corrupt`;
    await rename(statePath, corruptCopy);
  }
  await writeStateAtomically(statePath, emptyState());
  return corruptCopy === undefined ? { existed: true } : { existed: true, corruptCopy };
}
