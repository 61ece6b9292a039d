/**
 * Runs the Document Assistant on stdio (both protocol eras). stdout is the protocol; logs go to stderr.
 */
import { serveStdio, StdioServerTransport } from '@modelcontextprotocol/server/stdio';
import type { Readable, Writable } from 'node:stream';

import { LineReadBuffer, useLineFraming } from '../../shared/stdio-framing.js';
import {
  createDocumentAssistant,
  SERVER_NAME,
  SERVER_VERSION,
  type DocumentAssistantOptions,
} from '../create-server.js';
import { clientRootsAccess } from '../documents/file-access.js';
import { guardTransport, parseStdioLine } from '../sampling/guard-inbound.js';
import { createStderrLog, type ServerLog } from '../log.js';

/**
 * The largest JSON-RPC message accepted on stdio. 2026-era rounds of a long document carry up to 64 chunk
 * requests plus the signed answers so far: more than the SDK's 10 MB default for documents of a few
 * hundred MB.
 */
export const STDIO_MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

/** Options of the stdio server; which files it reads is not among them (see below). */
export type StdioServeOptions = Omit<DocumentAssistantOptions, 'fileAccess'>;

/** Where the server reads and writes; the defaults are the process's own streams. For tests and embedding. */
export interface StdioServerIo {
  stdin?: Readable;
  stdout?: Writable;
  maxMessageBytes?: number;
  log?: ServerLog;
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
  return guardTransport(transport);
}

/**
 * Serves until stdin ends, a signal arrives, or the client sends a message larger than the limit (then
 * the error is logged in one line and the connection closes: the client sees its calls fail instead of
 * waiting for answers that cannot come).
 */
export async function runStdioServer(options: StdioServeOptions = {}, io: StdioServerIo = {}): Promise<void> {
  const log = io.log ?? createStderrLog();
  const stdin = io.stdin ?? process.stdin;
  // The client spawned this process on its own machine: its roots describe this disk, and are the rule.
  const factory = createDocumentAssistant({ ...options, fileAccess: clientRootsAccess() });
  let stop = () => {};
  const maxMessageBytes = io.maxMessageBytes ?? STDIO_MAX_MESSAGE_BYTES;
  const transport = createStdioServerTransport(stdin, io.stdout ?? process.stdout, maxMessageBytes, () => stop());
  const handle = serveStdio(factory, { transport, onerror: (error) => log.error(error.message) });
  log.info(`${SERVER_NAME} ${SERVER_VERSION} on stdio (pid ${process.pid}); sampling only, no model, no key`);
  await new Promise<void>((resolve) => {
    stop = () => {
      void handle.close().finally(resolve);
    };
    stdin.once('end', stop);
    stdin.once('close', stop);
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  process.off('SIGTERM', stop);
  process.off('SIGINT', stop);
}
