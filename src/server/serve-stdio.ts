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
import { guardTransport, screenStdioLines } from './guard-inbound.js';
import { createStderrLog } from './log.js';

/** The largest JSON-RPC message accepted on stdio. */
export const STDIO_MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

export async function runStdioServer(options: DocumentAssistantOptions = {}): Promise<void> {
  const log = createStderrLog();
  const factory = createDocumentAssistant(options);
  const handle = serveStdio(factory, {
    // 2026-era rounds of a long document carry up to 64 chunk requests plus the signed answers so far:
    // more than the SDK's 10 MB default line buffer for documents of a few hundred MB.
    transport: guardTransport(
      new StdioServerTransport(process.stdin.pipe(screenStdioLines()), process.stdout, {
        maxBufferSize: STDIO_MAX_MESSAGE_BYTES,
      }),
    ),
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
