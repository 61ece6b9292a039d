/**
 * Hands a JSON post whose body is already parsed (read-json-body.ts) to a web-standard `fetch` handler,
 * and writes its Response back to Node. The SDK's `toNodeHandler` does the same, but it first serializes
 * the parsed body again to give the web Request a body that nothing reads once `parsedBody` is passed:
 * for a long document on the 2026 era, one JSON.stringify and one UTF-8 encoding of the whole
 * `document_text` per round. Here the Request carries the method, the URL and the headers only; the rest
 * is what `toNodeHandler` does (the request's signal aborts when the client goes away, the body is
 * written with backpressure, a failure of the handler is a JSON-RPC internal error).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A web-standard handler that takes the parsed body beside the Request (the SDK's `parsedBody`). */
export type ParsedBodyFetch = (request: Request, extra: { parsedBody: unknown }) => Promise<Response>;

/** Headers that describe the bytes of the body, which the Request does not carry. */
const BODY_HEADERS = new Set(['content-length', 'content-encoding', 'transfer-encoding']);

/** The id to echo on an internal error: the body's, when it is one request with a string or number id. */
function echoableId(body: unknown): string | number | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const { method, id } = body as { method?: unknown; id?: unknown };
  if (typeof method !== 'string') return null;
  return typeof id === 'string' || typeof id === 'number' ? id : null;
}

function webRequest(req: IncomingMessage, signal: AbortSignal): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name.startsWith(':') || BODY_HEADERS.has(name)) continue;
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else headers.set(name, value);
  }
  return new Request(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`, {
    method: req.method ?? 'POST',
    headers,
    signal,
  });
}

/** Serves one request whose body is `body` (parsed) through `fetch`; resolves once the response is written. */
export async function serveParsedBody(
  req: IncomingMessage,
  res: ServerResponse,
  body: unknown,
  fetch: ParsedBodyFetch,
  onerror: (error: Error) => void,
): Promise<void> {
  const abort = new AbortController();
  let finished = false;
  res.on('close', () => {
    if (!finished) abort.abort();
  });
  if (res.destroyed) abort.abort();
  let response: Response;
  try {
    response = await fetch(webRequest(req, abort.signal), { parsedBody: body });
  } catch (error) {
    onerror(error instanceof Error ? error : new Error(String(error)));
    response = Response.json(
      { jsonrpc: '2.0', error: { code: -32603, message: 'Internal server error' }, id: echoableId(body) },
      { status: 500 },
    );
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of response.headers) headers[name] = value;
  res.writeHead(response.status, headers);
  if (response.body === null) {
    finished = true;
    res.end();
    return;
  }
  const reader = response.body.getReader();
  // A client that goes away ends an event stream at once, not at its next event.
  const cancel = () => void reader.cancel().catch(() => {});
  abort.signal.addEventListener('abort', cancel, { once: true });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || abort.signal.aborted) break;
      if (!res.write(value)) {
        await new Promise<void>((resolve) => {
          const go = () => {
            res.off('drain', go);
            abort.signal.removeEventListener('abort', go);
            resolve();
          };
          res.on('drain', go);
          abort.signal.addEventListener('abort', go, { once: true });
        });
      }
    }
  } catch {
    // The stream failed or was cancelled: nothing more can be sent.
  } finally {
    abort.signal.removeEventListener('abort', cancel);
  }
  finished = true;
  res.end();
}
