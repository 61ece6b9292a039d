/**
 * B6: reading one large stdio message, through the transports the CLI really uses (the SDK's stdio
 * transports with our linear framing), next to the SDK's own reader. The server side reads from an
 * in-process stream fed in 64 KB chunks (a pipe's chunk size); the client side spawns a child process that
 * writes the message on its stdout. Time runs from the first byte sent to the parsed message.
 *
 * Run alone: `npx tsx bench/stdio-framing.ts` (prints the table); or as part of `npm run bench`, which
 * runs it in a fresh process so that the heap the other benchmarks left behind does not weigh on 64 MB
 * allocations. Beside ours it measures the floor: the same bytes joined, decoded and parsed once, with no
 * transport at all. Those primitives are themselves not quite linear on this kind of machine (memory
 * bandwidth and page faults for fresh large buffers), and the table shows by how much.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PassThrough, Writable } from 'node:stream';

import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { StdioServerTransport } from '@modelcontextprotocol/server/stdio';
import type { Transport } from '@modelcontextprotocol/server';

import { createStdioTransport } from '../src/client/connect/stdio.js';
import { createStdioServerTransport } from '../src/server/transports/stdio.js';
import { collectGarbage, MB, median, progress, round, timed, type Benchmark, type TargetResult } from './lib.js';

const SIZES_MB = [8, 16, 32, 64] as const;
const CHUNK = 64 * 1024;
const LIMIT = 256 * MB;
/** The bound: a message 8× as long costs at most about 8× as much. */
const MAX_RATIO = 8;

type Side = 'server' | 'client';
type Reader = 'ours' | 'sdk' | 'floor';

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

/** No transport: the message's 64 KB chunks joined, decoded and parsed once (what any reader must do). */
async function readFloor(bytes: number): Promise<number> {
  const bytesOut = Buffer.from(message(bytes));
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < bytesOut.length; offset += CHUNK)
    chunks.push(Buffer.from(bytesOut.subarray(offset, offset + CHUNK)));
  const { ms } = await timed(() => JSON.parse(Buffer.concat(chunks).toString('utf8', 0, bytesOut.length - 1)));
  return ms;
}

async function readOnServer(bytes: number, reader: Reader): Promise<number> {
  if (reader === 'floor') return readFloor(bytes);
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
  if (reader === 'floor') return readFloor(bytes);
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
  /** The median of `runs` reads, ms. */
  ms: number;
  runs: number;
  /** The fastest and slowest of those reads, ms. */
  minMs: number;
  maxMs: number;
}

/**
 * Each round reads the same number of bytes at every size (64 MB: eight reads of 8 MB, four of 16, two of
 * 32, one of 64), the sizes interleaved, so that whatever the machine does meanwhile falls on all of them
 * alike. Rounds go on until there are at least MIN_ROUNDS and the 8 MB reads add up to MIN_SMALLEST_MS:
 * one 8 MB read takes about 20 ms, too short to stand alone as the denominator of the ratio.
 */
const MIN_ROUNDS = 5;
const MAX_ROUNDS = 40;
const MIN_SMALLEST_MS = 1000;
/** The SDK's own reader is quadratic (seconds at 64 MB): one round of one read per size. */
const SDK_ROUNDS = 1;

async function measureReader(side: Side, reader: Reader): Promise<Measurement[]> {
  const read = side === 'server' ? readOnServer : readOnClient;
  const largest = SIZES_MB[SIZES_MB.length - 1]!;
  const smallest = SIZES_MB[0];
  const times = new Map<number, number[]>(SIZES_MB.map((mb) => [mb, []]));
  const total = (mb: number) => times.get(mb)!.reduce((sum, ms) => sum + ms, 0);
  for (let r = 0; r < (reader === 'sdk' ? SDK_ROUNDS : MAX_ROUNDS); r++) {
    if (reader !== 'sdk' && r >= MIN_ROUNDS && total(smallest) >= MIN_SMALLEST_MS) break;
    // One read of each size in turn, the order rotated each round, until each has read `largest` MB.
    const order = SIZES_MB.map((_, i) => SIZES_MB[(i + r) % SIZES_MB.length]!);
    const reads = reader === 'sdk' ? order : order.flatMap((mb) => Array<number>(largest / mb).fill(mb));
    const pending = new Map(order.map((mb) => [mb, reads.filter((r) => r === mb).length]));
    while ([...pending.values()].some((left) => left > 0)) {
      for (const mb of order) {
        if (pending.get(mb)! === 0) continue;
        pending.set(mb, pending.get(mb)! - 1);
        collectGarbage();
        times.get(mb)!.push(await read(mb * MB, reader));
      }
    }
  }
  return SIZES_MB.map((megabytes) => {
    const own = times.get(megabytes)!;
    const ms = median(own);
    progress(`${side} ${reader} ${megabytes} MB: ${round(ms / 1000, 3)} s (median of ${own.length})`);
    return {
      side,
      reader,
      megabytes,
      ms: round(ms, 2),
      runs: own.length,
      minMs: round(Math.min(...own), 2),
      maxMs: round(Math.max(...own), 2),
    };
  });
}

