/**
 * Streamable HTTP for the Document Assistant (`mcp-sampling serve --http`), both protocol eras on one
 * endpoint, `/mcp`:
 *
 * - **2026-07-28 requests** go to the SDK's per-request handler (`createMcpHandler`, legacy rejected): no
 *   session, a fresh server per request, every round's state in the signed `requestState`. Instances
 *   that share `MCP_SAMPLING_STATE_KEY` can serve alternate rounds of one call behind a load balancer.
 * - **2025-era requests** get sessions (`Mcp-Session-Id`), because a pushed `sampling/createMessage`
 *   needs a live connection to travel on (see legacy-sessions.ts).
 *
 * In front of both: `Host` and `Origin` validation (localhost by default), an optional bearer token,
 * a body limit (413), JSON checks (415, parse error), `GET /healthz`, and a drain on shutdown.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server as NodeServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { hostHeaderValidation, originValidation, toNodeHandler } from '@modelcontextprotocol/node';
import { createMcpHandler, isJsonContentType, isJSONRPCRequest, isLegacyRequest } from '@modelcontextprotocol/server';

import {
  createDocumentAssistant,
  SERVER_NAME,
  SERVER_VERSION,
  type DocumentAssistantOptions,
} from '../../create-server.js';
import { allowedDirectoriesAccess, checkAllowedDirectories } from '../../documents/file-access.js';
import { screenInbound } from '../../sampling/guard-inbound.js';
import { createStderrLog, type ServerLog } from '../../log.js';
import { createLegacySessions, jsonRpcError } from './legacy-sessions.js';
import { readJsonBody } from './read-json-body.js';

export const MCP_PATH = '/mcp';
export const HEALTH_PATH = '/healthz';

/** Bodies above this are refused with 413. A 2026-era round of a long document re-sends its answers. */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;
/** A 2025-era session with no open request is closed after this long. */
export const DEFAULT_SESSION_IDLE_MS = 30 * 60_000;
export const DEFAULT_MAX_SESSIONS = 1000;
/** How long a shutdown waits for calls in flight before closing them. */
export const DEFAULT_DRAIN_MS = 30_000;
/** A 2025-era client whose call stream drops has this long to reconnect before the call is cancelled. */
export const DEFAULT_DISCONNECT_GRACE_MS = 10_000;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
/** Loopback host names as the Host and Origin checks compare them (IPv6 in brackets). */
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/** Options of the HTTP server. Which files it reads follows from `allowDirs` alone, never from a client. */
export interface HttpServeOptions extends Omit<DocumentAssistantOptions, 'fileAccess'> {
  /**
   * The only directories whose files a tool may read (`--allow-dir`); each must exist. A client's roots
   * may narrow them, never widen them. None (the default): no file is read over HTTP.
   */
  allowDirs?: readonly string[] | undefined;
  /** Interface to bind. Default 127.0.0.1. */
  host?: string | undefined;
  /** Port; 0 picks a free one. Default 3000. */
  port?: number | undefined;
  /**
   * Host names accepted in the `Host` header besides the loopback names, which are accepted when bound to
   * loopback (DNS-rebinding protection). Bound elsewhere with none given, validation is off (the start-up
   * log says so).
   */
  allowedHosts?: readonly string[] | undefined;
  /** Origin host names accepted from browsers besides loopback. Requests without Origin pass. */
  allowedOrigins?: readonly string[] | undefined;
  /** When set, every /mcp request must carry `Authorization: Bearer <token>`. */
  authToken?: string | undefined;
  maxBodyBytes?: number | undefined;
  sessionIdleMs?: number | undefined;
  disconnectGraceMs?: number | undefined;
  maxSessions?: number | undefined;
  log?: ServerLog | undefined;
}

export interface HttpServerStats {
  /** Open 2025-era sessions. */
  sessions: number;
  /** MCP requests being answered now (long-lived GET notification streams not counted). */
  inFlight: number;
  draining: boolean;
}

