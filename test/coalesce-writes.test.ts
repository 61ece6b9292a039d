import { Writable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';

import type { JSONRPCMessage } from '@modelcontextprotocol/server';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';

import { createStdioServerTransport } from '../src/server/transports/serve-stdio.js';
import { coalesceWrites } from '../src/shared/coalesce-writes.js';

/** A stdout that records each system-call-sized write: one entry per `_write` or `_writev`. */
function recordingStdout(options: { highWaterMark?: number } = {}) {
  const writes: string[] = [];
  const stream = new Writable({
    ...options,
    write(chunk: Buffer, _encoding, done) {
      writes.push(chunk.toString());
      done();
    },
    writev(chunks, done) {
      writes.push(chunks.map(({ chunk }) => (chunk as Buffer).toString()).join(''));
      done();
    },
  });
  return { stream, writes };
}

const note = (n: number): JSONRPCMessage => ({ jsonrpc: '2.0', method: 'notifications/message', params: { n } });
const lines = (writes: string[]) =>
  writes
    .join('')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => (JSON.parse(line) as { params: { n: number } }).params.n);

describe('coalesceWrites on the server stdio transport', () => {
  it('sends the messages of one turn in one write, in order, and a later turn in its own', async () => {
    const { stream, writes } = recordingStdout();
    const transport = createStdioServerTransport(new PassThrough(), stream);
    await transport.start();
    const sent = [1, 2, 3, 4, 5].map((n) => transport.send(note(n)));
    await Promise.all(sent);
    await nextTurn();
    expect(writes).toHaveLength(1);
    expect(lines(writes)).toEqual([1, 2, 3, 4, 5]);

    await transport.send(note(6));
    await nextTurn();
    expect(writes).toHaveLength(2);
    expect(lines(writes)).toEqual([1, 2, 3, 4, 5, 6]);
    await transport.close();
  });

  it('writes what is corked when the transport closes in the same turn', async () => {
    const { stream, writes } = recordingStdout();
    const transport = createStdioServerTransport(new PassThrough(), stream);
    await transport.start();
    void transport.send(note(1));
    void transport.send(note(2));
    await transport.close();
    expect(lines(writes)).toEqual([1, 2]);
  });

  it('settles a send larger than the stream buffer (the drain comes after the turn)', async () => {
    const { stream, writes } = recordingStdout({ highWaterMark: 1024 });
    const transport = createStdioServerTransport(new PassThrough(), stream);
    await transport.start();
    const big: JSONRPCMessage = {
      jsonrpc: '2.0',
      method: 'notifications/message',
      params: { n: 7, pad: 'x'.repeat(50_000) },
    };
    await Promise.all([transport.send(note(6)), transport.send(big), transport.send(note(8))]);
    expect(lines(writes)).toEqual([6, 7, 8]);
    await transport.close();
  });

  it('does nothing to a stream that has ended, and flush() without a cork is harmless', () => {
    const { stream } = recordingStdout();
    const writes = coalesceWrites(stream);
    writes.flush();
    stream.end();
    writes.beforeWrite();
    expect(stream.writableCorked).toBe(0);
  });
});
