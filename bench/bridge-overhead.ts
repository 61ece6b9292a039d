/**
 * B9: what `mcp-sampling bridge` adds to a plain tool call (no sampling), against calling the server
 * directly, on both host eras (the bridge's upstream on the same era). The host is the SDK client without
 * sampling; the upstream a one-tool echo server (bench/bare/echo-server.mjs). Both paths stay connected
 * for the whole run and are measured in alternating rounds of sequential calls (one at a time, so that
 * the latency is the path's own); p50 / p99 latency and calls per second are pooled over the rounds.
 * A third path, a bare JSON-line relay in the bridge's place (bench/bare/relay.mjs), is the floor.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';

import { versionNegotiation } from '../src/shared/era.js';
import {
  collectGarbage,
  FULL,
  median,
  percentile,
  progress,
  round,
  type Benchmark,
  type Table,
  type TargetResult,
} from './lib.js';
import { runCalls } from './round-trip.js';
import { OUR_CLI, ROOT } from './stacks.js';

type Era = 'legacy' | 'modern';
type Path = 'direct' | 'floor' | 'bridge';
const ERAS: readonly Era[] = ['legacy', 'modern'];
const PATHS: readonly Path[] = ['direct', 'floor', 'bridge'];
const ROUNDS = FULL ? 10 : 5;
const CALLS = FULL ? 1000 : 400;
const WARM_UP_CALLS = 200;
/** The goal: the bridge adds less than this to a plain call's median latency. */
const TARGET_ADDED_P50_MS = 0.3;

const ECHO_SERVER = join(ROOT, 'bench', 'bare', 'echo-server.mjs');
/** The floor: a bare JSON-line relay in the bridge's place (bench/bare/relay.mjs). */
const RELAY = join(ROOT, 'bench', 'bare', 'relay.mjs');

async function connect(path: Path, era: Era, home: string): Promise<Client> {
  const client = new Client(
    { name: 'bench-host', version: '1.0.0' },
    { capabilities: {}, versionNegotiation: versionNegotiation(era) },
  );
  const config = join(home, 'config.json');
  const args =
    path === 'direct'
      ? [ECHO_SERVER]
      : path === 'floor'
        ? [RELAY, process.execPath, ECHO_SERVER]
        : [OUR_CLI, 'bridge', '--config', config, '--era', era, '--', process.execPath, ECHO_SERVER];
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args,
      env: { PATH: process.env['PATH'] ?? '', HOME: home },
      stderr: 'ignore',
    }),
  );
  return client;
}

export const bridgeOverhead: Benchmark = {
  id: 'B9',
  title: 'The bridge on a plain tool call, against direct',
  async run() {
    const home = mkdtempSync(join(tmpdir(), 'mcp-bench-bridge-'));
    writeFileSync(
      join(home, 'config.json'),
      JSON.stringify({ audit: { path: join(home, 'audit.jsonl') }, statePath: join(home, 'state.json') }),
    );
    const rows: (string | number)[][] = [];
    const targets: TargetResult[] = [];
    const measurements: unknown[] = [];
    const notes: string[] = [];
    try {
      for (const era of ERAS) {
        const clients = new Map<Path, Client>();
        for (const path of PATHS) clients.set(path, await connect(path, era, home));
        const latencies = new Map<Path, number[]>(PATHS.map((p) => [p, []]));
        const rates = new Map<Path, number[]>(PATHS.map((p) => [p, []]));
        const call = (client: Client) => () => client.callTool({ name: 'echo', arguments: { message: 'ping' } });
        try {
          for (const path of PATHS) await runCalls(call(clients.get(path)!), WARM_UP_CALLS, 1);
          for (let r = 0; r < ROUNDS; r += 1) {
            // Rotated each round, so that no path always runs first or last.
            const order = PATHS.map((_, i) => PATHS[(i + r) % PATHS.length]!);
            for (const path of order) {
              collectGarbage();
              const batch = await runCalls(call(clients.get(path)!), CALLS, 1);
              latencies.get(path)!.push(...batch.latencies);
              rates.get(path)!.push((batch.calls * 1000) / batch.ms);
            }
            progress(`B9 ${era}: round ${r + 1}/${ROUNDS}`);
          }
        } finally {
          for (const client of clients.values()) await client.close().catch(() => {});
        }
        const stats = (path: Path) => ({
          p50: percentile(latencies.get(path)!, 50),
          p99: percentile(latencies.get(path)!, 99),
          perSecond: median(rates.get(path)!),
        });
        const direct = stats('direct');
        const floor = stats('floor');
        const bridge = stats('bridge');
        const added = bridge.p50 - direct.p50;
        const floorAdded = floor.p50 - direct.p50;
        for (const [path, s] of [
          ['direct', direct],
          ['floor (JSON-line relay, no SDK)', floor],
          ['bridge', bridge],
        ] as const) {
          rows.push([
            era,
            path,
            round(s.p50, 3),
            round(s.p99, 3),
            Math.round(s.perSecond),
            round(s.p50 - direct.p50, 3),
          ]);
        }
        measurements.push({
          era,
          direct,
          floor,
          bridge,
          addedP50Ms: added,
          floorAddedP50Ms: floorAdded,
          calls: CALLS,
          rounds: ROUNDS,
        });
        notes.push(
          `${era}: the bridge adds ${round(added, 3)} ms to the median; a bare JSON-line relay in its place ` +
            `(the extra process and pipe hops, nothing else) adds ${round(floorAdded, 3)} ms, so the bridge's ` +
            `own work is about ${round(added - floorAdded, 3)} ms.`,
        );
        targets.push({
          name: `B9 ${era}: added p50`,
          description: `the bridge adds less than ${TARGET_ADDED_P50_MS} ms to a plain call's median latency (${era} era)`,
          measured: round(added, 3),
          unit: 'ms',
          limit: `< ${TARGET_ADDED_P50_MS} ms`,
          pass: added < TARGET_ADDED_P50_MS,
          detail: `p50 ${round(direct.p50, 3)} ms direct, ${round(bridge.p50, 3)} ms through the bridge, ${round(floor.p50, 3)} ms through a bare relay; ${Math.round(direct.perSecond)} vs ${Math.round(bridge.perSecond)} calls/s`,
        });
      }
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
    const table: Table = {
      title: 'A plain tool call (`echo`), sequential, pooled over the rounds',
      headers: ['era', 'path', 'p50 (ms)', 'p99 (ms)', 'calls/s', 'added p50 (ms)'],
      rows,
    };
    return {
      about:
        'The host (the SDK client, no sampling) calls a one-tool echo server directly and through ' +
        '`mcp-sampling bridge` (both over stdio, the bridge on the same era towards the upstream), in ' +
        `alternating rounds of ${CALLS} sequential calls (${ROUNDS} rounds). The bridge adds one process ` +
        'and one more stdio hop each way, plus its proxying. **floor**: the same extra process as a bare ' +
        'JSON-line relay (`bench/bare/relay.mjs`: each line parsed and serialized again, no SDK), what any ' +
        'stdio bridge costs at least on this machine.',
      tables: [table],
      targets,
      notes,
      measurements,
    };
  },
};
