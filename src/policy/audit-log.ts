/**
 * The audit log: one JSON line per sampling request, appended to a local file. It says who asked, what
 * was asked (a summary of the params), which model answered and why, what the human decided, how long it
 * took, how many tokens and dollars it cost, and how it ended. Prompt and completion text only when the
 * config turns it on. Known secret values are scrubbed from every line before it is written.
 */
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

import { createWriteBehind } from './write-behind.js';

export type AuditOutcome =
  'ok' | 'denied' | 'rejected' | 'error' | 'no-model' | 'rate-limited' | 'budget' | 'limits' | 'cancelled';

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
   * so a busy client appends a few times a second rather than once per request.
   */
  write(record: AuditRecord): Promise<void>;
  /** Settles when every line queued so far is written. */
  flush(): Promise<void>;
}

export interface AuditLogOptions {
  path: string;
  enabled: boolean;
  includeText: boolean;
  /** Values that must never be written (API keys from the client's environment). */
  secrets?: readonly string[];
}

const MIN_SECRET_LENGTH = 8;

export function scrubSecrets(line: string, secrets: readonly string[]): string {
  let out = line;
  for (const secret of secrets) {
    if (secret.length >= MIN_SECRET_LENGTH && out.includes(secret)) out = out.split(secret).join('[redacted]');
  }
  return out;
}

export function createAuditLog(options: AuditLogOptions): AuditLog {
  let ready: Promise<unknown> | undefined;
  /** Lines waiting for the next append. */
  let buffered: string[] = [];
  // One append at a time (lines never interleave), taking every line queued until it runs.
  const writer = createWriteBehind(async () => {
    if (buffered.length === 0) return;
    const lines = buffered;
    buffered = [];
    ready ??= mkdir(dirname(options.path), { recursive: true });
    try {
      await ready;
      await appendFile(options.path, lines.join(''), { encoding: 'utf8', mode: 0o600 });
    } catch (error) {
      // A failed write never breaks a request: it is said once per batch on stderr.
      process.stderr.write(
        `mcp-sampling: warning: cannot write the audit log ${options.path}: ${(error as Error).message}\n`,
      );
    }
  });

  return {
    includeText: options.includeText,
    write(record) {
      if (!options.enabled) return Promise.resolve();
      buffered.push(scrubSecrets(JSON.stringify(record), options.secrets ?? []) + '\n');
      return writer.schedule();
    },
    flush: () => writer.flush(),
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
