/**
 * B8: scale-out behind nginx. Calls per second of `mcp-sampling serve --http` on the 2026 era: one
 * instance reached directly, one instance behind nginx, and three instances sharing the state key behind
 * nginx (round-robin), with the nginx configuration of docs/deploy.md (test/helpers/nginx.ts renders and
 * runs it). The three set-ups alternate round by round. Skipped, with the reason, when nginx is missing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { cpus, loadavg } from 'node:os';

import { findNginx, startNginx, type RunningNginx } from '../test/helpers/nginx.js';
import { collectGarbage, driveClients, FULL, median, percentile, progress, round, type Benchmark } from './lib.js';
import { connectHttpStack, OUR_CLI, processCpuMs, type StackConnection } from './stacks.js';

const CLIENTS = 50;
const ROUNDS = FULL ? 6 : 3;
const CALLS_PER_CLIENT = FULL ? 40 : 20;
const ROUND_LIMIT_MS = 20_000;
const STATE_KEY = 'bench-scale-out-shared-state-key-0123456789';

interface Instance {
  child: ChildProcess;
  address: string;
  url: string;
}

async function startInstance(): Promise<Instance> {
  const child = spawn(process.execPath, [OUR_CLI, 'serve', '--http', '--port', '0'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { PATH: process.env['PATH'] ?? '', MCP_SAMPLING_STATE_KEY: STATE_KEY },
  });
  let log = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString('utf8');
      const match = /(http:\/\/127\.0\.0\.1:\d+\/mcp)/.exec(log);
      if (match !== null) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`serve --http exited (${code}): ${log}`)));
  });
  return { child, url, address: new URL(url).host };
}

interface Setup {
  name: string;
  url: string;
  /** The instances this set-up sends calls to (for their CPU). */
  instances: Instance[];
  clients: StackConnection[];
  calls: number;
  ms: number;
  latencies: number[];
  serverCpuMs: number;
}

async function runRound(setup: Setup): Promise<void> {
  const cpu0 = setup.instances.map((instance) => processCpuMs(instance.child.pid!) ?? 0);
  const { latencies, ms } = await driveClients(setup.clients, CALLS_PER_CLIENT, ROUND_LIMIT_MS);
  setup.latencies.push(...latencies);
  setup.calls += latencies.length;
  setup.ms += ms;
  setup.instances.forEach((instance, i) => {
    setup.serverCpuMs += (processCpuMs(instance.child.pid!) ?? 0) - cpu0[i]!;
  });
}

const perSecond = (setup: Setup) => (setup.calls * 1000) / setup.ms;

