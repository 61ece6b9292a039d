/**
 * limits.maxResponseBytes through the real provider path: a local endpoint answering with a body over the
 * limit (declared with content-length, or streamed without one; with status 200 or 500) ends the call in
 * one attempt with an error naming the provider and the limit, and the rest of the body is not read.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { generateText } from 'ai';
import { afterEach, describe, expect, it } from 'vitest';

import { callWithFallbacks } from './call-with-fallbacks.js';
import { createProviderRegistry } from './registry.js';
import { findResponseTooLarge, ProviderCallError, ProviderResponseTooLargeError } from './errors.js';
import { limitResponseSize } from './response-size-limit.js';

const LIMIT = 64 * 1024;

interface BigEndpoint {
  url: string;
  requests: number;
  /** Per request: settles when the connection closes, saying whether the whole body was written. */
  closed: Promise<{ complete: boolean }>[];
}

let servers: Server[] = [];
afterEach(async () => {
  for (const server of servers) server.closeAllConnections();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  servers = [];
});

/** A Chat Completions endpoint whose answer carries `bytes` of text, written in 16 KB pieces. */
async function bigEndpoint(bytes: number, options: { status?: number; declareLength?: boolean } = {}) {
  const endpoint: BigEndpoint = { url: '', requests: 0, closed: [] };
  const head =
    '{"id":"x","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"';
  const tail = '"}}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}';
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      endpoint.requests++;
      endpoint.closed.push(
        new Promise((resolve) => res.on('close', () => resolve({ complete: res.writableFinished }))),
      );
      const total = head.length + bytes + tail.length;
      res.writeHead(options.status ?? 200, {
        'content-type': 'application/json',
        'retry-after-ms': '0',
        ...(options.declareLength === true && { 'content-length': String(total) }),
      });
      res.on('error', () => {});
      res.write(head);
      const piece = 'a'.repeat(16 * 1024);
      let sent = 0;
      const more = () => {
        while (sent < bytes && !res.destroyed) {
          sent += piece.length;
          if (!res.write(piece)) return void res.once('drain', more);
        }
        if (!res.destroyed) res.end(tail);
      };
      more();
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  return endpoint;
}

function registryFor(endpoint: BigEndpoint) {
  return createProviderRegistry({
    providers: { local: { type: 'openai-compatible', baseURL: endpoint.url, enabled: true } },
    env: {},
    maxResponseBytes: LIMIT,
  });
}

async function callOnce(endpoint: BigEndpoint) {
  const registry = registryFor(endpoint);
  return callWithFallbacks(
    [{ provider: 'local', id: 'm' }],
    (candidate, signal) =>
      generateText({
        model: registry.languageModel(candidate.provider, candidate.id),
        prompt: 'hi',
        abortSignal: signal,
        maxRetries: 0,
      }),
    { retry: { maxRetries: 2, initialDelayMs: 0, maxDelayMs: 0 } },
  );
}

describe('limits.maxResponseBytes', () => {
  it('cuts off a streamed 200 OK body over the limit, in one attempt, naming the provider and the limit', async () => {
    const endpoint = await bigEndpoint(8 * 1024 * 1024);
    const failure = await callOnce(endpoint).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProviderCallError);
    expect((failure as Error).message).toBe(
      'local m: the response is larger than limits.maxResponseBytes (65536 bytes): cut off, not retried',
    );
    expect(endpoint.requests).toBe(1);
    // The client hung up before the endpoint could write the whole body.
    expect(await endpoint.closed[0]).toEqual({ complete: false });
  });

  it('is not retried when the oversized body comes with a 500 (which would otherwise be retried)', async () => {
    const endpoint = await bigEndpoint(1024 * 1024, { status: 500 });
    const failure = await callOnce(endpoint).catch((error: unknown) => error);
    expect((failure as Error).message).toMatch(
      /^local m: the response is larger than limits\.maxResponseBytes \(65536 bytes\)/,
    );
    expect(endpoint.requests).toBe(1);
  });

  it('refuses at once a body whose content-length is over the limit', async () => {
    const endpoint = await bigEndpoint(1024 * 1024, { declareLength: true });
    const failure = await callOnce(endpoint).catch((error: unknown) => error);
    expect((failure as Error).message).toMatch(/limits\.maxResponseBytes \(65536 bytes\)/);
    expect(endpoint.requests).toBe(1);
  });

  it('passes a response under the limit through unchanged', async () => {
    const endpoint = await bigEndpoint(16 * 1024);
    const { value } = await callOnce(endpoint);
    expect(value.text).toBe('a'.repeat(16 * 1024));
  });
});

describe('limitResponseSize', () => {
  it('fails the body read with ProviderResponseTooLargeError, found through wrapping causes', async () => {
    const body = new Uint8Array(1000);
    const limited = limitResponseSize(async () => new Response(new Blob([body, body]).stream()), 'p', 1500);
    const response = await limited('http://unused.invalid');
    const error = await response.text().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderResponseTooLargeError);
    expect(findResponseTooLarge(new Error('wrapped', { cause: error }))).toBe(error);
  });
});
