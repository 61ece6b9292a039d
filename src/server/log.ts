/**
 * Server-side logging. On stdio, stdout carries the protocol, so every line goes to stderr.
 * `MCP_SAMPLING_QUIET=1` silences informational lines (errors are always written).
 */
/**
 * Where a server entry point (`serveStdio`, `serveHttp`) writes its lines: never stdout, which is the stdio
 * protocol.
 *
 * @example
 * ```ts
 * const log: ServerLog = { info: () => {}, error: (message) => process.stderr.write(`${message}\n`) };
 * ```
 */
export interface ServerLog {
  info(message: string): void;
  error(message: string): void;
  /** Detail for tests and embedding code; the stderr log leaves it out. */
  debug?(message: string): void;
}

export function createStderrLog(prefix = 'mcp-sampling serve'): ServerLog {
  const quiet = process.env['MCP_SAMPLING_QUIET'] === '1';
  return {
    info: (message) => {
      if (!quiet) process.stderr.write(`[${prefix}] ${message}\n`);
    },
    error: (message) => {
      process.stderr.write(`[${prefix}] error: ${message}\n`);
    },
  };
}