export const scaleOut: Benchmark = {
  id: 'B8',
  title: 'Scale-out: serve --http instances behind nginx (2026 era)',
  async run() {
    const nginxBinary = findNginx();
    if (nginxBinary === undefined) {
      progress('B8: skipped, nginx is not installed');
      return {
        about: 'Skipped: nginx is not installed on this machine (`apt-get install -y nginx`).',
        tables: [],
        targets: [],
        notes: ['Skipped: nginx is not installed.'],
        measurements: [],
      };
    }
    const instances: Instance[] = [];
    const proxies: RunningNginx[] = [];
    const setups: Setup[] = [];
    try {
      for (let i = 0; i < 3; i += 1) instances.push(await startInstance());
      const one = await startNginx(nginxBinary, [instances[0]!.address]);
      const three = await startNginx(
        nginxBinary,
        instances.map((instance) => instance.address),
      );
      proxies.push(one, three);
      const plan: [string, string, Instance[]][] = [
        ['1 instance, direct', instances[0]!.url, [instances[0]!]],
        ['1 instance behind nginx', one.url, [instances[0]!]],
        ['3 instances behind nginx', three.url, instances],
      ];
      for (const [name, url, used] of plan) {
        const clients: StackConnection[] = [];
        // The bare SDK client (a fixed answer): the cheapest client there is, so that the servers set the pace.
        for (let i = 0; i < CLIENTS; i += 1) clients.push(await connectHttpStack('bare', 'modern', url));
        const setup: Setup = { name, url, instances: used, clients, calls: 0, ms: 0, latencies: [], serverCpuMs: 0 };
        setups.push(setup);
        // Warm up, on a copy: its counts are not kept.
        await runRound({ ...setup, clients: clients.slice(0, 10), latencies: [] });
      }
      for (let r = 0; r < ROUNDS; r += 1) {
        for (const setup of r % 2 === 0 ? setups : [...setups].reverse()) {
          collectGarbage();
          await runRound(setup);
        }
        progress(`B8: round ${r + 1}/${ROUNDS}`);
      }
    } finally {
      for (const setup of setups) await Promise.all(setup.clients.map((client) => client.close()));
      for (const proxy of proxies) await proxy.stop();
      for (const instance of instances) {
        if (instance.child.exitCode === null) {
          instance.child.kill('SIGTERM');
          await once(instance.child, 'exit');
        }
      }
    }

    const [direct, oneBehind, threeBehind] = setups as [Setup, Setup, Setup];
    const cores = cpus().length;
    return {
      about:
        `${CLIENTS} bare SDK clients in the bench process, each calling \`summarize_document\` on a short ` +
        `document one call after another (${CALLS_PER_CLIENT} calls per client per round, at most ` +
        `${ROUND_LIMIT_MS / 1000} s), on the 2026-07-28 era (two HTTP requests per call: the ` +
        '`input_required` round and its retry). Three set-ups, alternating round by round ' +
        `(${ROUNDS} rounds): one \`serve --http\` instance reached directly; the same instance behind nginx; ` +
        'three instances sharing `MCP_SAMPLING_STATE_KEY` behind nginx, round-robin. nginx runs the ' +
        'configuration of [deploy.md](deploy.md) as written there (one worker process), on 127.0.0.1. ' +
        'Nothing is compared with a target: the numbers are a report.',
      tables: [
        {
          title: `Calls per second and latency (ms), on a machine with ${cores} cores`,
          headers: ['set-up', 'calls/s', 'p50 ms', 'p99 ms', 'server CPU ms/call (all instances)', 'calls'],
          rows: setups.map((setup) => [
            setup.name,
            round(perSecond(setup), 0),
            round(median(setup.latencies), 1),
            round(percentile(setup.latencies, 99), 1),
            round(setup.serverCpuMs / setup.calls, 3),
            setup.calls,
          ]),
        },
      ],
      charts: [
        {
          title: 'Calls per second',
          labels: setups.map((setup) => setup.name),
          unit: 'calls/s',
          series: [{ name: 'calls/s', values: setups.map((setup) => round(perSecond(setup), 0)) }],
        },
      ],
      targets: [],
      notes: [
        `This machine has ${cores} cores for the clients, nginx and every instance together (load average ` +
          `${round(loadavg()[0]!, 1)} at the end of the run: other work shared them). Three instances ran at ` +
          `${round(perSecond(threeBehind) / perSecond(oneBehind), 2)}× the calls/s of one behind the same nginx, ` +
          `and one behind nginx at ${round(perSecond(oneBehind) / perSecond(direct), 2)}× one reached directly. ` +
          `The instances used ${round(threeBehind.serverCpuMs / threeBehind.calls, 2)} ms of CPU per call ` +
          `together with three against ${round(oneBehind.serverCpuMs / oneBehind.calls, 2)} ms with one.`,
        'With more processes than cores, three instances cannot do three times the work: they share the two ' +
          'cores with the 50 clients and nginx, and each gets a third of the calls to warm up on. What this ' +
          'run shows is that the rounds of 2026-era calls spread over instances that share nothing but the ' +
          'state key, at a cost that is measured here, not how far that scales: that needs a core per ' +
          'instance, and the clients elsewhere.',
      ],
      measurements: setups.map((setup) => ({
        setup: setup.name,
        instances: setup.instances.length,
        clients: CLIENTS,
        calls: setup.calls,
        ms: round(setup.ms, 1),
        callsPerSecond: round(perSecond(setup), 1),
        p50Ms: round(median(setup.latencies), 2),
        p99Ms: round(percentile(setup.latencies, 99), 2),
        serverCpuMsPerCall: round(setup.serverCpuMs / setup.calls, 4),
        cores,
      })),
    };
  },
};
