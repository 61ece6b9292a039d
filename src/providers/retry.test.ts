/**
 * Our retries, through the AI SDK (called with maxRetries: 0) against local stubs: which failures are
 * retried, how long we are asked to wait (recorded by an injected sleep, never waited for real), and
 * that an abort ends everything at once and closes the connection.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { APICallError, generateText, RetryError } from 'ai';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { chatCompletion, startHttpStub, type HttpStub, type StubReply } from '../../test/helpers/http-stub.js';
import { toProviderCallError } from './errors.js';
import { createProviderRegistry } from './registry.js';
import { callWithRetry, isRetryableError, serverRetryDelayMs, type RetryInfo, type Sleep } from './retry.js';

let stub: HttpStub | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

const SETTINGS = { maxRetries: 2, initialDelayMs: 100, maxDelayMs: 5_000 };

/** A sleep that waits for nothing and remembers what it was asked. */
function recordingSleep(): { sleep: Sleep; delays: number[] } {
  const delays: number[] = [];
  return { delays, sleep: (ms) => (delays.push(ms), Promise.resolve()) };
}

/** One completion from an OpenAI-compatible model at `baseURL`, with the AI SDK's own retries off. */
function completion(baseURL: string) {
  const registry = createProviderRegistry({
    providers: { local: { type: 'openai-compatible', baseURL, enabled: true } },
    env: {},
  });
  const model = registry.languageModel('local', 'llama3.2');
  return async (signal: AbortSignal) =>
    (await generateText({ model, prompt: 'Say hi.', maxRetries: 0, abortSignal: signal })).text;
}

async function serve(respond: (index: number) => StubReply): Promise<HttpStub> {
  stub = await startHttpStub((_request, index) => respond(index));
  return stub;
}

const serverError = (status: number, headers: Record<string, string> = {}): StubReply => ({
  status,
  headers,
  json: { error: { message: `failure ${status}` } },
});

function apiError(statusCode: number | undefined, responseHeaders?: Record<string, string>, isRetryable?: boolean) {
  return new APICallError({
    message: 'x',
    url: 'http://127.0.0.1/v1/chat/completions',
    requestBodyValues: {},
    ...(statusCode !== undefined && { statusCode }),
    ...(responseHeaders !== undefined && { responseHeaders }),
    ...(isRetryable !== undefined && { isRetryable }),
  });
}

describe('isRetryableError', () => {
  it.each([408, 409, 429, 500, 502, 503, 504, 529])('retries HTTP %i', (status) => {
    expect(isRetryableError(apiError(status))).toBe(true);
  });

  it.each([400, 401, 403, 404, 413, 422])('does not retry HTTP %i', (status) => {
    expect(isRetryableError(apiError(status))).toBe(false);
  });

  it('retries network errors and timeouts, not aborts or bugs', () => {
    expect(isRetryableError(apiError(undefined, undefined, true))).toBe(true);
    expect(
      isRetryableError(new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }) })),
    ).toBe(true);
    expect(isRetryableError(new DOMException('timed out', 'TimeoutError'))).toBe(true);
    expect(isRetryableError(new DOMException('aborted', 'AbortError'))).toBe(false);
    expect(isRetryableError(new TypeError("Cannot read properties of undefined (reading 'text')"))).toBe(false);
    expect(isRetryableError(new Error('Invalid JSON response'))).toBe(false);
  });

  it('retries a successful response whose body was cut off, not one whose whole body is unusable', () => {
    const cut = new TypeError('terminated', {
      cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }),
    });
    const processing = (cause: unknown) =>
      new APICallError({
        message: 'Failed to process successful response',
        url: 'http://127.0.0.1/v1/chat/completions',
        requestBodyValues: {},
        statusCode: 200,
        isRetryable: true,
        cause,
      });
    expect(isRetryableError(processing(cut))).toBe(true);
    expect(isRetryableError(processing(new SyntaxError('Unexpected end of JSON input')))).toBe(false);
  });

  it('judges a RetryError by its last error', () => {
    const retry = (last: unknown) =>
      new RetryError({ message: 'm', reason: 'maxRetriesExceeded', errors: [apiError(500), last] });
    expect(isRetryableError(retry(apiError(503)))).toBe(true);
    expect(isRetryableError(retry(apiError(401)))).toBe(false);
  });
});

describe('serverRetryDelayMs', () => {
  const now = Date.parse('2025-06-01T12:00:00Z');
  it.each([
    [{ 'retry-after-ms': '250' }, 250],
    [{ 'Retry-After-Ms': '12.5' }, 13],
    [{ 'retry-after': '3' }, 3_000],
    [{ 'retry-after': '0.5' }, 500],
    [{ 'retry-after': 'Sun, 01 Jun 2025 12:00:07 GMT' }, 7_000],
    [{ 'retry-after': 'Sun, 01 Jun 2025 11:59:00 GMT' }, 0],
    [{ 'retry-after-ms': '', 'retry-after': '2' }, 2_000],
    [{ 'retry-after': 'soon' }, undefined],
    [{}, undefined],
  ])('reads %j as %s ms', (headers, expected) => {
    expect(serverRetryDelayMs(apiError(429, headers), now)).toBe(expected);
  });
});

