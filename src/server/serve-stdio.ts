/**
 * Runs the Document Assistant on stdio (both protocol eras). stdout is the protocol; logs go to stderr.
 */
import { serveStdio } from '@modelcontextprotocol/server/stdio';

import {
  createDocumentAssistant,
  SERVER_NAME,
  SERVER_VERSION,
  type DocumentAssistantOptions,
} from './create-server.js';
import { createStderrLog } from './log.js';

export async function runStdioServer(options: DocumentAssistantOptions = {}): Promise<void> {
  const log = createStderrLog();
  const factory = createDocumentAssistant(options);
  const handle = serveStdio(factory, { onerror: (error) => log.error(error.message) });
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
