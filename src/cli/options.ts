/**
 * The command-line options and value parsers the subcommands share, each defined once. A factory per
 * option (commander's `Option` objects belong to one command), with the description as a parameter where
 * commands word it differently.
 */
import { InvalidArgumentError, Option } from 'commander';

import { CONTEXT_TOKENS_MAX, CONTEXT_TOKENS_MIN, CONTEXT_TOKENS_RANGE } from '../shared/context-tokens.js';
import { ERA_MODES } from '../shared/era.js';

/** Digits only: `Number()` would also take `1e3`, `0x10` and ` 12 `. */
function parseInteger(value: string, min: number, max: number, range: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new InvalidArgumentError(`expected ${range}`);
  return n;
}

export function parsePositiveInt(value: string): number {
  return parseInteger(value, 1, Number.MAX_SAFE_INTEGER, 'a positive integer');
}

export function parseNonNegativeInt(value: string): number {
  return parseInteger(value, 0, Number.MAX_SAFE_INTEGER, 'a non-negative integer');
}

export function parsePort(value: string): number {
  return parseInteger(value, 0, 65_535, 'a port from 0 to 65535 (0: any free port)');
}

/** For repeatable options: each occurrence adds one value. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function parseContextTokens(value: string): number {
  return parseInteger(value, CONTEXT_TOKENS_MIN, CONTEXT_TOKENS_MAX, CONTEXT_TOKENS_RANGE);
}

/** `--era`: every client command. */
export const eraOption = () =>
  new Option('--era <mode>', 'protocol era: legacy (2025-11-25), modern (2026-07-28) or auto')
    .choices(ERA_MODES)
    .default('auto');

/** `--config`: every command that reads the client configuration; `config`, `budget` and `log` say why. */
export const configOption = (
  description = 'client configuration file (default: ./mcp-sampling.config.json or MCP_SAMPLING_CONFIG)',
) => new Option('--config <file>', description);

/** `--json`: one JSON object on stdout instead of the readable flow. */
export const jsonOption = (description = 'print one machine-readable JSON object') =>
  new Option('--json', description).default(false);

export const verboseOption = () =>
  new Option('--verbose', 'show why each model was chosen, the server log, and stack traces').default(false);

/** `--lossy`: `summarize` and `ask`. */
export const lossyOption = () =>
  new Option('--lossy', 'replace invalid UTF-8 with U+FFFD (and count it) instead of refusing the file').default(false);

/** `--server <url>` of `summarize` and `ask` (`call` has its own wording). */
export const documentServerOption = () =>
  new Option('--server <url>', 'use the Document Assistant at this Streamable HTTP URL instead of spawning one');

/** `--server <url>` of `call` and `bridge`: any Streamable HTTP server, instead of a command after `--`. */
export const serverUrlOption = () =>
  new Option('--server <url>', 'a Streamable HTTP server (bearer token: MCP_SAMPLING_SERVER_TOKEN)');

/** `--root <dir>` of `call` and `bridge`: repeatable, each one declared to the server as an MCP root. */
export const rootOption = () =>
  new Option('--root <dir>', 'a directory the server may read (declared as an MCP root; repeatable)').argParser(
    collect,
  );

/** `--context-tokens`: `summarize` (what to size chunks for) and `serve` (what to split for). */
export const contextTokensOption = (what: string) =>
  new Option(
    '--context-tokens <n>',
    `${what}, ${CONTEXT_TOKENS_MIN}–${CONTEXT_TOKENS_MAX.toLocaleString('en-US')} (default 8192)`,
  ).argParser(parseContextTokens);
