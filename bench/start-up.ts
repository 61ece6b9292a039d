/**
 * B4 — start-up: `mcp-sampling summarize sample.txt` as a whole process, the way a user runs it (`npm start`):
 * wall time from spawn to exit and the peak RSS of the process tree (the CLI, the server it spawns and any
 * short-lived era-probe server the MCP SDK spawns; `summarize` probes its own server in place, so normally
 * none), median of several runs, on each protocol era, interleaved.
 * One more run under a CPU profiler says where the time goes.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

import { formatMs, median, MB, progress, round, type Benchmark, type Table, type TargetResult } from './lib.js';
import { canWatchProcessTree, watchProcessTree, type TreePeak } from './process-tree.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const SAMPLE = join(ROOT, 'sample.txt');
/** GNU time, for its `%M` (the largest RSS of one process of the tree, from the kernel): a cross-check. */
const GNU_TIME = '/usr/bin/time';

const ROUNDS = 7;
const SAMPLE_INTERVAL_MS = 10;
const RUN_TIMEOUT_MS = 30_000;
const MAX_WALL_MS = 1000;
const MAX_TREE_MB = 200;

type VariantId = 'baseline' | 'legacy' | 'modern' | 'auto';

interface Variant {
  id: VariantId;
  /** The command as a user would type it. */
  shown: string;
  args: string[];
  /** The era the `server` line must report; undefined: not checked (auto) or no CLI at all (baseline). */
  era?: 'legacy' | 'modern';
  cli: boolean;
}

const VARIANTS: readonly Variant[] = [
  { id: 'baseline', shown: 'node -e 0', args: ['-e', '0'], cli: false },
  {
    id: 'legacy',
    shown: 'mcp-sampling summarize sample.txt --era legacy',
    args: [CLI, 'summarize', SAMPLE, '--era', 'legacy'],
    era: 'legacy',
    cli: true,
  },
  {
    id: 'modern',
    shown: 'mcp-sampling summarize sample.txt --era modern',
    args: [CLI, 'summarize', SAMPLE, '--era', 'modern'],
    era: 'modern',
    cli: true,
  },
  // The default, exactly what `npm start` runs (no --era: auto).
  { id: 'auto', shown: 'mcp-sampling summarize sample.txt', args: [CLI, 'summarize', SAMPLE], cli: true },
];

/** Lines of the CLI's flow, in order, and the moment each first appears on its stdout. */
const MILESTONES = [
  { key: 'read', label: 'file read (CLI modules loaded)', pattern: /^• read\b/m },
  { key: 'server', label: 'connected to the server', pattern: /^• server\b/m },
  { key: 'summary', label: 'summary printed', pattern: /^Summary:/m },
  { key: 'closed', label: 'server exited', pattern: /^• closed\b/m },
] as const;
type MilestoneKey = (typeof MILESTONES)[number]['key'];

interface Run {
  variant: VariantId;
  /** 0 for the warm-up run (not counted). */
  round: number;
  wallMs: number;
  /** Since spawn, ms; missing if the line never appeared. */
  milestones: Partial<Record<MilestoneKey, number>>;
  era: string | undefined;
  peakTreeMB: number | undefined;
  peakProcessMB: number | undefined;
  /** GNU time's %M, MB (the largest single process). */
  gnuTimeMaxRssMB: number | undefined;
  samples: number | undefined;
  processes: { pid: number; command: string; firstSeenMs: number; lastSeenMs: number; peakRssMB: number }[];
}

/**
 * The environment of every run: the bench's own, without anything that would change what is measured —
 * provider keys and endpoints (the run must stay offline, on the embedded model), the CLI's own settings,
 * NODE_OPTIONS (a profiler or loader of the caller would be inherited by all three processes) and
 * NODE_EXTRA_CA_CERTS (some sandboxes set it; Node then parses a CA bundle at every start, about 30 ms per
 * process here, which is not our start-up). HOME is a fresh directory, so the audit log and state go there.
 */
const DROPPED_ENV =
  /(_API_?KEY|_KEY|_BASE_URL|TOKEN|SECRET|PASSWORD|CREDENTIAL)$|^MCP_SAMPLING_|^NODE_OPTIONS$|^NODE_EXTRA_CA_CERTS$/i;

