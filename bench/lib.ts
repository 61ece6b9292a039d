/**
 * Shared helpers for the benchmarks: timing, medians, memory sampling, deterministic test documents,
 * and the shape every benchmark reports in (targets, tables, raw measurements).
 */
import { cpus, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** 1 MB in this report = 2^20 bytes. The generated documents are ASCII, so bytes = UTF-16 code units. */
export const MB = 1 << 20;

/** Runs longer variants (10 MB documents through the simulated model) when BENCH_FULL=1. */
export const FULL = process.env['BENCH_FULL'] === '1';

/** One target: a measured value compared with a limit. */
export interface TargetResult {
  /** Short unique name, e.g. "B2 1 MB legacy". */
  name: string;
  /** What is compared, in words: "wall time / lower bound ≤ 1.25". */
  description: string;
  /** The measured value (a ratio, or a throughput), or NaN when the benchmark failed before measuring. */
  measured: number;
  /** Unit or kind of `measured`, for the report ("×", "MB/s"). */
  unit: string;
  /** The limit, as text ("≤ 1.25", "≥ 5"). */
  limit: string;
  pass: boolean;
  /** Extra words for the console line and the report. */
  detail?: string;
}

export interface Table {
  title: string;
  headers: string[];
  rows: (string | number)[][];
}

/** A bar chart (rendered as a Mermaid `xychart-beta`, which GitHub draws): one bar series per entry. */
export interface Chart {
  title: string;
  /** The x-axis categories. */
  labels: string[];
  /** The y-axis title, e.g. "calls/s". */
  unit: string;
  series: { name: string; values: number[] }[];
}

export interface BenchmarkReport {
  id: string;
  title: string;
  /** What the benchmark does and how, in markdown (a paragraph or a list). */
  about: string;
  tables: Table[];
  charts?: Chart[];
  targets: TargetResult[];
  /** Findings in markdown: what dominates the cost, caveats. */
  notes: string[];
  /** Every raw measurement, for results.json. */
  measurements: unknown[];
  /** Set when the benchmark threw: its message. */
  error?: string;
  durationMs: number;
}

export interface Benchmark {
  id: string;
  title: string;
  run(): Promise<Omit<BenchmarkReport, 'id' | 'title' | 'durationMs'>>;
}

/** Everything one run produced: bench/results.json. */
export interface BenchResults {
  machine: MachineInfo;
  date: string;
  full: boolean;
  only: string[] | undefined;
  totalSeconds: number;
  benchmarks: BenchmarkReport[];
}

/** Progress for the person watching: stderr only, so stdout keeps the one-line-per-target summary. */
export function progress(message: string): void {
  process.stderr.write(`  … ${message}\n`);
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The `p`th percentile of `values` (nearest rank); NaN when there are none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

/**
 * One round of a load test: every client calls in a loop until it has made `callsPerClient` calls or
 * `limitMs` is up; the latency of each call, and how long the round took.
 */
export async function driveClients(
  clients: readonly { call(): Promise<unknown> }[],
  callsPerClient: number,
  limitMs: number,
): Promise<{ latencies: number[]; ms: number }> {
  const latencies: number[] = [];
  const start = performance.now();
  const deadline = start + limitMs;
  await Promise.all(
    clients.map(async (client) => {
      for (let i = 0; i < callsPerClient && performance.now() < deadline; i += 1) {
        const t0 = performance.now();
        await client.call();
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return { latencies, ms: performance.now() - start };
}

export async function timed<T>(work: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await work();
  return { ms: performance.now() - start, value };
}

export const round = (value: number, digits = 2): number => {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
};

export const toMB = (bytes: number): number => bytes / MB;

/** Samples `process.memoryUsage().rss` every `intervalMs` and keeps the peak (and the starting value). */
export interface RssPeak {
  startBytes: number;
  peakBytes: number;
  samples: number;
}

export function sampleRss(intervalMs = 50): { stop(): RssPeak } {
  const startBytes = process.memoryUsage().rss;
  let peakBytes = startBytes;
  let samples = 1;
  const timer = setInterval(() => {
    samples++;
    peakBytes = Math.max(peakBytes, process.memoryUsage().rss);
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      peakBytes = Math.max(peakBytes, process.memoryUsage().rss);
      return { startBytes, peakBytes, samples: samples + 1 };
    },
  };
}

/**
 * A full garbage collection, so that a measurement does not pay for the garbage of the one before. `gc` is
 * exposed at run time (the flag applies to contexts created afterwards), since `npm run bench` runs plain tsx.
 */
const fullGc: (() => void) | undefined = (() => {
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    return typeof gc === 'function' ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
})();

export function collectGarbage(): void {
  fullGc?.();
}

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGB: number;
  node: string;
  platform: string;
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGB: round(totalmem() / 1024 ** 3, 1),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

// ---------------------------------------------------------------------------------------------------
// Deterministic documents

/** A small, fast, seeded PRNG (mulberry32): the same seed gives the same document on every machine. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const words = (list: string): string[] => list.trim().split(/\s+/);

const SUBJECTS = words(`
  committee council survey report engineer farmer teacher nurse harbour village river orchard bridge railway
  library museum hospital factory market garden festival expedition laboratory observatory cooperative
  ministry newspaper orchestra vineyard lighthouse quarry mill bakery workshop archive parliament school
  university clinic fishery brewery studio foundry tannery warehouse monastery courthouse station`);

const ADJECTIVES = words(`
  northern southern eastern western ancient modern small large quiet busy careful patient remote coastal
  rural urban wealthy modest experimental traditional seasonal temporary permanent regional national local
  independent public private historic forgotten celebrated ambitious cautious sturdy fragile generous
  stubborn curious diligent reluctant prosperous struggling`);

const VERBS = words(`
  reported recorded measured described repaired expanded reduced doubled examined restored planned opened
  closed rebuilt questioned supported delayed approved rejected financed studied surveyed replaced improved
  published announced confirmed estimated compared documented prepared organised reviewed inspected
  extended moved protected mapped tested`);

const OBJECTS = words(`
  harvest budget schedule roof canal wall timetable catalogue collection records accounts inventory
  boundaries water supply road network school year fishing fleet flood defences grain stores wool trade
  winter rations census figures tax rolls trade routes market prices building plans rainfall totals
  shipping lanes pasture land coal reserves apprentices wages`);

const PLACES = words(`
  Ashford Brennan Calder Dunmore Eastwick Fenwick Glenmoor Harrow Inverleigh Kestrel Lindqvist Marlow
  Northby Oakhurst Penrose Quenby Redcliffe Saltmarsh Thornbury Upwell Valcourt Westerham Yarrow Zennor`);

const PEOPLE = words(`
  Adams Bauer Castillo Duarte Eriksen Fontaine Garcia Haddad Ivanova Jensen Kowalski Larsen Moreau Nakamura
  Okafor Petrov Quinn Rossi Silva Tanaka Umarov Varga Weber Xu Yilmaz Zhang`);

const CONNECTIVES = words(`However, Meanwhile, Later, Afterwards, Nevertheless, Consequently, Still, Then,`);

const MONTHS = words(`January February March April May June July August September October November December`);

/** A generator of varied English prose: paragraphs of 3 to 8 sentences drawn from a dozen templates. */
export function generateProse(bytes: number, seed = 20260728): string {
  const random = prng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const num = (max: number) => 1 + Math.floor(random() * max);
  const year = () => 1850 + Math.floor(random() * 170);
  const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

  const templates: (() => string)[] = [
    () =>
      `The ${pick(ADJECTIVES)} ${pick(SUBJECTS)} of ${pick(PLACES)} ${pick(VERBS)} its ${pick(OBJECTS)} in ${year()}.`,
    () => `In ${pick(MONTHS)} ${year()}, ${pick(PEOPLE)} ${pick(VERBS)} the ${pick(OBJECTS)} of the ${pick(SUBJECTS)}.`,
    () =>
      `${pick(CONNECTIVES)} the ${pick(SUBJECTS)} ${pick(VERBS)} ${num(900)} ${pick(OBJECTS)} before the ${pick(ADJECTIVES)} season began.`,
    () =>
      `According to ${pick(PEOPLE)}, the ${pick(OBJECTS)} had grown by ${num(60)} percent since the ${pick(SUBJECTS)} at ${pick(PLACES)} ${pick(VERBS)} them.`,
    () =>
      `Nobody in ${pick(PLACES)} expected the ${pick(SUBJECTS)} to be so ${pick(ADJECTIVES)}, yet its ${pick(OBJECTS)} were ${pick(VERBS)} within ${num(12)} weeks.`,
    () =>
      `Why did the ${pick(ADJECTIVES)} ${pick(SUBJECTS)} wait so long before it ${pick(VERBS)} the ${pick(OBJECTS)}?`,
    () =>
      `${cap(pick(ADJECTIVES))} accounts from ${pick(PLACES)} and ${pick(PLACES)} agree that ${pick(PEOPLE)} ${pick(VERBS)} the ${pick(OBJECTS)} twice.`,
    () =>
      `The ${pick(SUBJECTS)} employed ${num(400)} people, most of them ${pick(ADJECTIVES)} workers who had ${pick(VERBS)} the ${pick(OBJECTS)} for years.`,
    () =>
      `When the ${pick(OBJECTS)} failed in ${year()}, the ${pick(SUBJECTS)} of ${pick(PLACES)} ${pick(VERBS)} a ${pick(ADJECTIVES)} plan and asked ${pick(PEOPLE)} to lead it.`,
    () => `Its ${pick(OBJECTS)} remained ${pick(ADJECTIVES)} for ${num(30)} years.`,
    () =>
      `${pick(PEOPLE)} wrote that the ${pick(ADJECTIVES)} ${pick(SUBJECTS)} "${pick(VERBS)} more than anyone had hoped", a claim later ${pick(VERBS)} by ${pick(PEOPLE)}.`,
    () =>
      `By ${year()} the ${pick(SUBJECTS)} had ${pick(VERBS)} its ${pick(OBJECTS)}; the ${pick(OBJECTS)}, by contrast, were ${pick(VERBS)} only in part.`,
  ];

  const paragraphs: string[] = [];
  let length = 0;
  while (length < bytes) {
    const count = 3 + Math.floor(random() * 6);
    const sentences: string[] = [];
    for (let i = 0; i < count; i++) sentences.push(pick(templates)());
    const paragraph = sentences.join(' ');
    paragraphs.push(paragraph);
    length += paragraph.length + 2;
  }
  return paragraphs.join('\n\n').slice(0, bytes).trimEnd();
}

const documents = new Map<number, string>();

/** `generateProse(bytes)`, generated once per size for the whole run. */
export function document(bytes: number): string {
  let text = documents.get(bytes);
  if (text === undefined) {
    text = generateProse(bytes);
    documents.set(bytes, text);
  }
  return text;
}

export function formatMs(ms: number): string {
  return ms >= 10_000
    ? `${(ms / 1000).toFixed(1)} s`
    : ms >= 1000
      ? `${(ms / 1000).toFixed(2)} s`
      : `${ms.toFixed(0)} ms`;
}
