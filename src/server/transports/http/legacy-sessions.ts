/**
 * 2025-era sessions for `serve --http`. A pushed `sampling/createMessage` needs a live connection to travel
 * on, so each 2025-era client gets a session (`Mcp-Session-Id`): one server and one transport, found by
 * the header on every later request. The SDK sends each pushed request on the stream of the `tools/call`
 * POST that caused it; a bounded per-session event store stamps those streams so that a client whose
 * stream drops can reconnect (`Last-Event-ID`) and still receive the request.
 *
 * Nothing here outlives its use: a session ends on DELETE, or after `idleMs` with no request open (an open
 * GET stream counts as open); a client whose stream drops before its answer and that does not come back
 * within a grace period has the JSON-RPC requests of that POST cancelled, as a `notifications/cancelled`
 * would.
 *
 * Behind a load balancer that hashes on `Mcp-Session-Id`, the balancer can name a new session itself
 * (`sessionIdHeader`, e.g. nginx's `$request_id`) and hash its initialize on that same value: then the
 * session's later requests, which carry the id, hash to the instance that holds it (docs/deploy.md).
 */
import { randomUUID } from 'node:crypto';

import {
  isInitializeRequest,
  isJSONRPCRequest,
  WebStandardStreamableHTTPServerTransport,
  type JSONRPCMessage,
  type McpServer,
} from '@modelcontextprotocol/server';

import type { ServerLog } from '../../log.js';
import { createSessionEventStore } from './session-event-store.js';

/** How long a client waits before reconnecting to a dropped stream (sent as the SSE `retry` field). */
const RECONNECT_MS = 1000;

export function jsonRpcError(
  status: number,
  code: number,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return Response.json({ jsonrpc: '2.0', error: { code, message }, id: null }, { status, headers });
}

/**
 * Passes the response body through, calls `done` once it has been read to the end, failed, or been
 * cancelled, and cancels it as soon as the client is gone (`signal`), so that the transport forgets the
 * stream at once instead of at its next write (a reconnecting client would otherwise get 409).
 */
function whenBodyDone(response: Response, done: () => void, signal: AbortSignal): Response {
  if (response.body === null) {
    done();
    return response;
  }
  const reader = response.body.getReader();
  let finished = false;
  const finish = () => {
    if (!finished) {
      finished = true;
      signal.removeEventListener('abort', onAbort);
      done();
    }
  };
  let output: ReadableStreamDefaultController<Uint8Array> | undefined;
  function onAbort(): void {
    finish();
    void reader.cancel(signal.reason).catch(() => {});
    try {
      output?.close();
    } catch {
      // already closed
    }
  }
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      output = controller;
    },
    async pull(controller) {
      try {
        const { value, done: end } = await reader.read();
        if (end) {
          finish();
          controller.close();
        } else controller.enqueue(value);
      } catch (error) {
        finish();
        controller.error(error);
      }
    },
    async cancel(reason) {
      finish();
      await reader.cancel(reason).catch(() => {});
    },
  });
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

export interface LegacySessionsOptions {
  idleMs: number;
  maxSessions: number;
  maxBodyBytes: number;
  /** How long a dropped stream may take to reconnect before its calls are cancelled. */
  disconnectGraceMs: number;
  log: ServerLog;
  /**
   * A request header (lower case) whose value, when an initialize carries one that is a well-formed
   * session id not in use, becomes the new session's id instead of a random one. Set by a balancer.
   */
  sessionIdHeader?: string | undefined;
}

/**
 * A session id a balancer may propose: 16 to 128 visible ASCII characters (the spec allows only 0x21–0x7E
 * in a session id), so that a hash of it spreads well and it fits in a header.
 */
const PROPOSED_SESSION_ID = /^[\x21-\x7e]{16,128}$/;

interface LegacySession {
  transport: WebStandardStreamableHTTPServerTransport;
  server: McpServer;
  /** Requests of this session being answered, including an open GET stream. */
  open: number;
  /** Requests received so far. */
  requests: number;
  lastSeen: number;
}

/**
 * 2025-era sessions: one server and one transport each, found by `Mcp-Session-Id`. One function (about
 * 130 lines) because its inner functions (open, close, the idle sweep, handle) all work on the one session
 * table it owns; split, they would pass that table and its options around.
 */