function cleanEnvironment(home: string): { env: NodeJS.ProcessEnv; dropped: string[] } {
  const env: NodeJS.ProcessEnv = {};
  const dropped: string[] = [];
  for (const [name, value] of Object.entries(process.env)) {
    if (DROPPED_ENV.test(name)) dropped.push(name);
    else env[name] = value;
  }
  env['HOME'] = home;
  return { env, dropped: dropped.sort() };
}

interface Spawned {
  wallMs: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  milestones: Partial<Record<MilestoneKey, number>>;
  tree: TreePeak | undefined;
}

/** Runs `node <args>` (under GNU time when `timeFile` is given) and watches its process tree until it exits. */
function runOnce(
  args: readonly string[],
  options: { env: NodeJS.ProcessEnv; cwd: string; timeFile?: string | undefined; watch: boolean },
): Promise<Spawned> {
  const { timeFile } = options;
  const [command, argv] =
    timeFile === undefined
      ? [process.execPath, [...args]]
      : [GNU_TIME, ['-f', '%M', '-o', timeFile, process.execPath, ...args]];
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, argv, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const tree =
      options.watch && child.pid !== undefined
        ? watchProcessTree(child.pid, { intervalMs: SAMPLE_INTERVAL_MS, excludeRoot: timeFile !== undefined })
        : undefined;
    const milestones: Partial<Record<MilestoneKey, number>> = {};
    let stdout = '';
    let stderr = '';
    let wallMs = Number.NaN;
    let peak: TreePeak | undefined;
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const at = performance.now() - started;
      stdout += chunk;
      // The CLI writes each line synchronously (stdout is a pipe), so arrival time is when it was printed.
      for (const m of MILESTONES) if (milestones[m.key] === undefined && m.pattern.test(stdout)) milestones[m.key] = at;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error) => {
      clearTimeout(timer);
      peak = tree?.stop();
      reject(error);
    });
    child.on('exit', () => {
      wallMs = performance.now() - started;
      peak = tree?.stop();
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ wallMs, code, signal, stdout, stderr, milestones, tree: peak });
    });
  });
}

function describeFailure(variant: Variant, result: Spawned, why: string): Error {
  const tail = (text: string) => text.trim().split('\n').slice(-5).join(' / ');
  return new Error(
    `${variant.shown}: ${why} (exit ${result.code ?? result.signal}; stdout: ${tail(result.stdout) || 'empty'}; ` +
      `stderr: ${tail(result.stderr) || 'empty'})`,
  );
}