export interface RunningHttpServer {
  /** The endpoint, e.g. `http://127.0.0.1:3000/mcp`. */
  url: string;
  port: number;
  /** The real paths of the directories files may be read from (empty: none). */
  allowDirs: readonly string[];
  stats(): HttpServerStats;
  /**
   * Stops taking requests (new ones get 503), waits up to `drainMs` for those in flight, then closes
   * what is left (sessions, streams, connections). Resolves when everything is closed.
   */
  close(drainMs?: number): Promise<void>;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function sameToken(given: string, expected: string): boolean {
  // Compare digests, not the strings: equal lengths always, so the time taken says nothing of the
  // token's length either.
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/**
 * While draining, a 2025-era session may still finish what it started: answers to the server's own
 * requests (the sampling results a call in flight waits for), notifications such as cancellation, and
 * DELETE. A request that starts new work is refused.
 */
function finishesSessionWork(request: Request, body: unknown): boolean {
  if (request.headers.get('mcp-session-id') === null) return false;
  if (request.method === 'DELETE') return true;
  if (request.method !== 'POST') return false;
  return (Array.isArray(body) ? body : [body]).every((message) => !isJSONRPCRequest(message));
}

/**
 * A parsed body, screened (guard-inbound.ts): a result that is not an object, or wrong-shaped
 * inputResponses, would leave a request waiting. A batch's messages are screened one by one and never
 * refused as a whole.
 */
function screenBody(body: unknown): { deliver: unknown } | { reply: unknown } {
  if (Array.isArray(body)) {
    return {
      deliver: body.map((message: unknown) => {
        const screened = screenInbound(message);
        return 'deliver' in screened ? screened.deliver : message;
      }),
    };
  }
  if (body === undefined) return { deliver: body };
  return screenInbound(body);
}

/** Whether the request carries the bearer token; if not, it is answered 401 here. */
function checkBearer(req: IncomingMessage, res: ServerResponse, token: string): boolean {
  const header = req.headers.authorization ?? '';
  const match = /^Bearer\s+(.+)$/i.exec(header);
  if (match !== null && sameToken(match[1]!.trim(), token)) return true;
  sendJson(
    res,
    401,
    {
      jsonrpc: '2.0',
      error: { code: -32001, message: 'Unauthorized: a valid bearer token is required' },
      id: null,
    },
    { 'www-authenticate': 'Bearer realm="mcp-sampling"' },
  );
  return false;
}

function listen(server: NodeServer, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/**
 * Hands a request that passed the checks to the SDK's Node handler. A JSON post is read and parsed here
 * first, in bounded memory (read-json-body.ts), then handed on parsed.
 */
function passToMcp(
  req: IncomingMessage,
  res: ServerResponse,
  mcp: ReturnType<typeof toNodeHandler>,
  maxBodyBytes: number,
  log: ServerLog,
): void {
  const failed = (error: unknown) => {
    log.error(`http: ${(error as Error).message}`);
    if (!res.headersSent)
      sendJson(res, 500, { jsonrpc: '2.0', error: { code: -32603, message: 'Internal error' }, id: null });
    else res.destroy();
  };
  // Node's IncomingMessage types `method` as possibly undefined; a parsed request always has one.
  const nodeReq = req as IncomingMessage & { method: string; url: string };
  if (req.method !== 'POST' || !isJsonContentType(req.headers['content-type'] ?? null)) {
    mcp(nodeReq, res).catch(failed);
    return;
  }
  readJsonBody(req, maxBodyBytes)
    .then((body) => {
      if (body.ok) return mcp(nodeReq, res, body.value);
      const code = body.status === 413 ? -32000 : -32700;
      sendJson(
        res,
        body.status,
        { jsonrpc: '2.0', error: { code, message: body.message }, id: null },
        body.status === 413 ? { connection: 'close' } : {},
      );
    })
    .catch(failed);
}

/**
 * Starts the HTTP server and resolves once it listens. It stays one function (about 130 lines) because
 * its parts share the drain state (`draining`, `inFlight`, `idle`): the router refuses new work while
 * draining, the request handler counts calls in flight, and `close` waits for them.
 */
export async function startHttpServer(options: HttpServeOptions = {}): Promise<RunningHttpServer> {
  const log = options.log ?? createStderrLog();
  const host = options.host ?? '127.0.0.1';
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  // A remote client's roots describe its own disk: only the operator's directories open this one.
  const allowDirs = await checkAllowedDirectories(options.allowDirs ?? []);
  const factory = createDocumentAssistant({ ...options, fileAccess: allowedDirectoriesAccess(allowDirs) });
  const onerror = (error: Error) => log.debug?.(`http: ${error.message}`);

  const modern = createMcpHandler(factory, { legacy: 'reject', maxRequestBodySize: maxBodyBytes, onerror });
  const legacy = createLegacySessions(factory, {
    idleMs: options.sessionIdleMs ?? DEFAULT_SESSION_IDLE_MS,
    maxSessions: options.maxSessions ?? DEFAULT_MAX_SESSIONS,
    maxBodyBytes,
    disconnectGraceMs: options.disconnectGraceMs ?? DEFAULT_DISCONNECT_GRACE_MS,
    log,
  });

  let draining = false;

  /** The web-standard face: era routing after the body is read once (by `readJsonBody`, for JSON posts). */
  async function route(request: Request, extra?: { parsedBody?: unknown }): Promise<Response> {
    let body: unknown = extra?.parsedBody;
    // Every JSON POST arrives parsed (passToMcp reads it in bounded memory); one without a body here did not
    // say it was JSON.
    if (request.method === 'POST' && body === undefined) {
      return jsonRpcError(415, -32000, 'Unsupported Media Type: Content-Type must be application/json');
    }
    const screened = screenBody(body);
    if ('reply' in screened) return Response.json(screened.reply);
    body = screened.deliver;
    const isLegacy = await isLegacyRequest(request, body, { maxRequestBodySize: maxBodyBytes });
    if (draining && !(isLegacy && finishesSessionWork(request, body))) {
      return jsonRpcError(503, -32000, 'Server shutting down: send new requests to another instance', {
        connection: 'close',
        'retry-after': '1',
      });
    }
    if (isLegacy) return legacy.handle(request, body);
    return modern.fetch(request, body === undefined ? {} : { parsedBody: body });
  }
  const mcp = toNodeHandler({ fetch: route }, { maxRequestBodySize: maxBodyBytes, onerror });

  // Loopback names are always accepted on a loopback bind; --allowed-host / --allowed-origin add to them.
  const loopback = LOOPBACK_HOSTS.has(host);
  const hostNames = [...(loopback ? LOOPBACK_NAMES : []), ...(options.allowedHosts ?? [])];
  const checkHost = hostNames.length > 0 ? hostHeaderValidation(hostNames) : undefined;
  const checkOrigin = originValidation([...LOOPBACK_NAMES, ...(options.allowedOrigins ?? [])]);

  let inFlight = 0;
  let idle: (() => void) | undefined;

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === HEALTH_PATH && (req.method === 'GET' || req.method === 'HEAD')) {
      sendJson(res, draining ? 503 : 200, {
        status: draining ? 'draining' : 'ok',
        server: SERVER_NAME,
        version: SERVER_VERSION,
        sessions: legacy.size,
        inFlight,
      });
      return;
    }
    if (path !== MCP_PATH) {
      sendJson(res, 404, { error: `Not found: the MCP endpoint is ${MCP_PATH}` });
      return;
    }
    if (checkHost !== undefined && !checkHost(req, res)) return;
    if (!checkOrigin(req, res)) return;
    if (options.authToken !== undefined && !checkBearer(req, res, options.authToken)) return;
    // A GET is the long-lived notification stream of a session: not a call to wait for on shutdown.
    const counted = req.method !== 'GET';
    if (counted) inFlight += 1;
    let settled = false;
    const settle = () => {
      if (settled || !counted) return;
      settled = true;
      inFlight -= 1;
      if (inFlight === 0) idle?.();
    };
    res.once('close', settle);
    passToMcp(req, res, mcp, maxBodyBytes, log);
  };

  const server: NodeServer = createServer(handle);
  // Calls may wait minutes on a human approving a sampling request: no timeout on the request itself.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  await listen(server, options.port ?? 3000, host);
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const url = `http://${urlHost === '0.0.0.0' ? '127.0.0.1' : urlHost}:${port}${MCP_PATH}`;
  if (checkHost === undefined) {
    log.info(
      `warning: bound to ${host} with no --allowed-host: Host header validation (DNS-rebinding protection) is off`,
    );
  }

  let closing: Promise<void> | undefined;
  async function close(drainMs = DEFAULT_DRAIN_MS): Promise<void> {
    closing ??= (async () => {
      // The listener stays open while draining: a 2025-era call in flight needs its client's answers to
      // arrive, and a balancer polling /healthz sees 503 and sends new work elsewhere.
      draining = true;
      if (inFlight > 0) {
        log.info(`draining ${inFlight} request(s) in flight (up to ${Math.round(drainMs / 1000)} s)`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, drainMs);
          idle = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      if (inFlight > 0) log.info(`drain deadline reached: closing ${inFlight} request(s)`);
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      await legacy.closeAll();
      await modern.close();
      server.closeAllConnections();
      await stopped;
    })();
    return closing;
  }

  return {
    url,
    port,
    allowDirs,
    stats: () => ({ sessions: legacy.size, inFlight, draining }),
    close,
  };
}

export interface RunHttpOptions extends HttpServeOptions {
  drainMs?: number | undefined;
}

/** `mcp-sampling serve --http`: runs until SIGTERM/SIGINT, drains, exits 0. */
export async function runHttpServer(options: RunHttpOptions = {}): Promise<void> {
  const log = options.log ?? createStderrLog();
  const authToken = options.authToken ?? process.env.MCP_SAMPLING_HTTP_TOKEN;
  const running = await startHttpServer({ ...options, log, authToken: authToken === '' ? undefined : authToken });
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
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info(`${signal}: shutting down`);
      void running.close(options.drainMs).finally(resolve);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}
