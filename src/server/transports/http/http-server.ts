/**
 * Streamable HTTP, both protocol eras on one endpoint, `/mcp`: `serveHttp(factory, options)` serves any
 * server factory (the Document Assistant's `serve --http` is one caller, in serve-http.ts).
 *
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
import { constants as osConstants } from 'node:os';

import { hostHeaderValidation, originValidation, toNodeHandler } from '@modelcontextprotocol/node';
import {
  createMcpHandler,
  InMemoryServerEventBus,
  isJsonContentType,
  isJSONRPCRequest,
  isLegacyRequest,
  type McpServer,
  PROTOCOL_VERSION_META_KEY,
} from '@modelcontextprotocol/server';

import { screenInbound } from '../../sampling/guard-inbound.js';
import { createStderrLog, type ServerLog } from '../../log.js';
import { checkedFactory } from '../check-serve-options.js';
import { rememberAcceptedHosts } from './accepted-hosts.js';
import { createLegacySessions, jsonRpcError } from './legacy-sessions.js';
import { bridgeListChanges } from './list-change-bridge.js';
import { serveParsedBody, type ParsedBodyFetch } from './parsed-body-handler.js';
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

/**
 * Options of `serveHttp`. All optional.
 *
 * @example
 * ```ts
 * await serveHttp(factory, {
 *   port: 8080,
 *   host: '0.0.0.0',
 *   allowedHosts: ['mcp.example.com'],
 *   authToken: token,
 * });
 * ```
 */
export interface ServeHttpOptions {
  /** Interface to bind. Default 127.0.0.1. */
  host?: string | undefined;
  /** Port, 0–65535; 0 picks a free one (read it from the handle). Default 3000. */
  port?: number | undefined;
  /**
   * Host names accepted in the `Host` header besides the loopback names, which are accepted when bound to
   * loopback (DNS-rebinding protection). Bound elsewhere with none given, validation is off (the start-up
   * log says so).
   */
  allowedHosts?: readonly string[] | undefined;
  /** Origin host names accepted from browsers besides loopback. Requests without Origin pass. */
  allowedOrigins?: readonly string[] | undefined;
  /** When set, every /mcp request must carry `Authorization: Bearer <token>` (else 401). */
  authToken?: string | undefined;
  /** Largest request body in bytes; larger ones get 413. Default 64 MiB. */
  maxBodyBytes?: number | undefined;
  /** A 2025-era session with no request open is closed after this long, in ms. Default 30 minutes. */
  sessionIdleMs?: number | undefined;
  /** A 2025-era client whose call stream drops has this long (ms) to reconnect before the call is cancelled. Default 10 s. */
  disconnectGraceMs?: number | undefined;
  /** Most 2025-era sessions open at once (503 beyond). Default 1000. */
  maxSessions?: number | undefined;
  /** On SIGTERM/SIGINT or `close()`, how long (ms) calls in flight may finish. Default 30 s. */
  drainMs?: number | undefined;
  /**
   * A request header set by a load balancer in front (for example `X-Mcp-Session-Proposal`, filled with
   * nginx's `$request_id`) whose value becomes the id of the 2025-era session an initialize opens, when it
   * is 16–128 visible ASCII characters and not in use (else the id is random). A balancer that hashes the
   * initialize and the session's later requests on the same value then keeps the session on this
   * instance (docs/deploy.md). The balancer must overwrite the header a client sends. Default: none.
   */
  sessionIdHeader?: string | undefined;
  /**
   * Drain and close on SIGTERM / SIGINT; a second signal while draining exits the process at once (code
   * 128 + the signal's number). Default true; the handlers are removed once closed.
   */
  signals?: boolean | undefined;
  /** Name and version that `GET /healthz` reports. Default: not reported. */
  name?: string | undefined;
  version?: string | undefined;
  /** Where start-up notes, drain notes and errors go. Default: stderr, prefixed `[mcp-sampling]`. */
  log?: ServerLog | undefined;
}

/**
 * What a running `serveHttp` server is doing, from `handle.stats()`.
 *
 * @example
 * ```ts
 * const { sessions, inFlight, draining }: HttpServerStats = http.stats();
 * console.error(`${sessions} sessions, ${inFlight} requests in flight${draining ? ', draining' : ''}`);
 * ```
 */
export interface HttpServerStats {
  /** Open 2025-era sessions. */
  sessions: number;
  /** MCP requests being answered now (long-lived GET notification streams not counted). */
  inFlight: number;
  draining: boolean;
}

/**
 * A running `serveHttp` server.
 *
 * @example
 * ```ts
 * const http = await serveHttp(factory, { port: 0 });
 * console.error(`listening on ${http.url}`);
 * await http.closed; // after SIGTERM (drained) or http.close()
 * ```
 */
