/**
 * The Document Assistant over Streamable HTTP (`mcp-sampling serve --http`): `serveHttp` (http-server.ts)
 * with the assistant's factory, whose file-access rule (`--allow-dir`) is decided before it is built, and
 * the process's life around it (start-up lines, SIGTERM/SIGINT drain, exit).
 */
import {
  createDocumentAssistant,
  SERVER_NAME,
  SERVER_VERSION,
  type DocumentAssistantOptions,
} from '../../create-server.js';
import { allowedDirectoriesAccess, checkAllowedDirectories } from '../../documents/file-access.js';
import { createStderrLog } from '../../log.js';
import { serveHttp, type HttpServerHandle, type ServeHttpOptions } from './http-server.js';

export {
  DEFAULT_DISCONNECT_GRACE_MS,
  DEFAULT_DRAIN_MS,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_SESSIONS,
  DEFAULT_SESSION_IDLE_MS,
  HEALTH_PATH,
  MCP_PATH,
  serveHttp,
  type HttpServerHandle,
  type HttpServerStats,
  type ServeHttpOptions,
} from './http-server.js';

/** Options of the Document Assistant over HTTP. Which files it reads follows from `allowDirs` alone, never from a client. */
export interface HttpServeOptions extends Omit<DocumentAssistantOptions, 'fileAccess'>, ServeHttpOptions {
  /**
   * The only directories whose files a tool may read (`--allow-dir`); each must exist. A client's roots
   * may narrow them, never widen them. None (the default): no file is read over HTTP.
   */
  allowDirs?: readonly string[] | undefined;
}

/** The Document Assistant over HTTP: a `serveHttp` handle, and the directories it reads files from. */
export interface RunningHttpServer extends HttpServerHandle {
  /** The real paths of the directories files may be read from (empty: none). */
  readonly allowDirs: readonly string[];
}

/**
 * The Document Assistant over HTTP, started; resolves once it listens. Its file rule comes from
 * `allowDirs` (checked here: each must be a directory) before the factory is built. No signal handlers
 * unless `signals: true`.
 */
export async function startHttpServer(options: HttpServeOptions = {}): Promise<RunningHttpServer> {
  // A remote client's roots describe its own disk: only the operator's directories open this one.
  const allowDirs = await checkAllowedDirectories(options.allowDirs ?? []);
  const factory = createDocumentAssistant({ ...options, fileAccess: allowedDirectoriesAccess(allowDirs) });
  const running = await serveHttp(factory, {
    ...options,
    log: options.log ?? createStderrLog(),
    signals: options.signals ?? false,
    name: SERVER_NAME,
    version: SERVER_VERSION,
  });
  return { ...running, allowDirs };
}

export type RunHttpOptions = HttpServeOptions;

/** `mcp-sampling serve --http`: runs until SIGTERM/SIGINT, drains, exits 0. */
export async function runHttpServer(options: RunHttpOptions = {}): Promise<void> {
  const log = options.log ?? createStderrLog();
  const authToken = options.authToken ?? process.env.MCP_SAMPLING_HTTP_TOKEN;
  const running = await startHttpServer({
    ...options,
    log,
    authToken: authToken === '' ? undefined : authToken,
    signals: true,
  });
  // Before the line that names the URL, which scripts wait for: by then the file rule is known.
  log.info(
    running.allowDirs.length === 0
      ? 'files: none (path is refused; start with --allow-dir <dir> to serve files from a directory)'
      : `files: only inside ${running.allowDirs.join(', ')} (and a client's roots, when it declares any)`,
  );
  log.info(
    `${SERVER_NAME} ${SERVER_VERSION} on ${running.url} (pid ${process.pid}); both eras; ` +
      `${authToken ? 'bearer token required' : 'no token'}; sampling only, no model, no key`,
  );
  await running.closed;
}
