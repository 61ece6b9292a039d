/**
 * B3 — the embedded extractive model alone: `summarizeExtractive` on 1, 10 and 50 MB of generated prose,
 * 300 output tokens. Throughput on each size (median of 3 runs for 1 and 10 MB, one run for 50 MB) and
 * whether time grows linearly with size.
 */
import { summarizeExtractive } from '../src/providers/embedded/summarize-extractive.js';
import {
  document,
  formatMs,
  median,
  MB,
  progress,
  round,
  sampleRss,
  timed,
  toMB,
  type Benchmark,
  type TargetResult,
} from './lib.js';

const MAX_TOKENS = 300;
const MIN_THROUGHPUT = 5; // MB/s
const LINEAR_TOLERANCE = 1.5;

interface Run {
  sizeMB: number;
  chars: number;
  run: number;
  ms: number;
  mbPerSecond: number;
  sentences: number;
  selected: number;
  outputChars: number;
  peakRssMB: number;
}

const SIZES = [
  { sizeMB: 1, runs: 3 },
  { sizeMB: 10, runs: 3 },
  { sizeMB: 50, runs: 1 },
] as const;

export const embeddedModel: Benchmark = {
  id: 'B3',
  title: 'The embedded extractive model alone',
  async run() {
    // Warm-up: let the JIT compile the hot loops (segmentation, term hashing, scoring) before timing.
    progress('B3 warm-up (8 × 1 MB, 1 × 10 MB)');
    for (let i = 0; i < 8; i++) summarizeExtractive(document(MB), { maxTokens: MAX_TOKENS });
    summarizeExtractive(document(10 * MB), { maxTokens: MAX_TOKENS });

    // 1 and 10 MB are compared with each other, so their runs alternate (a slow spell of the machine does not
    // land on one size only); 50 MB comes last, since the garbage a 50 MB run leaves slows the runs after it.
    // No forced GC between runs: on this machine it made the following runs slower and more erratic.
    const schedule: { sizeMB: number; run: number; of: number }[] = [];
    const most = Math.max(...SIZES.map((s) => s.runs));
    for (let run = 1; run <= most; run++) {
      for (const { sizeMB, runs: of } of SIZES) if (run <= of && sizeMB !== 50) schedule.push({ sizeMB, run, of });
    }
    schedule.push({ sizeMB: 50, run: 1, of: 1 });

    const runs: Run[] = [];
    for (const { sizeMB, run, of } of schedule) {
      const text = document(sizeMB * MB);
      const rss = sampleRss();
      const { ms, value } = await timed(() => summarizeExtractive(text, { maxTokens: MAX_TOKENS }));
      const memory = rss.stop();
      const mbPerSecond = toMB(text.length) / (ms / 1000);
      runs.push({
        sizeMB,
        chars: text.length,
        run,
        ms: round(ms, 1),
        mbPerSecond: round(mbPerSecond, 2),
        sentences: value.sentenceCount,
        selected: value.selected,
        outputChars: value.text.length,
        peakRssMB: round(toMB(memory.peakBytes), 0),
      });
      progress(`B3 ${sizeMB} MB run ${run}/${of}: ${formatMs(ms)} (${mbPerSecond.toFixed(1)} MB/s)`);
    }

    const bySize = SIZES.map(({ sizeMB }) => {
      const own = runs.filter((r) => r.sizeMB === sizeMB);
      const ms = median(own.map((r) => r.ms));
      const chars = own[0]!.chars;
      return { sizeMB, runs: own, ms, chars, mbPerSecond: toMB(chars) / (ms / 1000) };
    });
    const [one, ten, fifty] = bySize as [(typeof bySize)[0], (typeof bySize)[0], (typeof bySize)[0]];

    const targets: TargetResult[] = bySize.map((size) => ({
      name: `B3 throughput ${size.sizeMB} MB`,
      description: `summarizeExtractive on ${size.sizeMB} MB: throughput ≥ ${MIN_THROUGHPUT} MB/s`,
      measured: round(size.mbPerSecond, 2),
      unit: 'MB/s',
      limit: `≥ ${MIN_THROUGHPUT}`,
      pass: size.mbPerSecond >= MIN_THROUGHPUT,
      detail: `${formatMs(size.ms)}, ${size.runs.length > 1 ? `median of ${size.runs.length}` : '1 run'}`,
    }));
    const growth = [
      { from: one, to: ten },
      { from: ten, to: fifty },
    ].map(({ from, to }) => {
      const sizeRatio = to.chars / from.chars;
      const timeRatio = to.ms / from.ms;
      return { from: from.sizeMB, to: to.sizeMB, sizeRatio, timeRatio, ratioOfRatios: timeRatio / sizeRatio };
    });
    for (const g of growth) {
      const pass = g.ratioOfRatios <= LINEAR_TOLERANCE && g.ratioOfRatios >= 1 / LINEAR_TOLERANCE;
      targets.push({
        name: `B3 growth ${g.from}→${g.to} MB`,
        description: `time(${g.to} MB) / time(${g.from} MB) divided by the size ratio (${round(g.sizeRatio, 2)}): within 1/${LINEAR_TOLERANCE} … ${LINEAR_TOLERANCE} (linear)`,
        measured: round(g.ratioOfRatios, 2),
        unit: '×',
        limit: `${round(1 / LINEAR_TOLERANCE, 2)} … ${LINEAR_TOLERANCE}`,
        pass,
        detail: `time ratio ${round(g.timeRatio, 2)} for size ratio ${round(g.sizeRatio, 2)}`,
      });
    }

    const notes: string[] = [];
    const slow = bySize.filter((s) => s.mbPerSecond < MIN_THROUGHPUT);
    if (slow.length > 0) {
      notes.push(
        `Throughput is below ${MIN_THROUGHPUT} MB/s on ${slow.map((s) => `${s.sizeMB} MB`).join(', ')}. ` +
          'Profile with `node --cpu-prof --import tsx bench/run.ts` to see which stage (ICU sentence segmentation, ' +
          'term hashing, scoring, selection) dominates.',
      );
    }
    const worstGrowth = growth.find((g) => g.ratioOfRatios > LINEAR_TOLERANCE);
    if (worstGrowth !== undefined) {
      notes.push(
        `Time grows faster than size from ${worstGrowth.from} to ${worstGrowth.to} MB (×${round(worstGrowth.timeRatio, 2)} for ×${round(worstGrowth.sizeRatio, 2)}).`,
      );
    }

    return {
      about:
        `\`summarizeExtractive(text, { maxTokens: ${MAX_TOKENS} })\` (src/providers/embedded/summarize-extractive.ts) on ` +
        '1, 10 and 50 MB of generated English prose (the same deterministic generator as B2: paragraphs of 3–8 ' +
        'sentences from a dozen templates over a few hundred words, names, places and numbers). After a warm-up of ' +
        'eight 1 MB runs and one 10 MB run, 1 and 10 MB are timed 3 times each, alternating (median reported), then ' +
        '50 MB once. The process RSS is sampled every 50 ms during each run (it includes the generated documents, held for the whole run).\n\n' +
        `Targets: throughput ≥ ${MIN_THROUGHPUT} MB/s on every size; linear growth — time(10)/time(1) and ` +
        `time(50)/time(10), each divided by its size ratio (10 and 5), within 1/${LINEAR_TOLERANCE} … ${LINEAR_TOLERANCE}.`,
      tables: [
        {
          title: 'Throughput',
          headers: ['Size', 'Sentences', 'Runs (ms)', 'Median', 'MB/s', 'Peak RSS (process)'],
          rows: bySize.map((s) => [
            `${s.sizeMB} MB`,
            s.runs[0]!.sentences.toLocaleString('en-US'),
            s.runs.map((r) => r.ms.toFixed(0)).join(', '),
            formatMs(s.ms),
            s.mbPerSecond.toFixed(1),
            `${Math.max(...s.runs.map((r) => r.peakRssMB))} MB`,
          ]),
        },
        {
          title: 'Growth',
          headers: ['From → to', 'Size ratio', 'Time ratio', 'Time ratio / size ratio'],
          rows: growth.map((g) => [
            `${g.from} → ${g.to} MB`,
            g.sizeRatio.toFixed(2),
            g.timeRatio.toFixed(2),
            g.ratioOfRatios.toFixed(2),
          ]),
        },
      ],
      targets,
      notes,
      measurements: [...runs, ...growth.map((g) => ({ growth: g }))],
    };
  },
};