export interface HttpServerHandle {
  /** The endpoint, e.g. `http://127.0.0.1:3000/mcp`. */
  readonly url: string;
  /** The port it listens on (the one picked, with `port: 0`). */
  readonly port: number;
  /** Open sessions, requests in flight, whether it is draining. */
  stats(): HttpServerStats;
  /**
   * Stops taking requests (new ones get 503), waits up to `drainMs` for those in flight, then closes
   * what is left (sessions, streams, connections). Resolves when everything is closed.
   */
  close(drainMs?: number): Promise<void>;
  /** Resolves once the server is closed (by `close()` or a signal). Never rejects. */
  readonly closed: Promise<void>;
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
 * Hands a request that passed the checks on. A JSON post is read and parsed here first, in bounded memory
 * (read-json-body.ts), then handed to `route` parsed (parsed-body-handler.ts: never serialized again);
 * anything else goes to the SDK's Node handler.
 */
function passToMcp(
  req: IncomingMessage,
  res: ServerResponse,
  handlers: { mcp: ReturnType<typeof toNodeHandler>; route: ParsedBodyFetch; onerror: (error: Error) => void },
  maxBodyBytes: number,
  log: ServerLog,
): void {
  const { mcp } = handlers;
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
      if (body.ok) return serveParsedBody(req, res, body.value, handlers.route, handlers.onerror);
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
 * Serves the servers `factory` builds over Streamable HTTP at `/mcp`, both eras on the one endpoint, and
 * resolves once it listens:
 *
 * - 2026-07-28 requests: a fresh server per request, no session (each round's state travels in the
 *   signed requestState, so instances sharing a state key can serve alternate rounds);
 * - 2025-era requests: a session per client (`Mcp-Session-Id`), so that pushed sampling requests travel on
 *   the tool call's stream; resumable with `Last-Event-ID`; closed on DELETE, idle or shutdown.
 *
 * In front: Host and Origin checks (403; loopback by default), the bearer token when `authToken` is set
 * (401), content type (415), the body limit (413), JSON checks (400), and `GET /healthz`. On SIGTERM/SIGINT
 * (or `close()`) it drains: new work gets 503 while calls in flight finish, up to `drainMs`.
 *
 * Bad options (a factory that is not a function, a port out of range, …) throw a TypeError or RangeError
 * at once; a port in use rejects the returned promise.
 *
 * @example
 * ```ts
 * import { createSamplingEngine, serveHttp } from 'mcp-sampling/server';
 *
 * const engine = createSamplingEngine({ stateKey: sharedSecret });
 * const http = await serveHttp(() => {
 *   const server = engine.createServer({ name: 'my-server', version: '1.0.0' });
 *   engine.registerTool(server, 'haiku', { inputSchema }, body);
 *   return server;
 * }, { port: 3000 });
 * console.error(`MCP endpoint: ${http.url}`);
 * ```
 */
export function serveHttp(factory: () => McpServer, options: ServeHttpOptions = {}): Promise<HttpServerHandle> {
  const build = checkedFactory('serveHttp', factory);
  checkHttpOptions(options);
  return listenHttp(build, options);
}

/**
 * The server behind `serveHttp`. It stays one function (about 130 lines) because its parts share the drain
 * state (`draining`, `inFlight`, `idle`): the router refuses new work while draining, the request handler
 * counts calls in flight, and `close` waits for them.
 */
async function listenHttp(factory: () => McpServer, options: ServeHttpOptions): Promise<HttpServerHandle> {
  const log = options.log ?? createStderrLog('mcp-sampling');
  const host = options.host ?? '127.0.0.1';
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const onerror = (error: Error) => log.debug?.(`http: ${error.message}`);

  // 2026-07-28 listen streams hear the list changes of every per-request server (list-change-bridge.ts).
  const bus = new InMemoryServerEventBus(onerror);
  const modern = createMcpHandler(bridgeListChanges(factory, bus), {
    legacy: 'reject',
    maxRequestBodySize: maxBodyBytes,
    onerror,
    bus,
  });
  const legacy = createLegacySessions(factory, {
    idleMs: options.sessionIdleMs ?? DEFAULT_SESSION_IDLE_MS,
    maxSessions: options.maxSessions ?? DEFAULT_MAX_SESSIONS,
    maxBodyBytes,
    disconnectGraceMs: options.disconnectGraceMs ?? DEFAULT_DISCONNECT_GRACE_MS,
    log,
    sessionIdHeader: options.sessionIdHeader?.toLowerCase(),
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
    // A request carrying the 2026 envelope claim is never legacy (the SDK documents it); only the rest is
    // classified here, since the modern handler classifies every request again itself.
    const isLegacy =
      !carriesEnvelopeClaim(body) && (await isLegacyRequest(request, body, { maxRequestBodySize: maxBodyBytes }));
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
  const checkHost = hostNames.length > 0 ? rememberAcceptedHosts(hostHeaderValidation(hostNames)) : undefined;
  const checkOrigin = originValidation([...LOOPBACK_NAMES, ...(options.allowedOrigins ?? [])]);

  let inFlight = 0;
  let idle: (() => void) | undefined;

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === HEALTH_PATH && (req.method === 'GET' || req.method === 'HEAD')) {
      sendJson(res, draining ? 503 : 200, {
        status: draining ? 'draining' : 'ok',
        ...(options.name !== undefined && { server: options.name }),
        ...(options.version !== undefined && { version: options.version }),
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
    passToMcp(req, res, { mcp, route, onerror }, maxBodyBytes, log);
  };

  const server: NodeServer = createServer(handle);
  // Calls may wait minutes on a human approving a sampling request: no timeout on the request itself.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  // Node closes an idle keep-alive connection after 5 s by default. A 2026-era client often sits longer
  // than that between rounds (answering a round of a long document), then reuses the pooled connection just
  // as the server closes it: the retry's POST (a 50 MB document_text) dies as "fetch failed". Keep idle
  // connections for 65 s, longer than the gap between rounds and than common balancers' idle timeouts.
  server.keepAliveTimeout = 65_000;
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
  let ended!: () => void;
  const closed = new Promise<void>((resolve) => (ended = resolve));
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing !== undefined) {
      // The operator (or the orchestrator) will not wait for the drain: stop now.
      log.info(`${signal} again: exiting without waiting for ${inFlight} request(s) in flight`);
      process.exit(128 + (osConstants.signals[signal] ?? 15));
    }
    log.info(`${signal}: shutting down`);
    void close();
  };
  async function close(drainMs = options.drainMs ?? DEFAULT_DRAIN_MS): Promise<void> {
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
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      ended();
    })();
    return closing;
  }
  if (options.signals !== false) {
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }

  return { url, port, stats: () => ({ sessions: legacy.size, inFlight, draining }), close, closed };
}

function checkHttpOptions(options: unknown): void {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`serveHttp: options must be an object (got ${options === null ? 'null' : typeof options})`);
  }
  const o = options as ServeHttpOptions;
  const bad = (name: string, rule: string, value: unknown) =>
    new RangeError(
      `serveHttp: ${name} must be ${rule} (got ${typeof value === 'string' ? JSON.stringify(value) : String(value)})`,
    );
  if (o.port !== undefined && !(Number.isInteger(o.port) && o.port >= 0 && o.port <= 65535)) {
    throw bad('port', 'an integer from 0 to 65535', o.port);
  }
  if (o.host !== undefined && (typeof o.host !== 'string' || o.host === ''))
    throw bad('host', 'a non-empty string', o.host);
  for (const name of ['maxBodyBytes', 'maxSessions'] as const) {
    const value = o[name];
    if (value !== undefined && !(Number.isInteger(value) && value > 0)) throw bad(name, 'a positive integer', value);
  }
  for (const name of ['sessionIdleMs', 'disconnectGraceMs', 'drainMs'] as const) {
    const value = o[name];
    if (value !== undefined && !(Number.isInteger(value) && value >= 0))
      throw bad(name, 'a non-negative integer', value);
  }
  for (const name of ['allowedHosts', 'allowedOrigins'] as const) {
    const value = o[name];
    if (value !== undefined && !(Array.isArray(value) && value.every((item) => typeof item === 'string'))) {
      throw new TypeError(`serveHttp: ${name} must be an array of host names`);
    }
  }
  if (
    o.sessionIdHeader !== undefined &&
    (typeof o.sessionIdHeader !== 'string' || !/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(o.sessionIdHeader))
  ) {
    throw new TypeError(
      `serveHttp: sessionIdHeader must be an HTTP header name (got ${JSON.stringify(o.sessionIdHeader)})`,
    );
  }
  if (
    o.sessionIdHeader !== undefined &&
    ['mcp-session-id', 'authorization', 'host'].includes(o.sessionIdHeader.toLowerCase())
  ) {
    throw new RangeError(`serveHttp: sessionIdHeader cannot be ${o.sessionIdHeader}: name a header the balancer sets`);
  }
  if (o.authToken !== undefined && (typeof o.authToken !== 'string' || o.authToken === '')) {
    throw new TypeError('serveHttp: authToken must be a non-empty string when given');
  }
}

/**
 * Whether `body` is one JSON-RPC request whose `_meta` claims a protocol version (the 2026 envelope): such a
 * request is never legacy, whatever else it holds (`isLegacyRequest` says so), so it needs no classifying.
 */
function carriesEnvelopeClaim(body: unknown): boolean {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const params = (body as { params?: unknown }).params;
  if (typeof params !== 'object' || params === null) return false;
  const meta = (params as { _meta?: unknown })._meta;
  return (
    typeof meta === 'object' &&
    meta !== null &&
    (meta as Record<string, unknown>)[PROTOCOL_VERSION_META_KEY] !== undefined
  );
}
