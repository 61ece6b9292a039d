/**
 * The audit log: one JSON line per sampling request, appended to a local file. It says who asked, what
 * was asked (a summary of the params), which model answered and why, what the human decided, how long it
 * took, how many tokens and dollars it cost, and how it ended. Prompt and completion text only when the
 * config turns it on. Known secret values are scrubbed from every line before it is written.
 */
import { appendFile, mkdir, open, readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

import type { RefusalKind } from './gate.js';
import { createWriteBehind } from './write-behind.js';

/**
 * How a request ended: answered, failed, cancelled, or refused by a gate (the refusal's kind).
 *
 * @example
 * ```ts
 * const refused = (outcome: AuditOutcome) => outcome !== 'ok' && outcome !== 'error' && outcome !== 'cancelled';
 * ```
 */
export type AuditOutcome = 'ok' | 'error' | 'cancelled' | RefusalKind;

/**
 * One line of the audit log (JSON), one per sampling request, answered or refused.
 *
 * @example
 * ```ts
 * const records = readFileSync(auditPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as AuditRecord);
 * ```
 */
export interface AuditRecord {
  time: string;
  server: string;
  era: string;
  request: {
    messages: number;
    contentTypes: string[];
    maxTokens: number;
    temperature?: number | undefined;
    hints: string[];
    priorities: { cost?: number | undefined; speed?: number | undefined; intelligence?: number | undefined };
    systemPrompt: boolean;
    stopSequences: number;
    /** How many tools the request offered the model (0 without tools); their names and schemas are not kept. */
    tools?: number | undefined;
    /** With tools: the request's toolChoice mode. */
    toolChoice?: string | undefined;
  };
  model?: { provider: string; id: string; reason: string } | undefined;
  /** What was actually sent after limits (maxTokens cap, temperature clamp). */
  applied?: { maxTokens: number; temperature?: number | undefined; notes: string[] } | undefined;
  approval: string;
  latencyMs: number;
  usage?: { inputTokens: number; outputTokens: number } | undefined;
  /** Set when the completion was longer than maxTokens (by the token estimate) and was cut to it. */
  truncated?: { estimatedTokens: number; maxTokens: number } | undefined;
  costUsd?: number | undefined;
  outcome: AuditOutcome;
  /** With tools offered: how many tool calls the answer carried (their inputs only with `includeText`). */
  toolCalls?: number | undefined;
  error?: string | undefined;
  attempts?: { provider: string; id: string; outcome: string; status?: number | undefined }[] | undefined;
  prompt?: { systemPrompt?: string | undefined; messages: unknown[] } | undefined;
  completion?: string | undefined;
  /** With `includeText`: the tool calls returned, name and input. */
  completionToolCalls?: { name: string; input: Record<string, unknown> }[] | undefined;
}

export interface AuditLog {
  readonly includeText: boolean;
  /**
   * Queues one line. The returned promise settles once the line is in the file (it never rejects: a
   * failed write is a warning on stderr). Lines are appended in batches, a moment later (write-behind.ts),
   * so a busy client appends a few times a second rather than once per request. `record` may be a
   * function that builds it: it is then called when its batch is written, not in the request's path
   * (the line is formatted then too), so it must read only what no longer changes.
   */
  write(record: AuditRecord | (() => AuditRecord)): Promise<void>;
  /** Settles when every line queued so far is written (or given up on). */
  flush(): Promise<void>;
  /**
   * True once a write did not return in time (a mount that never answers). The operation may still be
   * pending inside Node and keep the process alive: a CLI ends itself once its work is done.
   */
  readonly stalled: boolean;
}

export interface AuditLogOptions {
  path: string;
  enabled: boolean;
  includeText: boolean;
  /** Values that must never be written (API keys from the client's environment). */
  secrets?: readonly string[];
  /**
   * How long creating the directory and appending one batch may take. Past it the log warns once on
   * stderr and writes nothing more in this process (a mount that never answers must not hold the CLI).
   * Default 5 s.
   */
  timeoutMs?: number | undefined;
  /** The file operations, injected in tests; default node:fs/promises. */
  io?: AuditIo | undefined;
}

/** What the audit log does to the disk. */
export interface AuditIo {
  /** Creates one directory (not its parents); rejects with EEXIST when it exists. */
  mkdir(path: string): Promise<unknown>;
  appendFile(path: string, data: string): Promise<void>;
  /** The file's last byte, or undefined when it is empty or missing. */
  lastByte(path: string): Promise<number | undefined>;
}

const AUDIT_TIMEOUT_MS = 5_000;

const nodeIo: AuditIo = {
  mkdir: (path) => mkdir(path),
  appendFile: (path, data) => appendFile(path, data, { encoding: 'utf8', mode: 0o600 }),
  async lastByte(path) {
    let handle;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    try {
      const { size } = await handle.stat();
      if (size === 0) return undefined;
      const { buffer } = await handle.read(Buffer.alloc(1), 0, 1, size - 1);
      return buffer[0];
    } finally {
      await handle.close();
    }
  },
};

/**
 * Creates `dir` and its missing parents one level at a time. Not `mkdir({ recursive: true })`: on a file
 * system that refuses new directories with ENOENT although the parent exists (/proc, /sys), Node's
 * recursive mkdir retries for ever. Here each level is tried at most twice.
 */
async function ensureDir(io: AuditIo, dir: string): Promise<void> {
  try {
    await io.mkdir(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    const parent = dirname(dir);
    if (code !== 'ENOENT' || parent === dir) throw error;
    await ensureDir(io, parent);
    try {
      await io.mkdir(dir);
    } catch (again) {
      if ((again as NodeJS.ErrnoException).code !== 'EEXIST') throw again;
    }
  }
}

class AuditTimeoutError extends Error {
  override readonly name = 'AuditTimeoutError';
}

/** Settles with `work`, or rejects once `ms` have passed; the timer never keeps the process alive. */
function within<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new AuditTimeoutError(`${what} did not finish in ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}

const MIN_SECRET_LENGTH = 8;

export function scrubSecrets(line: string, secrets: readonly string[]): string {
  let out = line;
  for (const secret of secrets) {
    if (secret.length >= MIN_SECRET_LENGTH && out.includes(secret)) out = out.split(secret).join('[redacted]');
  }
  return out;
}

/** One file's appender: the lines waiting for it and its one write-behind, shared by every log on the file. */
interface Appender {
  /** A line, or what formats it when its batch is written. */
  push(line: string | (() => string)): Promise<void>;
  flush(): Promise<void>;
  readonly stalled: boolean;
}

/** A queued line as written: formatted now when it was queued as a function; one that fails to is left out. */
function formatted(line: string | (() => string)): string {
  if (typeof line === 'string') return line;
  try {
    return line();
  } catch (error) {
    process.stderr.write(`mcp-sampling: warning: an audit line could not be formatted: ${(error as Error).message}\n`);
    return '';
  }
}

function createAppender(path: string, io: AuditIo, timeoutMs: number): Appender {
  /** The directory exists, and whether the file's last line lacks its newline (a run cut short). */
  let ready: Promise<{ newline: boolean }> | undefined;
  /** Set once an operation did not return in time: nothing more is written (it would wait as long). */
  let stalled = false;
  /** Lines waiting for the next append. */
  let buffered: (string | (() => string))[] = [];
  const openFile = async () => {
    await ensureDir(io, dirname(path));
    const last = await io.lastByte(path);
    return { newline: last !== undefined && last !== 0x0a };
  };
  // One append at a time (lines never interleave), taking every line queued until it runs.
  const writer = createWriteBehind(async () => {
    if (buffered.length === 0 || stalled) return;
    const lines = buffered;
    buffered = [];
    try {
      ready ??= within(openFile(), timeoutMs, 'creating its directory');
      const { newline } = await ready;
      // Start on a new line after a truncated last line, so that the first record stays readable.
      const data = (newline ? '\n' : '') + lines.map(formatted).join('');
      await within(io.appendFile(path, data), timeoutMs, 'appending to it');
      if (newline) ready = Promise.resolve({ newline: false });
    } catch (error) {
      if (error instanceof AuditTimeoutError) {
        stalled = true;
        buffered = [];
      } else {
        // A later batch tries again (the directory may appear meanwhile).
        ready = undefined;
      }
      // A failed write never breaks a request: it is said once per batch on stderr (once in all if stalled).
      process.stderr.write(
        `mcp-sampling: warning: cannot write the audit log ${path}: ${(error as Error).message}` +
          (stalled ? '; audit lines of this run are not written' : '') +
          '\n',
      );
    }
  });
  return {
    get stalled() {
      return stalled;
    },
    push(line) {
      if (stalled) return Promise.resolve();
      buffered.push(line);
      return writer.schedule();
    },
    flush: () => writer.flush(),
  };
}

/**
 * The process's appenders on the real disk, by absolute path: every audit log of this process that writes
 * to one file (a host with one runtime per connection has many) shares one buffer and one write-behind, so
 * a batch holds the lines of all of them instead of one each. Bounded: past MAX_SHARED_APPENDERS files the
 * oldest entry is forgotten (its pending lines are still written; a later log on it gets a new appender).
 */
const sharedAppenders = new Map<string, Appender>();
const MAX_SHARED_APPENDERS = 64;

function sharedAppender(path: string, timeoutMs: number): Appender {
  const key = resolve(path);
  let appender = sharedAppenders.get(key);
  if (appender === undefined) {
    appender = createAppender(path, nodeIo, timeoutMs);
    if (sharedAppenders.size >= MAX_SHARED_APPENDERS) sharedAppenders.delete(sharedAppenders.keys().next().value!);
    sharedAppenders.set(key, appender);
  }
  return appender;
}

export function createAuditLog(options: AuditLogOptions): AuditLog {
  const timeoutMs = options.timeoutMs ?? AUDIT_TIMEOUT_MS;
  // Injected file operations (tests) get an appender of their own; the real disk's are process-wide.
  let appender: Appender | undefined;
  const appenderOf = () =>
    (appender ??=
      options.io !== undefined
        ? createAppender(options.path, options.io, timeoutMs)
        : sharedAppender(options.path, timeoutMs));

  return {
    includeText: options.includeText,
    get stalled() {
      return appender?.stalled ?? false;
    },
    write(record) {
      if (!options.enabled) return Promise.resolve();
      const target = appenderOf();
      if (target.stalled) return Promise.resolve();
      const secrets = options.secrets ?? [];
      const line = (value: AuditRecord) => scrubSecrets(JSON.stringify(value), secrets) + '\n';
      return target.push(typeof record === 'function' ? () => line(record()) : line(record));
    },
    flush: () => appender?.flush() ?? Promise.resolve(),
  };
}

/** Reads the audit log; malformed lines are skipped and counted. */
export async function readAuditLog(path: string): Promise<{ records: AuditRecord[]; skipped: number }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], skipped: 0 };
    throw new Error(`cannot read the audit log ${path}: ${(error as Error).message}`, { cause: error });
  }
  const records: AuditRecord[] = [];
  let skipped = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      records.push(JSON.parse(line) as AuditRecord);
    } catch {
      skipped++;
    }
  }
  return { records, skipped };
}
