/**
 * Runs the Document Assistant on stdio (both protocol eras). stdout is the protocol; logs go to stderr.
 */
import { serveStdio, StdioServerTransport } from '@modelcontextprotocol/server/stdio';

import {
  createDocumentAssistant,
  SERVER_NAME,
  SERVER_VERSION,
  type DocumentAssistantOptions,
} from './create-server.js';
import { clientRootsAccess } from './documents/file-access.js';
import { createStderrLog } from './log.js';

/** The largest JSON-RPC message accepted on stdio. */
export const STDIO_MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

/** Options of the stdio server; which files it reads is not among them (see below). */
export type StdioServeOptions = Omit<DocumentAssistantOptions, 'fileAccess'>;

export async function runStdioServer(options: StdioServeOptions = {}): Promise<void> {
  const log = createStderrLog();
  // The client spawned this process on its own machine: its roots describe this disk, and are the rule.
  const factory = createDocumentAssistant({ ...options, fileAccess: clientRootsAccess() });
  const handle = serveStdio(factory, {
    // 2026-era rounds of a long document carry up to 64 chunk requests plus the signed answers so far:
    // more than the SDK's 10 MB default line buffer for documents of a few hundred MB.
    transport: new StdioServerTransport(process.stdin, process.stdout, { maxBufferSize: STDIO_MAX_MESSAGE_BYTES }),
    onerror: (error) => log.error(error.message),
  });
  log.info(`${SERVER_NAME} ${SERVER_VERSION} on stdio (pid ${process.pid}); sampling only, no model, no key`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      void handle.close().finally(resolve);
    };
    process.stdin.once('end', stop);
    process.stdin.once('close', stop);
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}
