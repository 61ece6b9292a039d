/**
 * Finds, reads and validates the client's configuration. Where it comes from, in order: `--config <file>`,
 * `MCP_SAMPLING_CONFIG`, `./mcp-sampling.config.json`; with none of them, the defaults (everything works
 * with no file). An invalid file is one error line naming the file, the field's path and what was expected.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

import { formatProblems, issueLine } from '../shared/issue-lines.js';
import { ConfigSchema, type Config } from './schema.js';

export const CONFIG_FILE_NAME = 'mcp-sampling.config.json';

/**
 * An invalid configuration: the message names the file (or the option) and each bad field on a line of its own.
 *
 * @example
 * ```ts
 * try { loadConfig('./bad.json'); } catch (error) { if (error instanceof ConfigError) console.error(error.message); }
 * ```
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export interface LoadedConfig {
  config: Config;
  /** The file it came from, or undefined for the built-in defaults. */
  file: string | undefined;
  /** Where daily budgets and the audit log live (resolved defaults). */
  statePath: string;
  auditPath: string;
}

export interface LoadConfigOptions {
  /** `--config <file>`: must exist. */
  explicit?: string | undefined;
  env?: Readonly<Record<string, string | undefined>>;
  cwd?: string;
  home?: string;
}

/**
 * Validates a parsed JSON value; the error names the file, then every bad field (its path, as in
 * `servers.foo.rateLimit.requestsPerMinute`) and what was expected, one line per problem.
 */
export function parseConfig(value: unknown, file: string): Config {
  const result = ConfigSchema.safeParse(value);
  if (!result.success) {
    throw new ConfigError(formatProblems(`invalid config ${file}`, result.error.issues.map(issueLine)));
  }
  return result.data;
}

function readConfigFile(file: string): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(
      code === 'ENOENT'
        ? `config file ${file} does not exist`
        : `cannot read config ${file}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  let json: unknown;
  try {
    // Editors on Windows save UTF-8 with a byte order mark; JSON.parse would refuse it as a stray character.
    json = JSON.parse(text.startsWith('\ufeff') ? text.slice(1) : text);
  } catch (error) {
    // The parser's message may quote the file's text, line breaks included: keep the error on one line.
    const reason = (error as Error).message.replace(/\s+/g, ' ').slice(0, 200);
    throw new ConfigError(`invalid config ${file}: not valid JSON (${reason})`, { cause: error });
  }
  return parseConfig(json, file);
}

export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const home = options.home ?? homedir();
  const named = options.explicit ?? env['MCP_SAMPLING_CONFIG'];
  let file: string | undefined;
  let config: Config;
  if (named !== undefined && named !== '') {
    file = resolve(cwd, named);
    config = readConfigFile(file);
  } else {
    const local = join(cwd, CONFIG_FILE_NAME);
    file = existsSync(local) ? local : undefined;
    config = file === undefined ? ConfigSchema.parse({}) : readConfigFile(file);
  }
  return { config, file, ...dataPaths(config, { cwd, home }) };
}

/**
 * The client's own directory, `~/.mcp-sampling`: budget state, the audit log, OAuth tokens (`oauth/`), the
 * dashboard's token and discovery file (`mcp-sampling ui`). Tests give HOME a temporary directory.
 */
export function dataDirectory(home: string = homedir()): string {
  return join(home, '.mcp-sampling');
}

/**
 * Where daily budgets and the audit log live for `config`: its `statePath` and `audit.path` (relative to
 * the working directory; `~/` means the home directory), else `~/.mcp-sampling/state.json` and
 * `~/.mcp-sampling/audit.jsonl`, which `mcp-sampling log` and `budget` read.
 */
export function dataPaths(
  config: Pick<Config, 'statePath' | 'audit'>,
  options: { cwd?: string; home?: string } = {},
): { statePath: string; auditPath: string } {
  const cwd = options.cwd ?? process.cwd();
  const home = options.home ?? homedir();
  const dir = dataDirectory(home);
  const place = (path: string) => (path.startsWith('~/') ? join(home, path.slice(2)) : resolve(cwd, path));
  return {
    statePath: config.statePath !== undefined ? place(config.statePath) : join(dir, 'state.json'),
    auditPath: config.audit.path !== undefined ? place(config.audit.path) : join(dir, 'audit.jsonl'),
  };
}
