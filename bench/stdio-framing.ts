/**
 * B6: reading one large stdio message, through the transports the CLI really uses (the SDK's stdio
 * transports with our linear framing), next to the SDK's own reader. The server side reads from an
 * in-process stream fed in 64 KB chunks (a pipe's chunk size); the client side spawns a child process that
 * writes the message on its stdout. Time runs from the first byte sent to the parsed message.
 *
 * Run alone: `npx tsx bench/stdio-framing.ts` (prints the table); or as part of `npm run bench`.
 */
import { PassThrough, Writable } from 'node:stream';

import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { StdioServerTransport } from '@modelcontextprotocol/server/stdio';
import type { Transport } from '@modelcontextprotocol/server';

import { createStdioTransport } from '../src/client/connect.js';
import { createStdioServerTransport } from '../src/server/transports/stdio.js';
import { collectGarbage, MB, median, progress, round, timed, type Benchmark, type TargetResult } from './lib.js';

const SIZES_MB = [8, 16, 32, 64] as const;
const CHUNK = 64 * 1024;
const LIMIT = 256 * MB;
/** The bound: a message 8× as long costs at most about 8× as much. */
const MAX_RATIO = 8;

type Side = 'server' | 'client';
type Reader = 'ours' | 'sdk';

/** A JSON-RPC notification of about `bytes` bytes, newline included. */
function message(bytes: number): string {
  const params = { level: 'info', data: 'x'.repeat(bytes - 100) };
  return `${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/message', params })}\n`;
}

function nextMessage(transport: Transport): Promise<void> {
  return new Promise((resolve) => {
    transport.onmessage = () => resolve();
  });
}

async function readOnServer(bytes: number, reader: Reader): Promise<number> {
  const bytesOut = Buffer.from(message(bytes));
  const stdin = new PassThrough({ highWaterMark: CHUNK });
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
  const transport =
    reader === 'ours'
      ? createStdioServerTransport(stdin, sink, LIMIT)
      : new StdioServerTransport(stdin, sink, { maxBufferSize: LIMIT });
  const received = nextMessage(transport);
  await transport.start();
  const { ms } = await timed(async () => {
    for (let offset = 0; offset < bytesOut.length; offset += CHUNK)
      stdin.write(bytesOut.subarray(offset, offset + CHUNK));
    await received;
  });
  await transport.close();
  return ms;
}

async function readOnClient(bytes: number, reader: Reader): Promise<number> {
  // The child builds the message, says so on stderr, then writes it when asked: only the transfer and the
  // read are timed.
  const script =
    `const params = { level: 'info', data: 'x'.repeat(${bytes - 100}) };` +
    `const m = Buffer.from(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/message', params }) + '\\n');` +
    `process.stdin.once('data', () => process.stdout.write(m));` +
    `process.stderr.write('ready\\n');`;
  const params = { command: process.execPath, args: ['-e', script] };
  const transport: StdioClientTransport =
    reader === 'ours'
      ? createStdioTransport(params)
      : new StdioClientTransport({ ...params, stderr: 'pipe', maxBufferSize: LIMIT });
  const ready = new Promise((resolve) => transport.stderr?.once('data', resolve));
  const received = nextMessage(transport);
  await transport.start();
  await ready;
  const { ms } = await timed(async () => {
    await transport.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    await received;
  });
  await transport.close();
  return ms;
}

interface Measurement {
  side: Side;
  reader: Reader;
  megabytes: number;
  ms: number;
}

async function measureAll(readers: readonly Reader[]): Promise<Measurement[]> {
  const results: Measurement[] = [];
  for (const side of ['server', 'client'] as const) {
    for (const reader of readers) {
      for (const megabytes of SIZES_MB) {
        const read = side === 'server' ? readOnServer : readOnClient;
        // The median of three (one for the SDK's slow reader): single runs of 20 ms are noisy.
        const times: number[] = [];
        for (let run = 0; run < (reader === 'ours' ? 3 : 1); run++) {
          collectGarbage();
          times.push(await read(megabytes * MB, reader));
        }
        const ms = median(times);
        progress(`${side} ${reader} ${megabytes} MB: ${round(ms / 1000)} s`);
        results.push({ side, reader, megabytes, ms: round(ms, 1) });
      }
    }
  }
  return results;
}

function ratio(results: readonly Measurement[], side: Side, reader: Reader): number {
  const of = (mb: number) => results.find((r) => r.side === side && r.reader === reader && r.megabytes === mb)!.ms;
  return round(of(64) / of(8), 1);
}

export const stdioFraming: Benchmark = {
  id: 'B6',
  title: 'One large stdio message, ours against the SDK reader',
  async run() {
    // The SDK's reader takes about 50 s in all for the four sizes on both sides; BENCH_FULL=1 includes it.
    const readers: Reader[] = process.env['BENCH_FULL'] === '1' ? ['ours', 'sdk'] : ['ours'];
    const results = await measureAll(readers);
    const targets: TargetResult[] = (['server', 'client'] as const).map((side) => {
      const measured = ratio(results, side, 'ours');
      return {
        name: `B6 ${side} 64 MB / 8 MB`,
        description: `time to read a 64 MB message / an 8 MB one, ${side} side`,
        measured,
        unit: '×',
        limit: `≤ ${MAX_RATIO}`,
        pass: measured <= MAX_RATIO,
      };
    });
    return {
      about:
        'One JSON-RPC notification of 8, 16, 32 and 64 MB read by a stdio transport: the server side from ' +
        'an in-process stream in 64 KB chunks, the client side from a spawned child. Seconds from the first ' +
        'byte to the parsed message.',
      tables: [
        {
          title: 'Seconds to read one message',
          headers: ['side', 'reader', ...SIZES_MB.map((mb) => `${mb} MB`)],
          rows: (['server', 'client'] as const).flatMap((side) =>
            readers.map((reader) => [
              side,
              reader,
              ...SIZES_MB.map((mb) =>
                round(results.find((r) => r.side === side && r.reader === reader && r.megabytes === mb)!.ms / 1000),
              ),
            ]),
          ),
        },
      ],
      targets,
      notes: [],
      measurements: results,
    };
  },
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const readers: Reader[] = process.argv.includes('--sdk') ? ['ours', 'sdk'] : ['ours'];
  const results = await measureAll(readers);
  for (const side of ['server', 'client'] as const) {
    for (const reader of readers) console.log(`${side} ${reader}: 64 MB / 8 MB = ${ratio(results, side, reader)}×`);
  }
}