describe('callWithRetry against a stub', () => {
  it('retries a 429 (retry-after-ms: 0) and then succeeds', async () => {
    const s = await serve((i) => (i === 0 ? serverError(429) : { json: chatCompletion('hi') }));
    const { sleep, delays } = recordingSleep();
    const retries: RetryInfo[] = [];
    const text = await callWithRetry(completion(`${s.url}/v1`), {
      ...SETTINGS,
      sleep,
      onRetry: (r) => retries.push(r),
    });
    expect(text).toBe('hi');
    expect(s.requests).toHaveLength(2);
    expect(delays).toEqual([0]);
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({ attempt: 1, delayMs: 0 });
    expect(APICallError.isInstance(retries[0]!.error) && retries[0]!.error.statusCode).toBe(429);
  });

  it('retries 500 twice with exponential backoff when the server names no delay, then succeeds', async () => {
    // An empty retry-after-ms overrides the stub's default `0`: no usable header, so our own backoff.
    const s = await serve((i) =>
      i < 2 ? serverError(500, { 'retry-after-ms': '' }) : { json: chatCompletion('third time') },
    );
    const { sleep, delays } = recordingSleep();
    const text = await callWithRetry(completion(`${s.url}/v1`), { ...SETTINGS, sleep });
    expect(text).toBe('third time');
    expect(s.requests).toHaveLength(3);
    expect(delays).toEqual([100, 200]);
  });

  it('caps the backoff at maxDelayMs', async () => {
    const s = await serve(() => serverError(503, { 'retry-after-ms': '' }));
    const { sleep, delays } = recordingSleep();
    await expect(
      callWithRetry(completion(`${s.url}/v1`), { maxRetries: 4, initialDelayMs: 100, maxDelayMs: 300, sleep }),
    ).rejects.toThrow();
    expect(delays).toEqual([100, 200, 300, 300]);
  });

  it('gives up after maxRetries with a RetryError that toProviderCallError reads', async () => {
    const s = await serve(() => serverError(500));
    const { sleep } = recordingSleep();
    const error: unknown = await callWithRetry(completion(`${s.url}/v1`), { ...SETTINGS, sleep }).catch(
      (e: unknown) => e,
    );
    expect(s.requests).toHaveLength(3);
    expect(RetryError.isInstance(error)).toBe(true);
    expect((error as RetryError).errors).toHaveLength(3);
    expect(toProviderCallError(error, { provider: 'local', model: 'llama3.2' }).message).toBe(
      'local llama3.2: HTTP 500 (after 3 attempts): failure 500',
    );
  });

  it.each([400, 401, 403, 404, 422])('fails fast on HTTP %i, with the error itself', async (status) => {
    const s = await serve(() => serverError(status));
    const { sleep, delays } = recordingSleep();
    const error: unknown = await callWithRetry(completion(`${s.url}/v1`), { ...SETTINGS, sleep }).catch(
      (e: unknown) => e,
    );
    expect(APICallError.isInstance(error) && error.statusCode).toBe(status);
    expect(s.requests).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it('stops retrying when a later attempt fails in a way that is not retryable', async () => {
    const s = await serve((i) => (i === 0 ? serverError(503) : serverError(401)));
    const error: unknown = await callWithRetry(completion(`${s.url}/v1`), { ...SETTINGS, ...recordingSleep() }).catch(
      (e: unknown) => e,
    );
    expect(s.requests).toHaveLength(2);
    expect(RetryError.isInstance(error) && error.reason).toBe('errorNotRetryable');
    expect(isRetryableError(error)).toBe(false);
  });

  it('honours Retry-After in seconds', async () => {
    const s = await serve((i) =>
      i === 0 ? serverError(429, { 'retry-after-ms': '', 'retry-after': '2' }) : { json: chatCompletion('ok') },
    );
    const { sleep, delays } = recordingSleep();
    await expect(callWithRetry(completion(`${s.url}/v1`), { ...SETTINGS, sleep })).resolves.toBe('ok');
    expect(delays).toEqual([2_000]);
  });

  it('honours Retry-After as an HTTP date', async () => {
    const at = new Date(Date.now() + 4_000).toUTCString();
    const s = await serve((i) =>
      i === 0 ? serverError(503, { 'retry-after-ms': '', 'retry-after': at }) : { json: chatCompletion('ok') },
    );
    const { sleep, delays } = recordingSleep();
    await expect(callWithRetry(completion(`${s.url}/v1`), { ...SETTINGS, sleep })).resolves.toBe('ok');
    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeGreaterThan(2_000);
    expect(delays[0]).toBeLessThanOrEqual(4_000);
  });

  it('gives up at once when the server asks for longer than maxDelayMs', async () => {
    const s = await serve(() => serverError(429, { 'retry-after-ms': '', 'retry-after': '120' }));
    const { sleep, delays } = recordingSleep();
    const error: unknown = await callWithRetry(completion(`${s.url}/v1`), { ...SETTINGS, sleep }).catch(
      (e: unknown) => e,
    );
    expect(APICallError.isInstance(error) && error.statusCode).toBe(429);
    expect(isRetryableError(error)).toBe(true);
    expect(s.requests).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it('retries a network error (nothing listening)', async () => {
    const dead = await startHttpStub(() => ({}));
    const url = dead.url;
    await dead.close();
    const { sleep, delays } = recordingSleep();
    const error: unknown = await callWithRetry(completion(`${url}/v1`), { ...SETTINGS, sleep }).catch(
      (e: unknown) => e,
    );
    expect(RetryError.isInstance(error) && error.errors).toHaveLength(3);
    expect(delays).toEqual([100, 200]);
    expect(toProviderCallError(error, { provider: 'local', model: 'llama3.2' }).message).toMatch(
      /^local llama3\.2: cannot reach/,
    );
  });

  it('never shows a password or query of the provider URL in the error (it reaches the server and the audit log)', async () => {
    const dead = await startHttpStub(() => ({}));
    const { port } = new URL(dead.url);
    await dead.close();
    const secretURL = `http://user:pa55word@127.0.0.1:${port}/v1?api-key=k3y-in-config`;
    const { sleep } = recordingSleep();
    const error: unknown = await callWithRetry(completion(secretURL), { ...SETTINGS, sleep }).catch((e: unknown) => e);
    const message = toProviderCallError(error, { provider: 'local', model: 'llama3.2' }).message;
    // fetch refuses a URL with credentials and quotes it: the quote is redacted too.
    expect(message).toMatch(/^local llama3\.2: .*http:\/\/\*\*\*@127\.0\.0\.1:\d+\/v1/);
    expect(message).not.toMatch(/pa55word|k3y-in-config/);
  });

  it('retries an attempt that runs out of time', async () => {
    const s = await serve((i) => (i === 0 ? { hang: true } : { json: chatCompletion('in time') }));
    const retries: RetryInfo[] = [];
    const text = await callWithRetry(completion(`${s.url}/v1`), {
      ...SETTINGS,
      ...recordingSleep(),
      attemptTimeoutMs: 200,
      onRetry: (r) => retries.push(r),
    });
    expect(text).toBe('in time');
    expect((retries[0]?.error as Error).name).toBe('TimeoutError');
  });
});

describe('callWithRetry and aborts', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    server = undefined;
  });

  it('rejects promptly when aborted mid-flight, and the server sees the connection closed', async () => {
    let received!: () => void;
    let closed!: () => void;
    const requestReceived = new Promise<void>((resolve) => (received = resolve));
    const connectionClosed = new Promise<void>((resolve) => (closed = resolve));
    // A slow server that never answers and tells us when the client hangs up.
    server = createServer((req, res) => {
      res.on('close', () => closed());
      req.resume();
      received();
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;

    const controller = new AbortController();
    const attempt = vi.fn(completion(`http://127.0.0.1:${port}/v1`));
    const pending = callWithRetry(attempt, { ...SETTINGS, signal: controller.signal, ...recordingSleep() });
    await requestReceived;
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await connectionClosed;
    expect(attempt).toHaveBeenCalledTimes(1);
  });

  it('rejects with the signal reason during the wait, even when the sleep ignores the signal', async () => {
    const s = await serve(() => serverError(503));
    const controller = new AbortController();
    const sleep = vi.fn<Sleep>(() => {
      controller.abort(new Error('user cancelled'));
      return new Promise<void>(() => undefined);
    });
    await expect(
      callWithRetry(completion(`${s.url}/v1`), { ...SETTINGS, signal: controller.signal, sleep }),
    ).rejects.toThrow('user cancelled');
    expect(sleep).toHaveBeenCalledTimes(1);
    expect(s.requests).toHaveLength(1);
  });

  it('ends the default sleep on abort', async () => {
    const s = await serve(() => serverError(503, { 'retry-after-ms': '' }));
    const controller = new AbortController();
    const pending = callWithRetry(completion(`${s.url}/v1`), {
      maxRetries: 3,
      initialDelayMs: 60_000,
      maxDelayMs: 60_000,
      signal: controller.signal,
      onRetry: () => setTimeout(() => controller.abort(), 10),
    });
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(s.requests).toHaveLength(1);
  });

  it('does not start when the signal is already aborted', async () => {
    const attempt = vi.fn(() => Promise.resolve('never'));
    await expect(callWithRetry(attempt, { ...SETTINGS, signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(attempt).not.toHaveBeenCalled();
  });
});
