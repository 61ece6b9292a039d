/**
 * MCP over stdio, both protocol eras: `serveStdio(factory)` serves any server factory through our linear
 * line framing and the inbound guard (the Document Assistant's `serve` is one caller, in stdio.ts). stdout
 * is the protocol; logs go to stderr.
 */
import { serveStdio as sdkServeStdio, StdioServerTransport } from '@modelcontextprotocol/server/stdio';
import type { McpServer } from '@modelcontextprotocol/server';
import type { Readable, Writable } from 'node:stream';

import { coalesceWrites } from '../../shared/coalesce-writes.js';
import { LineReadBuffer, useLineFraming } from '../../shared/stdio-framing.js';
import { guardTransport, parseStdioLine } from '../sampling/guard-inbound.js';
import { createStderrLog, type ServerLog } from '../log.js';
import { checkedFactory } from './check-serve-options.js';

/**
 * The largest JSON-RPC message accepted on stdio. 2026-era rounds of a long document carry up to 64 chunk
 * requests plus the signed answers so far: more than the SDK's 10 MB default for documents of a few
 * hundred MB.
 */
export const STDIO_MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

/**
 * Options of `serveStdio`. All optional: the defaults serve the process's own stdin and stdout.
 *
 * @example
 * ```ts
 * serveStdio(factory, { maxMessageBytes: 16 * 1024 * 1024, log: { info: () => {}, error: (m) => console.error(m) } });
 * ```
 */
export interface ServeStdioOptions {
  /** Where client messages come from. Default `process.stdin`. */
  stdin?: Readable | undefined;
  /** Where the server's messages go. Default `process.stdout`. */
  stdout?: Writable | undefined;
  /**
   * Largest message accepted from the client, in bytes (default 256 MiB). A larger one closes the
   * connection with one logged line, so the client's calls fail instead of waiting.
   */
  maxMessageBytes?: number | undefined;
  /** Where errors (and nothing else) are written. Default: stderr, prefixed `[mcp-sampling]`. */
  log?: ServerLog | undefined;
  /** Close the connection on SIGTERM / SIGINT. Default true; the handlers are removed when it closes. */
  signals?: boolean | undefined;
}

/**
 * A connection served by `serveStdio`.
 *
 * @example
 * ```ts
 * const served = serveStdio(factory);
 * await served.closed; // stdin ended, a signal came, or close() was called
 * ```
 */
export interface StdioServerHandle {
  /**
   * Resolves when the connection has ended and the server is closed: stdin ended or closed, SIGTERM/SIGINT
   * (unless `signals: false`), a message over the limit, or `close()`. Never rejects.
   */
  readonly closed: Promise<void>;
  /** Closes the server and the transport; resolves with `closed`. Safe to call more than once. */
  close(): Promise<void>;
}

/**
 * The SDK's stdio server transport, reading through our linear framing (src/shared/stdio-framing.ts)
 * instead of the SDK's quadratic buffer. `onTooLarge` runs when the client sends a message over the limit.
 */
export function createStdioServerTransport(
  stdin: Readable,
  stdout: Writable,
  maxMessageBytes: number = STDIO_MAX_MESSAGE_BYTES,
  onTooLarge?: () => void,
): StdioServerTransport {
  const transport = new StdioServerTransport(stdin, stdout);
  const buffer = new LineReadBuffer({
    maxMessageBytes,
    from: 'the client',
    // A small response whose result is not an object is rewritten as its error response before the SDK's
    // schema would drop it (and leave the request it answers waiting): see guard-inbound.ts.
    parse: parseStdioLine,
    ...(onTooLarge !== undefined && { onTooLarge }),
  });
  useLineFraming(transport, buffer);
  const writes = coalesceWrites(stdout);
  const send = transport.send.bind(transport);
  transport.send = (message) => {
    writes.beforeWrite();
    return send(message);
  };
  const close = transport.close.bind(transport);
  transport.close = () => {
    writes.flush();
    return close();
  };
  return guardTransport(transport);
}

function checkStdioOptions(options: unknown): ServeStdioOptions {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`serveStdio: options must be an object (got ${options === null ? 'null' : typeof options})`);
  }
  const { maxMessageBytes } = options as ServeStdioOptions;
  if (maxMessageBytes !== undefined && !(Number.isInteger(maxMessageBytes) && maxMessageBytes > 0)) {
    throw new RangeError(`serveStdio: maxMessageBytes must be a positive integer (got ${String(maxMessageBytes)})`);
  }
  return options as ServeStdioOptions;
}

/**
 * Serves the servers `factory` builds over stdio, on both eras (the SDK's stdio entry picks the era from
 * the client's opening and pins one server for the connection). Messages are read with a linear line
 * reader (bounded by `maxMessageBytes`), and two shapes the SDK would leave hanging are screened first (a
 * response whose result is not an object, wrong-shaped `inputResponses`). stdout is the protocol: log to
 * stderr only.
 *
 * Bad options (a factory that is not a function, a bad size) throw a TypeError or RangeError at once.
 *
 * @example
 * ```ts
 * import { createSamplingEngine, serveStdio } from 'mcp-sampling/server';
 *
 * const engine = createSamplingEngine();
 * const served = serveStdio(() => {
 *   const server = engine.createServer({ name: 'my-server', version: '1.0.0' });
 *   engine.registerTool(server, 'haiku', { inputSchema }, body);
 *   return server;
 * });
 * await served.closed;
 * ```
 */
export function serveStdio(factory: () => McpServer, options: ServeStdioOptions = {}): StdioServerHandle {
  const build = checkedFactory('serveStdio', factory);
  const { stdin = process.stdin, stdout = process.stdout, signals = true } = checkStdioOptions(options);
  const log = options.log ?? createStderrLog('mcp-sampling');
  let stop = () => {};
  const transport = createStdioServerTransport(stdin, stdout, options.maxMessageBytes, () => stop());
  const handle = sdkServeStdio(build, { transport, onerror: (error) => log.error(error.message) });
  let closing: Promise<void> | undefined;
  let ended!: () => void;
  const closed = new Promise<void>((resolve) => (ended = resolve));
  const close = (): Promise<void> => {
    closing ??= (async () => {
      stdin.off('end', stop);
      stdin.off('close', stop);
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      await handle.close().catch((error: unknown) => log.error((error as Error).message));
      ended();
    })();
    return closing;
  };
  stop = () => void close();
  stdin.once('end', stop);
  stdin.once('close', stop);
  if (signals) {
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  }
  return { closed, close };
}
