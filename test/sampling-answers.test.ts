/**
 * A client's sampling answer of the wrong shape, on both eras: the tool call fails at once with one line
 * that says what is wrong (2025: the pushed request's result; 2026-07-28: the retry's inputResponses,
 * refused with -32602). Nothing waits for the sampling timeout, nothing is asked again.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import { Client, InMemoryTransport, type JSONRPCMessage } from '@modelcontextprotocol/client';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import { afterEach, describe, expect, it } from 'vitest';

import { createDocumentAssistant } from '../src/server/create-server.js';
import { clientRootsAccess } from '../src/server/documents/file-access.js';
import { guardTransport } from '../src/server/sampling/guard-inbound.js';
import { textOf, versionNegotiation, wire } from './helpers/wire.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()!();
});

const SUMMARIZE = { name: 'summarize_document', arguments: { document_text: 'Street trees cool cities.' } };

/** The server as `serve` runs it, and a raw 2025-era peer that answers every sampling request with `answer`. */
async function legacyCall(answer: unknown): Promise<{ isError?: boolean; content?: unknown }> {
  const [peer, serverSide] = InMemoryTransport.createLinkedPair();
  const served = serveStdio(createDocumentAssistant({ fileAccess: clientRootsAccess() }), {
    transport: guardTransport(serverSide),
  });
  closers.push(() => served.close());
  const pending = new Map<number, (message: Record<string, unknown>) => void>();
  peer.onmessage = (message: JSONRPCMessage) => {
    const m = message as Record<string, unknown>;
    if (m['method'] === 'sampling/createMessage') {
      void peer.send({ jsonrpc: '2.0', id: m['id'], result: answer } as unknown as JSONRPCMessage);
    } else if (typeof m['id'] === 'number' && !('method' in m)) {
      pending.get(m['id'])?.(m);
    }
  };
  await peer.start();
  const request = (id: number, method: string, params: unknown) =>
    new Promise<Record<string, unknown>>((resolve) => {
      pending.set(id, resolve);
      void peer.send({ jsonrpc: '2.0', id, method, params } as JSONRPCMessage);
    });
  await request(1, 'initialize', {
    protocolVersion: '2025-11-25',
    capabilities: { sampling: {} },
    clientInfo: { name: 'raw-peer', version: '1.0.0' },
  });
  await peer.send({ jsonrpc: '2.0', method: 'notifications/initialized' } as JSONRPCMessage);
  const reply = await request(2, 'tools/call', SUMMARIZE);
  return reply['result'] as { isError?: boolean; content?: unknown };
}

describe('a wrong-shaped sampling answer, 2025 era', () => {
  it.each([
    [null, /^the client's sampling answer is invalid: expected an object as the result, got null$/],
    ['a string', /^the client's sampling answer is invalid: expected an object as the result, got string$/],
    [{}, /^the client's sampling answer is invalid: role: .*; model: missing \(expected string\)/],
    [
      { role: 'assistant', model: 'm', content: 'hello' },
      /^the client's sampling answer is invalid: content: expected object, received string$/,
    ],
    [
      { role: 'assistant', model: 'm', content: { type: 'text' } },
      /^the client's sampling answer is invalid: content\.text: missing \(expected string\)$/,
    ],
  ])('%j: the call fails at once with one line', async (answer, message) => {
    const result = await legacyCall(answer);
    expect(result.isError).toBe(true);
    const text = textOf(result);
    expect(text.split('\n')).toHaveLength(1);
    expect(text).toMatch(message);
  });
});

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

describe('a sampling answer with result null, over stdio (mcp-sampling serve)', () => {
  it('fails the call at once with one line', async () => {
    const home = mkdtempSync(join(tmpdir(), 'mcp-sampling-answers-'));
    const child = spawn(process.execPath, [CLI, 'serve'], { env: { ...process.env, HOME: home }, stdio: 'pipe' });
    closers.push(async () => {
      child.kill();
    });
    const send = (message: unknown) => child.stdin.write(`${JSON.stringify(message)}\n`);
    const lines = createInterface({ input: child.stdout });
    const result = new Promise<Record<string, unknown>>((resolve) => {
      lines.on('line', (line) => {
        const m = JSON.parse(line) as Record<string, unknown>;
        if (m['id'] === 1) {
          send({ jsonrpc: '2.0', method: 'notifications/initialized' });
          send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: SUMMARIZE });
        } else if (m['method'] === 'sampling/createMessage') {
          send({ jsonrpc: '2.0', id: m['id'], result: null });
        } else if (m['id'] === 2) {
          resolve(m['result'] as Record<string, unknown>);
        }
      });
    });
    send({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: {
        protocolVersion: '2025-11-25',
        capabilities: { sampling: {} },
        clientInfo: { name: 'raw', version: '1' },
      },
    });
    const reply = await result;
    expect(reply['isError']).toBe(true);
    expect(textOf(reply)).toBe("the client's sampling answer is invalid: expected an object as the result, got null");
  });
});

describe('wrong-shaped inputResponses, 2026-07-28', () => {
  it.each([
    [null, /^inputResponses\["s[\w-]+\.0"\] is not a valid sampling answer: expected an object, got null$/],
    [{}, /^inputResponses\["s[\w-]+\.0"\] is not a valid sampling answer: role: /],
    [
      { role: 'assistant', model: 'm', content: 'hello' },
      /^inputResponses\["s[\w-]+\.0"\] is not a valid sampling answer: content: expected object, received string$/,
    ],
  ])('%j: refused with -32602 and the reason, not asked again', async (answer, message) => {
    const { client, close } = await wire({
      era: 'modern',
      client: new Client(
        { name: 'manual-client', version: '1.0.0' },
        { capabilities: { sampling: {} }, versionNegotiation: versionNegotiation('modern') },
      ),
    });
    closers.push(close);
    const first = (await client.callTool(SUMMARIZE, { allowInputRequired: true })) as unknown as {
      inputRequests: Record<string, unknown>;
      requestState: string;
    };
    const [key] = Object.keys(first.inputRequests);
    const retry = client.callTool(
      { ...SUMMARIZE, inputResponses: { [key!]: answer }, requestState: first.requestState } as typeof SUMMARIZE,
      { allowInputRequired: true },
    );
    await expect(retry).rejects.toMatchObject({ code: -32602, message: expect.stringMatching(message) });
  });
});
