/**
 * The loopback redirect listener of the authorization code flow (RFC 8252 §7.3): a small HTTP server on
 * 127.0.0.1 that waits for the browser to come back to `/callback` with `code` (or `error`), `state` and
 * `iss`. It answers only GET /callback with the right `state` and a loopback Host; anything else gets 404
 * or 400 and leaves the wait alone. It closes itself once the callback came, the wait timed out or was
 * aborted. Nothing it prints or answers contains the code.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const CALLBACK_PATH = '/callback';
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost']);

/** The redirect URL for a listener on `port`. */
export function loopbackRedirectUrl(port: number): string {
  return `http://127.0.0.1:${port}${CALLBACK_PATH}`;
}

/** A free port on 127.0.0.1, as the system gives one for port 0. */
export async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => done());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

export interface LoopbackListener {
  readonly redirectUrl: string;
  /** Resolves with the callback's query parameters (a `code` or an `error`); rejects on timeout or abort. */
  readonly callback: Promise<URLSearchParams>;
  close(): Promise<void>;
}

const page = (title: string, text: string) =>
  `<!doctype html><meta charset="utf-8"><title>${title}</title>` +
  `<body style="font-family:sans-serif;margin:3em"><h1>${title}</h1><p>${text}</p></body>`;

/**
 * Listens on 127.0.0.1:`port` for the redirect carrying `state`.
 *
 * @example
 * ```ts
 * const listener = await startLoopbackListener({ port: 0, state, timeoutMs: 300_000 });
 * const params = await listener.callback; // code, state, iss
 * ```
 */
export async function startLoopbackListener(options: {
  port: number;
  state: string;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}): Promise<LoopbackListener> {
  let settle: { resolve: (params: URLSearchParams) => void; reject: (error: Error) => void } | undefined;
  const callback = new Promise<URLSearchParams>((resolve, reject) => {
    settle = { resolve, reject };
  });
  // A caller that never awaits the callback (the flow failed before) must not see an unhandled rejection.
  callback.catch(() => {});
  let done = false;
  const server: Server = createServer((request, response) => {
    const host = (request.headers.host ?? '').replace(/:\d+$/, '');
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const headers = {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
      'referrer-policy': 'no-referrer',
    };
    if (request.method !== 'GET' || url.pathname !== CALLBACK_PATH || !LOOPBACK_HOSTS.has(host)) {
      response.writeHead(404, headers).end(page('Not found', 'This is the mcp-sampling sign-in listener.'));
      return;
    }
    if (url.searchParams.get('state') !== options.state || done) {
      response
        .writeHead(400, headers)
        .end(page('Sign-in not accepted', 'This answer does not belong to the sign-in that is waiting.'));
      return;
    }
    done = true;
    const failed = url.searchParams.has('error');
    response
      .writeHead(200, headers)
      .end(
        failed
          ? page('Sign-in refused', 'The authorization server refused the sign-in. You can close this tab.')
          : page('Signed in', 'mcp-sampling is signed in. You can close this tab.'),
      );
    settle?.resolve(url.searchParams);
    response.once('finish', () => void close());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          error.code === 'EADDRINUSE'
            ? `the sign-in listener cannot use port ${options.port} on 127.0.0.1: it is in use (set oauth.redirectPort to another port)`
            : `the sign-in listener cannot start on 127.0.0.1:${options.port}: ${error.message}`,
          { cause: error },
        ),
      ),
    );
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const timer = setTimeout(() => {
    settle?.reject(new Error(`no answer from the browser within ${Math.round(options.timeoutMs / 1000)} s`));
    void close();
  }, options.timeoutMs);
  timer.unref();
  const onAbort = () => {
    settle?.reject(new Error('sign-in cancelled'));
    void close();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let closing: Promise<void> | undefined;
  function close(): Promise<void> {
    closing ??= new Promise<void>((resolve) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closing;
  }
  return { redirectUrl: loopbackRedirectUrl(port), callback, close };
}
