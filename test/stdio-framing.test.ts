/**
 * Large and over-limit messages on stdio, through the transports the CLI uses: reading a message copies
 * it a bounded number of times (not once per chunk), and a message over the limit closes the connection
 * with an error naming the sender, the size and the limit, on the server and on the client.
 */
import { PassThrough, Writable } from 'node:stream';

import { afterEach, describe, expect, it, vi } from 'vitest';

import { createStdioTransport } from '../src/client/connect/stdio.js';
import { createStdioServerTransport, runStdioServer } from '../src/server/serve-stdio.js';
import type { MessageTooLargeError } from '../src/shared/stdio-framing.js';

const CHUNK = 64 * 1024;

function notification(bytes: number): Buffer {
  const data = 'x'.repeat(bytes - 80);
  return Buffer.from(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/message', params: { data } })}\n`);
}

const sink = () => new Writable({ write: (_chunk, _encoding, done) => done() });

afterEach(() => {
  vi.restoreAllMocks();
});

describe('stdio framing on the server', () => {
  it('copies a 4 MB message arriving in 64 KB chunks about once, not once per chunk', async () => {
    const message = notification(4 * 1024 * 1024);
    const stdin = new PassThrough();
    const transport = createStdioServerTransport(stdin, sink());
    const received = new Promise<unknown>((resolve) => {
      transport.onmessage = resolve;
    });
    await transport.start();
    const concat = vi.spyOn(Buffer, 'concat');
    for (let offset = 0; offset < message.length; offset += CHUNK)
      stdin.write(message.subarray(offset, offset + CHUNK));
    const got = (await received) as { params: { data: string } };
    const copied = concat.mock.results.reduce((sum, result) => sum + (result.value as Buffer).length, 0);
    expect(got.params.data).toBe('x'.repeat(4 * 1024 * 1024 - 80));
    // The SDK's reader joins the whole buffer again with every chunk: 64 chunks, about 130 MB copied.
    expect(copied).toBeLessThanOrEqual(2 * message.length);
    await transport.close();
  });

  it('closes the connection on a message over the limit, logging which side, the size and the limit', async () => {
    const stdin = new PassThrough();
    const errors: string[] = [];
    const log = { info: () => {}, error: (message: string) => errors.push(message) };
    const served = runStdioServer({}, { stdin, stdout: sink(), maxMessageBytes: 1000, log });
    stdin.write(Buffer.from(`{"jsonrpc":"2.0","id":1,"method":"ping","params":{"pad":"${'x'.repeat(1500)}`));
    // Resolves: the server stops serving although the client keeps its end of the pipe open.
    await served;
    expect(errors).toEqual([
      expect.stringMatching(
        /^stdio: a message from the client is larger than the limit of 1000 bytes \(\d+ bytes received/,
      ),
    ]);
  });
});

describe('stdio framing on the client', () => {
  it('closes the connection and says why when the server sends a message over the limit', async () => {
    // A "server" that answers anything with a line of 5000 bytes.
    const script = `process.stdin.once('data', () => process.stdout.write(${JSON.stringify(notification(5000).toString())}));`;
    const tooLarge: MessageTooLargeError[] = [];
    const transport = createStdioTransport({
      command: process.execPath,
      args: ['-e', script],
      maxMessageBytes: 1000,
      onTooLarge: (error) => tooLarge.push(error),
    });
    const closed = new Promise<void>((resolve) => {
      transport.onclose = resolve;
    });
    const messages: unknown[] = [];
    transport.onmessage = (message) => messages.push(message);
    await transport.start();
    await transport.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    await closed;
    expect(messages).toEqual([]);
    expect(tooLarge.map((error) => error.message)).toEqual([
      expect.stringMatching(/^stdio: a message from the server is larger than the limit of 1000 bytes/),
    ]);
  });

  it('reads a large message from the server whole', async () => {
    const bytes = 3 * 1024 * 1024;
    const script =
      `const m = JSON.stringify({ jsonrpc: '2.0', method: 'notifications/message', params: { data: 'y'.repeat(${bytes}) } }) + '\\n';` +
      `process.stdin.once('data', () => process.stdout.write(m));`;
    const transport = createStdioTransport({ command: process.execPath, args: ['-e', script] });
    const received = new Promise<unknown>((resolve) => {
      transport.onmessage = resolve;
    });
    await transport.start();
    await transport.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    const got = (await received) as { params: { data: string } };
    expect(got.params.data).toBe('y'.repeat(bytes));
    await transport.close();
  });
});
