/**
 * How the CLI talks to a person (a readable flow on stdout) or to a program (`--json`: exactly one JSON
 * object on stdout). Details appear only with `--verbose`; in JSON mode they go to stderr. Also the exit
 * codes, and `fail`: how a command reports the error that ended it.
 */
import type { Writable } from 'node:stream';

import { rewriteIssueDump } from '../shared/issue-lines.js';

export class CliError extends Error {
  override readonly name = 'CliError';
  /** True when the failure was already printed as the JSON result. */
  readonly reported: boolean;
  readonly exitCode: number;
  constructor(message: string, options: { cause?: unknown; reported?: boolean; exitCode?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.reported = options.reported ?? false;
    this.exitCode = options.exitCode ?? 1;
  }
}

/** Exit codes: 0 success, 1 the job failed, 2 bad input (arguments, file, config). */
export const EXIT_FAILURE = 1;
export const EXIT_BAD_INPUT = 2;

/** An error's message for a person: a JSON dump of schema issues (from the SDK) becomes one line per problem. */
export function errorText(error: unknown): string {
  return rewriteIssueDump(error instanceof Error ? error.message : String(error));
}

/** Reports the error that ended a command (one line, or the JSON result) and sets the exit code. */
export function fail(error: unknown, options: { json: boolean; verbose: boolean }): void {
  const message = errorText(error);
  const reported = error instanceof CliError && error.reported;
  if (options.json && !reported) process.stdout.write(`${JSON.stringify({ ok: false, error: message })}\n`);
  if (!options.json) process.stderr.write(`mcp-sampling: error: ${message}\n`);
  if (options.verbose && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  // By name, not instanceof: this module is loaded by every command (--version included) and must not pull in
  // the modules that define them.
  const badInput =
    error instanceof Error &&
    (error.name === 'DocumentReadError' || error.name === 'ConfigError' || error.name === 'UsageError');
  process.exitCode = badInput ? EXIT_BAD_INPUT : error instanceof CliError ? error.exitCode : EXIT_FAILURE;
}

export interface Output {
  readonly json: boolean;
  readonly verbose: boolean;
  /** One step of the flow. */
  step(label: string, text: string): void;
  /** Extra detail, shown with --verbose. */
  detail(text: string): void;
  /** The main text result (the summary). */
  summary(text: string): void;
  /** The machine-readable result (printed in JSON mode only). */
  result(value: Record<string, unknown>): void;
}

const LABEL_WIDTH = 9;

export function createOutput(
  options: { json: boolean; verbose: boolean },
  stdout: Writable = process.stdout,
  stderr: Writable = process.stderr,
): Output {
  const { json, verbose } = options;
  return {
    json,
    verbose,
    step(label, text) {
      if (!json) stdout.write(`• ${label.padEnd(LABEL_WIDTH)} ${text}\n`);
    },
    detail(text) {
      if (!verbose) return;
      if (json) stderr.write(`${text}\n`);
      else stdout.write(`  ${' '.repeat(LABEL_WIDTH)} ${text}\n`);
    },
    summary(text) {
      if (!json) stdout.write(`\n${text}\n\n`);
    },
    result(value) {
      if (json) stdout.write(`${JSON.stringify(value)}\n`);
    },
  };
}
