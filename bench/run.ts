/**
 * `npm run bench`: runs every benchmark, prints one line per target (PASS/FAIL and the measured value),
 * and writes bench/results.json (machine, date, every measurement) and docs/benchmarks.md (the report).
 *
 * Environment: BENCH_FULL=1 adds the long variants; BENCH_ONLY=B3 (comma-separated ids) runs a subset, whose
 * report goes to bench/partial/ (git-ignored) so that a partial run never replaces the committed full report.
 * A benchmark that throws is reported as FAIL with its message; the others still run.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

import { FULL, machineInfo, type Benchmark, type BenchmarkReport, type BenchResults } from './lib.js';
import { writeMarkdown } from './report.js';

/** Each benchmark is loaded on its own, so that one that cannot even be imported fails alone. */
const BENCHMARKS: { id: string; title: string; load: () => Promise<Benchmark> }[] = [
  {
    id: 'B1',
    title: 'Sampling round trip over stdio, ours against the bare SDK',
    load: async () => (await import('./round-trip.js')).roundTrip,
  },
  {
    id: 'B2',
    title: 'Long documents through a simulated model',
    load: async () => (await import('./long-documents.js')).longDocuments,
  },
  {
    id: 'B3',
    title: 'The embedded extractive model alone',
    load: async () => (await import('./embedded-model.js')).embeddedModel,
  },
  {
    id: 'B4',
    title: 'Start-up: mcp-sampling summarize sample.txt as a whole process',
    load: async () => (await import('./start-up.js')).startUp,
  },
  {
    id: 'B5',
    title: 'Streamable HTTP, 50 concurrent clients on the 2026 era, ours against the bare SDK',
    load: async () => (await import('./http-load.js')).httpLoad,
  },
  {
    id: 'B6',
    title: 'One large stdio message, ours against the SDK reader',
    load: async () => (await import('./stdio-framing.js')).stdioFraming,
  },
  {
    id: 'B7',
    title: 'Long documents over Streamable HTTP, both eras',
    load: async () => (await import('./long-documents-http.js')).longDocumentsHttp,
  },
  {
    id: 'B8',
    title: 'Scale-out: serve --http instances behind nginx (2026 era)',
    load: async () => (await import('./scale-out.js')).scaleOut,
  },
  {
    id: 'B9',
    title: 'The bridge on a plain tool call, against direct',
    load: async () => (await import('./bridge-overhead.js')).bridgeOverhead,
  },
];

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

async function runOne(entry: (typeof BENCHMARKS)[number]): Promise<BenchmarkReport> {
  const start = performance.now();
  process.stderr.write(`${entry.id} — ${entry.title}\n`);
  try {
    const benchmark = await entry.load();
    const report = await benchmark.run();
    return { id: entry.id, title: entry.title, ...report, durationMs: Math.round(performance.now() - start) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`  ! ${entry.id} failed: ${error instanceof Error ? (error.stack ?? message) : message}\n`);
    return {
      id: entry.id,
      title: entry.title,
      about: '',
      tables: [],
      targets: [
        {
          name: entry.id,
          description: 'the benchmark ran to the end',
          measured: Number.NaN,
          unit: '',
          limit: 'no error',
          pass: false,
          detail: message,
        },
      ],
      notes: [],
      measurements: [],
      error: message,
      durationMs: Math.round(performance.now() - start),
    };
  }
}

async function main(): Promise<void> {
  const only = process.env['BENCH_ONLY']
    ?.split(',')
    .map((id) => id.trim().toUpperCase())
    .filter((id) => id !== '');
  const unknown = only?.filter((id) => !BENCHMARKS.some((b) => b.id === id)) ?? [];
  if (unknown.length > 0) {
    process.stderr.write(
      `BENCH_ONLY names no benchmark ${unknown.join(', ')}; the ids are ${BENCHMARKS.map((b) => b.id).join(', ')}\n`,
    );
    process.exitCode = 2;
    return;
  }
  const selected = BENCHMARKS.filter((b) => only === undefined || only.includes(b.id));
  const started = performance.now();
  const date = new Date().toISOString();
  const machine = machineInfo();
  process.stderr.write(
    `bench on ${machine.cpu} (${machine.cores} cores, ${machine.memoryGB} GB), node ${machine.node}` +
      `${FULL ? ', BENCH_FULL=1' : ''}\n`,
  );

  const reports: BenchmarkReport[] = [];
  for (const entry of selected) {
    const report = await runOne(entry);
    reports.push(report);
    for (const target of report.targets) {
      const value = Number.isNaN(target.measured) ? 'error' : `${target.measured} ${target.unit}`.trim();
      console.log(
        `${target.pass ? 'PASS' : 'FAIL'}  ${target.name}: ${value} (target ${target.limit})` +
          `${target.detail !== undefined ? ` — ${target.detail}` : ''}`,
      );
    }
  }

  const results: BenchResults = {
    machine,
    date,
    full: FULL,
    only,
    totalSeconds: Math.round((performance.now() - started) / 100) / 10,
    benchmarks: reports,
  };
  // A subset is written beside, never over, the full run's committed report.
  const partial = only === undefined ? undefined : join(root, 'bench', 'partial');
  if (partial !== undefined) mkdirSync(partial, { recursive: true });
  const suffix = only === undefined ? '' : `-${only.join('-')}`;
  const jsonPath = join(partial ?? join(root, 'bench'), `results${suffix}.json`);
  const markdownPath = join(partial ?? join(root, 'docs'), `benchmarks${suffix}.md`);
  writeFileSync(jsonPath, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(markdownPath, writeMarkdown(results));
  const passed = reports.flatMap((r) => r.targets).filter((t) => t.pass).length;
  const total = reports.flatMap((r) => r.targets).length;
  process.stderr.write(
    `${passed}/${total} targets passed in ${results.totalSeconds} s; wrote ${relative(root, jsonPath)} and ${relative(root, markdownPath)}\n`,
  );

  // Everything is closed by now; should a handle still hold the loop, say so and leave anyway.
  setTimeout(() => {
    process.stderr.write('warning: something still held the event loop 5 s after the bench ended; exiting\n');
    process.exit(0);
  }, 5000).unref();
}

await main();
