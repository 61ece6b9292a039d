/**
 * The exit code of a command whose tool call returned `isError`. Its own module (not output.ts) because it
 * reads our server's error kind through the shared contract's zod schemas: only the commands that call a
 * tool load it, so `--version`, `--help` and usage errors do not pay for zod.
 */
import { toolErrorKind } from '../shared/contract.js';
import { EXIT_BAD_INPUT } from './output.js';

/**
 * The exit code for an `isError` tool result: 2 when the input was at fault (our server says so in
 * `_meta`; the MCP SDK starts its refusal of arguments that fail the tool's schema with "Input validation
 * error"), 1 for a job that failed.
 */
export function toolErrorExitCode(result: { _meta?: Record<string, unknown> | undefined }, text: string): number {
  if (toolErrorKind(result._meta) === 'invalid-input') return EXIT_BAD_INPUT;
  return /^Input validation error\b/.test(text) ? EXIT_BAD_INPUT : 1;
}