async function measure(variant: Variant, roundNo: number, useGnuTime: boolean, watch: boolean): Promise<Run> {
  const scratch = mkdtempSync(join(tmpdir(), 'mcp-sampling-b4-'));
  try {
    const home = join(scratch, 'home');
    const cwd = join(scratch, 'cwd');
    for (const dir of [home, cwd]) mkdirSync(dir);
    const { env } = cleanEnvironment(home);
    const timeFile = useGnuTime ? join(scratch, 'time.txt') : undefined;
    const result = await runOnce(variant.args, { env, cwd, timeFile, watch });
    if (result.code !== 0) throw describeFailure(variant, result, 'did not exit with 0');
    if (variant.cli && !result.stdout.includes('Summary:'))
      throw describeFailure(variant, result, 'printed no "Summary:"');
    const era = /\bera (legacy|modern)\b/.exec(result.stdout)?.[1];
    if (variant.era !== undefined && era !== variant.era) {
      throw describeFailure(variant, result, `connected on the ${era ?? 'unknown'} era, expected ${variant.era}`);
    }
    let gnuTimeMaxRssMB: number | undefined;
    if (timeFile !== undefined) {
      // %M is in KB; the file may also hold "Command exited with non-zero status" lines.
      const kb = Number(readFileSync(timeFile, 'utf8').trim().split('\n').at(-1));
      if (Number.isFinite(kb)) gnuTimeMaxRssMB = round((kb * 1024) / MB, 1);
    }
    const { tree } = result;
    return {
      variant: variant.id,
      round: roundNo,
      wallMs: round(result.wallMs, 1),
      milestones: Object.fromEntries(Object.entries(result.milestones).map(([k, v]) => [k, round(v, 1)])),
      era,
      peakTreeMB: tree === undefined ? undefined : round(tree.peakTreeBytes / MB, 1),
      peakProcessMB: tree === undefined ? undefined : round(tree.peakProcessBytes / MB, 1),
      gnuTimeMaxRssMB,
      samples: tree?.samples,
      processes: (tree?.processes ?? []).map((p) => ({
        pid: p.pid,
        command: p.command.replaceAll(ROOT, '.'),
        firstSeenMs: round(p.firstSeenMs, 0),
        lastSeenMs: round(p.lastSeenMs, 0),
        peakRssMB: round(p.peakRssBytes / MB, 1),
      })),
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------
// CPU profile of one default run: the CLI, the probe and the server

/**
 * A preload that profiles whichever Node process loads it and writes `<pid>.cpuprofile` on exit. Node 20
 * refuses `--cpu-prof` in NODE_OPTIONS, and NODE_OPTIONS is the only setting the CLI passes on to the server
 * it spawns, so `--require` of this file is how the server and the probe get profiled too. The directory is
 * written into the file: the server's environment is reduced to a fixed list. On SIGTERM (how the probe is
 * ended) it writes the profile and exits 143, as the signal would have.
 */
const PROFILER_PRELOAD = (dir: string) => `'use strict';
const { Session } = require('node:inspector');
const { writeFileSync } = require('node:fs');
const session = new Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.setSamplingInterval', { interval: 500 });
session.post('Profiler.start');
let saved = false;
function save() {
  if (saved) return;
  saved = true;
  // The main-thread session answers synchronously, so this completes inside an 'exit' listener.
  session.post('Profiler.stop', (error, result) => {
    if (!error) writeFileSync(${JSON.stringify(dir)} + '/' + process.pid + '.cpuprofile', JSON.stringify(result.profile));
  });
}
process.on('exit', save);
process.on('SIGTERM', () => { save(); process.exit(143); });
`;

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

interface ProfileSummary {
  role: string;
  pid: number;
  /** From the preload to exit, ms (under the profiler, so slower than an unprofiled run). */
  spanMs: number;
  /** Self time by kind of code (a package, our dist/, Node's loader, GC, idle…), ms, largest first. */
  groups: { name: string; ms: number }[];
  /** Self time by function, ms, largest first (the first few). */
  functions: { name: string; ms: number }[];
}

/** What a script URL belongs to: a package, our own dist/, Node's module loader or other internals. */
function groupOf(functionName: string, url: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : `native ${functionName}`;
  if (url.startsWith('node:internal/modules') || functionName === 'compileSourceTextModule') {
    return 'Node module loader (resolve, read, compile)';
  }
  if (url.startsWith('node:')) return 'Node internals';
  const at = url.lastIndexOf('node_modules/');
  if (at >= 0) {
    // The innermost package: …/node_modules/ai/node_modules/@ai-sdk/provider-utils/… is @ai-sdk/provider-utils.
    const [scope = '', name = ''] = url.slice(at + 'node_modules/'.length).split('/');
    return scope.startsWith('@') ? `${scope}/${name}` : scope;
  }
  return url.includes('/dist/') ? 'ours (dist/)' : url;
}

function summarizeProfile(profile: CpuProfile, role: string, pid: number): ProfileSummary {
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const groups = new Map<string, number>();
  const functions = new Map<string, number>();
  // Sample i lasts until sample i + 1 (as DevTools counts it).
  for (let i = 0; i < profile.samples.length; i++) {
    const us = profile.timeDeltas[i + 1] ?? 0;
    const frame = frames.get(profile.samples[i]!);
    if (frame === undefined) continue;
    const group = groupOf(frame.functionName, frame.url);
    groups.set(group, (groups.get(group) ?? 0) + us);
    const where = frame.url.replace(/^file:\/\/.*node_modules\//, '').replace(/^file:\/\/.*\/dist\//, 'dist/');
    const name = `${frame.functionName || '(module body)'}${where === '' ? '' : ` ${where}:${frame.lineNumber + 1}`}`;
    functions.set(name, (functions.get(name) ?? 0) + us);
  }
  const top = (map: Map<string, number>, n: number) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => ({ name, ms: round(us / 1000, 1) }));
  return {
    role,
    pid,
    spanMs: round((profile.endTime - profile.startTime) / 1000, 0),
    groups: top(groups, Infinity),
    functions: top(functions, 6),
  };
}

async function profileDefaultRun(): Promise<ProfileSummary[]> {
  const scratch = mkdtempSync(join(tmpdir(), 'mcp-sampling-b4-prof-'));
  try {
    const dir = join(scratch, 'profiles');
    const home = join(scratch, 'home');
    const cwd = join(scratch, 'cwd');
    for (const d of [dir, home, cwd]) mkdirSync(d);
    const preload = join(scratch, 'profile-preload.cjs');
    writeFileSync(preload, PROFILER_PRELOAD(dir));
    const { env } = cleanEnvironment(home);
    env['NODE_OPTIONS'] = `--require=${JSON.stringify(preload)}`; // quoted: NODE_OPTIONS splits on spaces
    const auto = VARIANTS.find((v) => v.id === 'auto')!;
    const result = await runOnce(auto.args, { env, cwd, watch: false });
    if (result.code !== 0) throw describeFailure(auto, result, 'did not exit with 0 under the profiler');
    const profiles = readdirSync(dir)
      .filter((name) => name.endsWith('.cpuprofile'))
      .map((name) => ({
        pid: Number(name.split('.')[0]),
        profile: JSON.parse(readFileSync(join(dir, name), 'utf8')) as CpuProfile,
      }))
      .sort((a, b) => a.profile.startTime - b.profile.startTime);
    // The CLI starts first; then the servers it spawned, in order: with two, the first is the era probe.
    const servers = profiles.length - 1;
    return profiles.map(({ pid, profile }, i) =>
      summarizeProfile(
        profile,
        i === 0 ? 'CLI' : servers === 2 ? (i === 1 ? 'probe server (server/discover only)' : 'server') : `server ${i}`,
        pid,
      ),
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------

const mb = (value: number | undefined): string =>
  value === undefined || Number.isNaN(value) ? '—' : `${value.toFixed(0)} MB`;
const ms = (value: number | undefined): string => (value === undefined || Number.isNaN(value) ? '—' : formatMs(value));

function medianOf(runs: readonly Run[], pick: (run: Run) => number | undefined): number {
  return median(runs.map(pick).filter((v): v is number => v !== undefined));
}

export const startUp: Benchmark = {
  id: 'B4',
  title: 'Start-up: `mcp-sampling summarize sample.txt` as a whole process',
  async run() {
    if (!existsSync(CLI)) throw new Error(`${CLI} does not exist: run \`npm run build\` first`);
    const watch = canWatchProcessTree();
    const useGnuTime = existsSync(GNU_TIME);
    const { dropped } = cleanEnvironment(tmpdir());

    // Warm-up: one run of each variant, not counted (page cache, first-time file reads).
    progress('B4 warm-up (one run of each variant)');
    for (const variant of VARIANTS) await measure(variant, 0, useGnuTime, watch);

    // Each round runs every variant once, in an order rotated by one each round, so that a slow spell of the
    // machine spreads over all variants and none is always first or last.
    const runs: Run[] = [];
    for (let r = 1; r <= ROUNDS; r++) {
      const order = VARIANTS.map((_, i) => VARIANTS[(i + r) % VARIANTS.length]!);
      for (const variant of order) runs.push(await measure(variant, r, useGnuTime, watch));
      const auto = runs.at(-order.length + order.findIndex((v) => v.id === 'auto'))!;
      progress(`B4 round ${r}/${ROUNDS}: auto ${formatMs(auto.wallMs)}, tree peak ${mb(auto.peakTreeMB)}`);
    }

    progress('B4 one more default run under a CPU profiler (CLI, probe and server)');
    let profiles: ProfileSummary[] = [];
    let profileError: string | undefined;
    try {
      profiles = await profileDefaultRun();
    } catch (error) {
      profileError = error instanceof Error ? error.message : String(error);
    }

    const byVariant = VARIANTS.map((variant) => {
      const own = runs.filter((run) => run.variant === variant.id);
      const walls = own.map((run) => run.wallMs);
      return {
        variant,
        runs: own,
        wallMs: median(walls),
        minMs: Math.min(...walls),
        maxMs: Math.max(...walls),
        treeMB: medianOf(own, (run) => run.peakTreeMB),
        processMB: medianOf(own, (run) => run.peakProcessMB),
        gnuTimeMB: medianOf(own, (run) => run.gnuTimeMaxRssMB),
        processes: median(own.map((run) => run.processes.length)),
        milestones: Object.fromEntries(
          MILESTONES.map((m) => [m.key, medianOf(own, (run) => run.milestones[m.key])]),
        ) as Record<MilestoneKey, number>,
      };
    });
    const stat = (id: VariantId) => byVariant.find((s) => s.variant.id === id)!;
    const auto = stat('auto');
    const legacy = stat('legacy');
    const baseline = stat('baseline');

    const targets: TargetResult[] = [
      {
        name: 'B4 start-up wall time (auto)',
        description: `\`${auto.variant.shown}\` (what \`npm start\` runs), spawn to exit: median < ${MAX_WALL_MS} ms`,
        measured: round(auto.wallMs, 0),
        unit: 'ms',
        limit: `< ${MAX_WALL_MS}`,
        pass: auto.wallMs < MAX_WALL_MS,
        detail: `median of ${auto.runs.length}, ${formatMs(auto.minMs)} … ${formatMs(auto.maxMs)}`,
      },
      watch
        ? {
            name: 'B4 start-up peak RSS (auto)',
            description: `the same runs: peak RSS of the process tree (the CLI and what it spawns), median < ${MAX_TREE_MB} MB`,
            measured: round(auto.treeMB, 0),
            unit: 'MB',
            limit: `< ${MAX_TREE_MB}`,
            pass: auto.treeMB < MAX_TREE_MB,
            detail: `median of ${auto.runs.length}; largest single process ${mb(auto.processMB)}`,
          }
        : {
            name: 'B4 start-up peak RSS (auto)',
            description: `peak RSS of the process tree, median < ${MAX_TREE_MB} MB`,
            measured: Number.NaN,
            unit: 'MB',
            limit: `< ${MAX_TREE_MB}`,
            pass: false,
            detail: 'not measured: needs Linux /proc',
          },
    ];

    const tables: Table[] = [
      {
        title: 'Wall time and peak memory, by variant (interleaved rounds)',
        headers: [
          'Variant',
          'Command',
          'Wall median',
          'Min … max',
          'Peak RSS, tree (median)',
          'Largest process (median)',
          ...(useGnuTime ? ['GNU time %M (median)'] : []),
          'Processes in the tree',
        ],
        rows: byVariant.map((s) => [
          s.variant.id === 'auto' ? 'auto (default)' : s.variant.id,
          s.variant.shown,
          formatMs(s.wallMs),
          `${formatMs(s.minMs)} … ${formatMs(s.maxMs)}`,
          mb(s.treeMB),
          mb(s.processMB),
          ...(useGnuTime ? [mb(s.gnuTimeMB)] : []),
          s.processes,
        ]),
      },
      {
        title: 'Where the wall time goes: median time since spawn at which each line of the CLI appeared',
        headers: [
          'Variant',
          ...MILESTONES.map((m) => `${m.label} (\`${m.pattern.source.replace(/^\^|\\b$/g, '')}\`)`),
          'exit',
        ],
        rows: byVariant
          .filter((s) => s.variant.cli)
          .map((s) => [s.variant.id, ...MILESTONES.map((m) => ms(s.milestones[m.key])), formatMs(s.wallMs)]),
      },
    ];
    if (profiles.length > 0) {
      tables.push({
        title: 'CPU profile of one default run: self time by kind of code, per process',
        headers: ['Process', 'Profiled span', 'Largest self times'],
        rows: profiles.map((p) => [
          `${p.role} (pid ${p.pid})`,
          formatMs(p.spanMs),
          p.groups
            .slice(0, 8)
            .map((g) => `${g.name} ${g.ms.toFixed(0)} ms`)
            .join('; '),
        ]),
      });
    }

    // ---- Findings, from the numbers above.
    const notes: string[] = [];
    notes.push(
      'Wall time is from `spawn()` to the exit of the process (under GNU time when it is installed, which adds about a ' +
        `millisecond). Peak RSS is sampled from /proc every ${SAMPLE_INTERVAL_MS} ms: the sum of VmRSS over the CLI ` +
        'and every descendant (the server, and a probe server if the MCP SDK spawns one to ask `server/discover`: ' +
        '`summarize` asks its own server in place, so the tree normally has two processes), so a peak shorter than the period can be missed, and pages shared by the processes (the ' +
        'Node binary) count once in each, so the sum overstates what the tree really holds. "Largest process" is the ' +
        "largest single VmRSS seen; GNU time's `%M` is the kernel's figure for the same thing, a cross-check of the " +
        'sampling.' +
        (dropped.length > 0 ? ` Removed from the environment of the runs: ${dropped.join(', ')}.` : ''),
    );

    const probeLives = auto.runs
      .map((run) => run.processes.filter((p) => p.command.endsWith(' serve')))
      .filter((servers) => servers.length >= 2)
      .map((servers) => servers[0]!.lastSeenMs - servers[0]!.firstSeenMs);
    const gap = auto.wallMs - legacy.wallMs;
    notes.push(
      `Where the ${formatMs(auto.wallMs)} of the default go (medians): Node alone starts and exits in ` +
        `${formatMs(baseline.wallMs)}; the CLI prints its first line at ${ms(auto.milestones.read)}, so loading its ` +
        `own modules takes about ${ms(auto.milestones.read - baseline.wallMs)}. ` +
        (probeLives.length > 0
          ? `Then, on the 2026 era, the SDK spawns a probe server that lives about ${formatMs(median(probeLives))} ` +
            'only to answer `server/discover`, and after it has exited the server that does the work, which loads ' +
            `from scratch again: the CLI says "connected" at ${ms(auto.milestones.server)} (as soon as the probe ` +
            'has answered and the real server is spawned, before it has loaded) and prints the summary at ' +
            `${ms(auto.milestones.summary)}. `
          : `Connected at ${ms(auto.milestones.server)}, summary at ${ms(auto.milestones.summary)}. `) +
        `Legacy, with one server and an \`initialize\` handshake, prints it at ${ms(legacy.milestones.summary)} ` +
        `and exits at ${formatMs(legacy.wallMs)}: the default is ${formatMs(Math.abs(gap))} ` +
        `${gap >= 0 ? 'slower' : 'faster'}${probeLives.length > 0 && gap > 0 ? ', the price of the probe' : ''}. ` +
        `After the summary, closing the server and exiting take ${ms(auto.wallMs - auto.milestones.summary)}.` +
        (probeLives.length > 0
          ? ' The probe and the server do not overlap, so the probe costs time, not peak memory: the peak is the ' +
            'CLI and one server.'
          : ''),
    );

    /** Self time in the MCP client SDK of each server process (the probe's and the server's), ms. */
    let clientInServer: number[] = [];
    if (profiles.length > 0) {
      const group = (p: ProfileSummary, test: (name: string) => boolean) =>
        p.groups.filter((g) => test(g.name)).reduce((sum, g) => sum + g.ms, 0);
      const cli = profiles.find((p) => p.role === 'CLI');
      const isPackage = (name: string) =>
        !name.startsWith('(') && !name.startsWith('Node') && !name.startsWith('native') && !name.startsWith('ours');
      notes.push(
        'The CPU profile (one more default run; a preload in NODE_OPTIONS profiles the CLI and the servers it ' +
          'spawns, since Node 20 refuses `--cpu-prof` there, and the CLI passes NODE_OPTIONS to the server) says ' +
          'where each process spends its busy time (the loader resolves, reads and compiles ESM source; time in ' +
          'packages is, at start-up, mostly their top-level code, run as each module is loaded): ' +
          profiles
            .map(
              (p) =>
                `${p.role} ${formatMs(p.spanMs)} profiled, ${formatMs(group(p, (n) => n !== '(idle)'))} busy, ` +
                `${formatMs(group(p, (n) => n.startsWith('Node module loader')))} in the loader, ` +
                `${formatMs(group(p, isPackage))} in packages (` +
                p.groups
                  .filter((g) => isPackage(g.name))
                  .slice(0, 3)
                  .map((g) => `${g.name} ${g.ms.toFixed(0)} ms`)
                  .join(', ') +
                ')',
            )
            .join('; ') +
          '.' +
          (cli !== undefined && group(cli, (n) => n === '(idle)') > group(cli, (n) => n !== '(idle)')
            ? ' The CLI is idle most of the time, waiting for the servers to load and answer.'
            : ''),
      );
      clientInServer = profiles
        .filter((p) => p.role !== 'CLI')
        .map((p) => group(p, (n) => n === '@modelcontextprotocol/client'))
        .filter((msInClient) => msInClient > 0);
      if (clientInServer.length > 0) {
        notes.push(
          'The server processes run code of the MCP *client* SDK (' +
            clientInServer.map((v) => `${v.toFixed(0)} ms`).join(', ') +
            ' of self time, plus its compile time in the loader): `dist/cli/main.js` imports ' +
            '`src/client/connect/era.js` at the top (for `ERA_MODES`), so `mcp-sampling serve` loads the client SDK ' +
            'with its JSON-schema validator on every start, the probe included.',
        );
      }
    } else if (profileError !== undefined) {
      notes.push(`The profiled run failed: ${profileError}`);
    }

    const cuts: string[] = [];
    if (probeLives.length > 0) {
      cuts.push(
        'the probe: for the server the CLI spawns itself, which is known to answer `server/discover` without ' +
          'exiting, let the SDK probe in place on the one process (it probes on a sibling only for its exact ' +
          '`StdioClientTransport` class, so a trivial subclass does) or connect with a known `prior`; that removes ' +
          'one whole server start from auto and modern',
      );
    }
    if (clientInServer.length > 0) cuts.push('the MCP client SDK that every `serve` process loads (above)');
    cuts.push(
      'what both processes load that the run needs: zod and the MCP SDK (its JSON-schema validator ' +
        "included) are the largest part of each process's load in the profile above",
    );
    notes.push(
      'Already cut: the CLI starts its server as soon as the command line is parsed, before it loads the MCP ' +
        'client SDK and its own client side, and the connection adopts that process (src/cli/early-server.ts), ' +
        'so the two processes load their modules at the same time on the two cores; the AI SDK, the vendor ' +
        'packages, the HTTP transport, OAuth and @clack/prompts are not loaded on this path at all ' +
        '(test/cli-lazy-imports.e2e.test.ts).',
    );
    notes.push(`What is ours to cut, largest first: ${cuts.map((cut, i) => `(${i + 1}) ${cut}`).join('; ')}.`);
    const failed = targets.filter((t) => !t.pass);
    if (failed.length > 0) {
      notes.push(
        `Target${failed.length > 1 ? 's' : ''} missed: ` +
          failed.map((t) => `${t.name} (${t.measured} ${t.unit}, limit ${t.limit})`).join(', ') +
          '. See above for what dominates the cost.',
      );
    }

    return {
      about:
        `\`node dist/cli/main.js summarize sample.txt\` (${readFileSync(SAMPLE).length.toLocaleString('en-US')} bytes) ` +
        'run as a child process, the whole way: Node starts, the CLI loads, spawns the Document Assistant server ' +
        'over stdio, calls `summarize_document`, answers its sampling request with the embedded extractive model ' +
        '(no provider key: offline), prints the summary, closes the server and exits. Each run gets a fresh HOME ' +
        '(the audit log and state go there) and a fresh working directory, and no provider keys. Variants: the three ' +
        `eras (\`--era legacy\`, \`--era modern\`, and the default \`auto\`, which is what \`npm start\` runs) and ` +
        `\`node -e 0\` as the floor. After one warm-up run of each, ${ROUNDS} rounds run every variant once, in an ` +
        'order rotated each round; medians are reported. Exit code 0 and a "Summary:" line are checked on every run.\n\n' +
        `Targets, on the default (auto): median wall time < ${MAX_WALL_MS} ms, median peak RSS of the process ` +
        `tree < ${MAX_TREE_MB} MB.`,
      tables,
      targets,
      notes,
      measurements: [...runs, ...profiles.map((profile) => ({ profile }))],
    };
  },
};