export function createLegacySessions(factory: () => McpServer, options: LegacySessionsOptions) {
  const sessions = new Map<string, LegacySession>();
  /** Proposed ids of initializes not yet answered, so that two at once cannot both take one id. */
  const claimed = new Set<string>();

  async function close(id: string, why: string): Promise<void> {
    const session = sessions.get(id);
    if (session === undefined) return;
    sessions.delete(id);
    options.log.debug?.(`session ${id} closed (${why})`);
    await session.transport.close().catch(() => {});
    await session.server.close().catch(() => {});
  }

  function sweep(now = Date.now()): void {
    for (const [id, session] of sessions) {
      if (session.open === 0 && now - session.lastSeen >= options.idleMs) void close(id, 'idle');
    }
  }
  const sweeper = setInterval(sweep, Math.max(1000, Math.min(options.idleMs / 2, 60_000)));
  sweeper.unref();

  /**
   * Answers one request on its session's transport. While it is open the session is busy (never swept);
   * when the client goes away before the answer, the JSON-RPC requests it carried are cancelled.
   */
  async function serve(session: LegacySession, id: string, request: Request, body: unknown): Promise<Response> {
    session.open += 1;
    session.requests += 1;
    session.lastSeen = Date.now();
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      session.open -= 1;
      session.lastSeen = Date.now();
      request.signal.removeEventListener('abort', onAbort);
    };
    const ids = (Array.isArray(body) ? body : [body])
      .filter((message): message is JSONRPCMessage & { id: string | number } => isJSONRPCRequest(message))
      .map((message) => message.id);
    function onAbort(): void {
      release();
      if (ids.length === 0) return;
      // The stream dropped. A client that is still there reconnects to it (Last-Event-ID) or sends the
      // answers its call waits for: any new request on the session within the grace period. One that
      // does not is gone, and the work it asked for stops, exactly as a cancellation notice would stop it.
      const seen = session.requests;
      const timer = setTimeout(() => {
        if (session.requests !== seen || sessions.get(id) !== session) return;
        for (const requestId of ids) {
          options.log.debug?.(`session ${id}: cancelled request ${requestId} (the HTTP client disconnected)`);
          session.transport.onmessage?.({
            jsonrpc: '2.0',
            method: 'notifications/cancelled',
            params: { requestId, reason: 'the HTTP client disconnected' },
          });
        }
      }, options.disconnectGraceMs);
      timer.unref();
    }
    if (request.signal.aborted) {
      release();
      return jsonRpcError(499, -32000, 'Client closed the request');
    }
    request.signal.addEventListener('abort', onAbort, { once: true });
    try {
      const response = await session.transport.handleRequest(request, { parsedBody: body });
      return whenBodyDone(response, release, request.signal);
    } catch (error) {
      release();
      throw error;
    }
  }

  async function handle(request: Request, body: unknown): Promise<Response> {
    const id = request.headers.get('mcp-session-id');
    if (id !== null) {
      const session = sessions.get(id);
      if (session === undefined) return jsonRpcError(404, -32001, 'Session not found: start a new session');
      return serve(session, id, request, body);
    }
    if (request.method !== 'POST' || !isInitializeRequest(body)) {
      return jsonRpcError(400, -32000, 'Bad Request: Mcp-Session-Id header required (send initialize first)');
    }
    if (sessions.size >= options.maxSessions) sweep();
    if (sessions.size >= options.maxSessions) {
      return jsonRpcError(503, -32000, `Too many sessions (${options.maxSessions}); try again later`, {
        'retry-after': '5',
      });
    }
    const proposed = options.sessionIdHeader === undefined ? null : request.headers.get(options.sessionIdHeader);
    // A proposal that is malformed or names a session in use is ignored: a client that reaches the
    // instance directly may choose its own session's id, never join another's.
    const newId =
      proposed !== null && PROPOSED_SESSION_ID.test(proposed) && !sessions.has(proposed) && !claimed.has(proposed)
        ? proposed
        : randomUUID();
    claimed.add(newId);
    const server = factory();
    const session: LegacySession = {
      server,
      transport: new WebStandardStreamableHTTPServerTransport({
        sessionIdGenerator: () => newId,
        maxRequestBodySize: options.maxBodyBytes,
        eventStore: createSessionEventStore(),
        retryInterval: RECONNECT_MS,
        onsessioninitialized: (sessionId) => {
          sessions.set(sessionId, session);
          options.log.debug?.(`session ${sessionId} opened`);
        },
        onsessionclosed: (sessionId) => {
          void close(sessionId, 'deleted by the client');
        },
      }),
      open: 0,
      requests: 0,
      lastSeen: Date.now(),
    };
    let response: Response;
    try {
      await server.connect(session.transport);
      response = await serve(session, 'new', request, body);
    } finally {
      claimed.delete(newId);
    }
    // A failed initialize creates no session: close the instance it would have used.
    if (session.transport.sessionId === undefined) {
      await session.transport.close().catch(() => {});
      await server.close().catch(() => {});
    }
    return response;
  }

  return {
    handle,
    get size() {
      return sessions.size;
    },
    async closeAll(): Promise<void> {
      clearInterval(sweeper);
      await Promise.all([...sessions.keys()].map((id) => close(id, 'server shutting down')));
    },
  };
}
