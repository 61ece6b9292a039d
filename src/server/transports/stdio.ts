/**
 * The Document Assistant on stdio (`mcp-sampling serve`): `serveStdio` (serve-stdio.ts) with the
 * assistant's factory, whose file rule is the client's roots (the client spawned this process on its own
 * machine). stdout is the protocol; logs go to stderr.
 */
import {
  createDocumentAssistant,
  SERVER_NAME,
  SERVER_VERSION,
  type DocumentAssistantOptions,
} from '../create-server.js';
import { clientRootsAccess } from '../documents/file-access.js';
import { createStderrLog } from '../log.js';
import { serveStdio, type ServeStdioOptions } from './serve-stdio.js';

export {
  createStdioServerTransport,
  serveStdio,
  STDIO_MAX_MESSAGE_BYTES,
  type ServeStdioOptions,
  type StdioServerHandle,
} from './serve-stdio.js';

/** Options of the Document Assistant on stdio; which files it reads is not among them (the client's roots). */
export type StdioServeOptions = Omit<DocumentAssistantOptions, 'fileAccess'>;

/** Where the server reads and writes (the Document Assistant's name for `ServeStdioOptions`). */
export type StdioServerIo = Pick<ServeStdioOptions, 'stdin' | 'stdout' | 'maxMessageBytes' | 'log'>;

/**
 * The Document Assistant on stdio (`mcp-sampling serve`): serves until stdin ends, a signal arrives, or the
 * client sends a message larger than the limit (then the error is logged in one line and the connection
 * closes: the client sees its calls fail instead of waiting for answers that cannot come).
 */
export async function runStdioServer(options: StdioServeOptions = {}, io: StdioServerIo = {}): Promise<void> {
  const log = io.log ?? createStderrLog();
  // The client spawned this process on its own machine: its roots describe this disk, and are the rule.
  const factory = createDocumentAssistant({ ...options, fileAccess: clientRootsAccess() });
  const served = serveStdio(factory, { ...io, log });
  log.info(`${SERVER_NAME} ${SERVER_VERSION} on stdio (pid ${process.pid}); sampling only, no model, no key`);
  await served.closed;
}