async function measureAll(readers: readonly Reader[]): Promise<Measurement[]> {
  const results: Measurement[] = [];
  for (const side of ['server', 'client'] as const) {
    for (const reader of side === 'server' ? ['floor' as const, ...readers] : readers) {
      results.push(...(await measureReader(side, reader)));
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
    const results = await measureInFreshProcess(readers);
    const floor = ratio(results, 'server', 'floor');
    const of = (side: Side, reader: Reader, mb: number) =>
      results.find((r) => r.side === side && r.reader === reader && r.megabytes === mb)!;
    const targets: TargetResult[] = (['server', 'client'] as const).map((side) => {
      const measured = ratio(results, side, 'ours');
      const [small, large] = [of(side, 'ours', 8), of(side, 'ours', 64)];
      return {
        name: `B6 ${side} 64 MB / 8 MB`,
        description: `time to read a 64 MB message / an 8 MB one, ${side} side`,
        measured,
        unit: '×',
        limit: `≤ ${MAX_RATIO}`,
        pass: measured <= MAX_RATIO,
        detail: `medians: 64 MB ${large.ms} ms of ${large.runs} reads, 8 MB ${small.ms} ms of ${small.runs}`,
      };
    });
    return {
      about:
        'One JSON-RPC notification of 8, 16, 32 and 64 MB read by a stdio transport: the server side from ' +
        'an in-process stream in 64 KB chunks, the client side from a spawned child. Seconds from the first ' +
        'byte to the parsed message. **floor**: the same chunks joined, decoded and parsed with no transport. ' +
        `Measured in a fresh process, a full GC before each read. The sizes are read interleaved, in rounds that ` +
        'read 64 MB at every size (eight reads of 8 MB, four of 16, two of 32, one of 64), until there are at ' +
        `least ${MIN_ROUNDS} rounds and the 8 MB reads add up to ${MIN_SMALLEST_MS / 1000} s (at most ` +
        `${MAX_ROUNDS} rounds; the SDK's own reader, with BENCH_FULL=1: ${SDK_ROUNDS}); each size's median is reported.`,
      tables: [
        {
          title: 'Milliseconds to read one message: median (reads; fastest … slowest)',
          headers: ['side', 'reader', ...SIZES_MB.map((mb) => `${mb} MB`), 'ms per MB, 8 MB → 64 MB'],
          rows: (['server', 'client'] as const).flatMap((side) =>
            (side === 'server' ? ['floor' as const, ...readers] : readers).map((reader) => [
              side,
              reader,
              ...SIZES_MB.map((mb) => {
                const m = of(side, reader, mb);
                return `${round(m.ms, 1)} (${m.runs}; ${round(m.minMs, 1)} … ${round(m.maxMs, 1)})`;
              }),
              `${round(of(side, reader, 8).ms / 8, 2)} → ${round(of(side, reader, 64).ms / 64, 2)}`,
            ]),
          ),
        },
      ],
      targets,
      notes: [
        `The floor itself grows ${floor}× from 8 MB to 64 MB on this machine: the join, the UTF-8 decode and ` +
          'JSON.parse do work linear in the bytes, but not at a constant cost per byte. An 8 MB read (the ' +
          'chunks, the joined buffer, the text and the parsed string: about 32 MB) mostly stays in the L3 cache ' +
          '(32 MB on the machine it was profiled on) and reuses warm memory (glibc hands buffers under its 32 MB mmap threshold ' +
          'back from its heap), while every 64 MB buffer is a fresh mapping whose pages fault in and are zeroed, ' +
          'and its data goes to memory and back. Per MB, the floor costs ' +
          `${round(of('server', 'floor', 8).ms / 8, 2)} ms at 8 MB and ${round(of('server', 'floor', 64).ms / 64, 2)} ms ` +
          `at 64 MB; ours on the server side ${round(of('server', 'ours', 8).ms / 8, 2)} and ` +
          `${round(of('server', 'ours', 64).ms / 64, 2)}, that is ` +
          `${round((of('server', 'ours', 8).ms - of('server', 'floor', 8).ms) / 8, 2)} and ` +
          `${round((of('server', 'ours', 64).ms - of('server', 'floor', 64).ms) / 64, 2)} ms per MB over the floor ` +
          "(the newline scan of each chunk and the SDK's message validation). The client side adds the pipe " +
          'from a child process, whose writer competes for the same two cores.',
      ],
      measurements: results,
    };
  },
};

/** Runs the measurements in a child process (this file with `--json`) and reads its results. */
async function measureInFreshProcess(readers: readonly Reader[]): Promise<Measurement[]> {
  const child = spawn(
    process.execPath,
    [
      '--expose-gc',
      '--import',
      'tsx',
      fileURLToPath(import.meta.url),
      '--json',
      ...(readers.includes('sdk') ? ['--sdk'] : []),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (out += text));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`B6: the measuring process exited with ${code}`);
  return JSON.parse(out) as Measurement[];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const readers: Reader[] = process.argv.includes('--sdk') ? ['ours', 'sdk'] : ['ours'];
  const results = await measureAll(readers);
  if (process.argv.includes('--json')) {
    process.stdout.write(JSON.stringify(results));
  } else {
    for (const side of ['server', 'client'] as const) {
      for (const reader of side === 'server' ? ['floor' as const, ...readers] : readers)
        console.log(`${side} ${reader}: 64 MB / 8 MB = ${ratio(results, side, reader)}×`);
    }
  }
}
