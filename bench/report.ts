/**
 * docs/benchmarks.md, written from the results of one run: the machine, the date, a table per benchmark,
 * each target and whether it passed, and the findings (what dominates the cost where a target fails).
 */
import type { BenchmarkReport, BenchResults, Chart, Table, TargetResult } from './lib.js';

const cell = (value: string | number): string => String(value).replace(/\|/g, '\\|').replace(/\n/g, ' ');

function table(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const lines = [
    `| ${headers.map(cell).join(' | ')} |`,
    `| ${headers.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ];
  return lines.join('\n');
}

/**
 * A Mermaid bar chart (GitHub draws it). Mermaid's xychart draws several bar series on top of each other
 * rather than side by side, so each series gets its own bar: categories are "label series".
 */
function chart(c: Chart): string {
  const quote = (text: string) => `"${text.replace(/"/g, "'")}"`;
  const labels = c.labels.flatMap((label) => c.series.map((s) => (c.series.length > 1 ? `${label} ${s.name}` : label)));
  const values = c.labels.flatMap((_, i) => c.series.map((s) => s.values[i] ?? 0));
  const max = Math.max(...values, 0);
  return [
    '```mermaid',
    'xychart-beta',
    `  title ${quote(c.title)}`,
    `  x-axis [${labels.map(quote).join(', ')}]`,
    `  y-axis ${quote(c.unit)} 0 --> ${Math.ceil((max * 1.1) / 10) * 10 || 1}`,
    `  bar [${values.join(', ')}]`,
    '```',
  ].join('\n');
}

const verdict = (target: TargetResult): string => (target.pass ? '✅ PASS' : '❌ FAIL');

const measured = (target: TargetResult): string =>
  Number.isNaN(target.measured) ? 'error' : `${target.measured} ${target.unit}`.trim();

function section(report: BenchmarkReport): string {
  const parts: string[] = [`## ${report.id} — ${report.title}`];
  if (report.error !== undefined) {
    parts.push(`**The benchmark failed before it could measure:** \`${report.error}\``);
  }
  if (report.about !== '') parts.push(report.about);
  for (const t of report.tables as Table[]) parts.push(`### ${t.title}`, table(t.headers, t.rows));
  for (const c of report.charts ?? []) parts.push(chart(c));
  parts.push(
    '### Targets',
    table(
      ['Target', 'What', 'Measured', 'Limit', 'Result'],
      report.targets.map((t) => [
        t.name,
        t.description,
        `${measured(t)}${t.detail !== undefined ? ` (${t.detail})` : ''}`,
        t.limit,
        verdict(t),
      ]),
    ),
  );
  if (report.notes.length > 0) parts.push('### Findings', report.notes.map((note) => `- ${note}`).join('\n'));
  parts.push(`_Ran in ${(report.durationMs / 1000).toFixed(1)} s._`);
  return parts.join('\n\n');
}

export function writeMarkdown(results: BenchResults): string {
  const { machine } = results;
  const targets = results.benchmarks.flatMap((b) => b.targets);
  const passed = targets.filter((t) => t.pass).length;
  const mode = results.full
    ? '`BENCH_FULL=1` (long variants included)'
    : 'default (short variants; `BENCH_FULL=1` adds the long ones)';
  const parts = [
    '# Benchmarks',
    `Written by \`npm run bench\` (\`bench/run.ts\`) on ${results.date.slice(0, 10)} — every number below was measured ` +
      'in that run; the raw measurements are in `bench/results.json`. Re-run the bench to refresh this page ' +
      'rather than editing it.',
    '## Machine and run',
    table(
      ['', 'Value'],
      [
        ['CPU', machine.cpu],
        ['Cores', machine.cores],
        ['Memory', `${machine.memoryGB} GB`],
        ['Node.js', machine.node],
        ['Platform', machine.platform],
        ['Date', results.date],
        ['Mode', mode],
        ...(results.only !== undefined ? [['Benchmarks run', results.only.join(', ')]] : []),
        ['Total time', `${results.totalSeconds} s`],
      ],
    ),
    'The machine is shared and noisy: variants that are compared are interleaved, and medians are reported. ' +
      'In this report 1 MB = 2^20 bytes (the generated documents are ASCII, one byte a character).',
    `## Summary: ${passed} of ${targets.length} targets pass`,
    table(
      ['Target', 'Measured', 'Limit', 'Result'],
      targets.map((t) => [t.name, measured(t), t.limit, verdict(t)]),
    ),
    ...results.benchmarks.map(section),
    '## Running the benchmarks',
    [
      '- `npm run bench` — the default run (a few minutes at most); writes `bench/results.json` and this page.',
      '- `BENCH_FULL=1 npm run bench` — adds the long variants (10 MB documents through the simulated model, on ' +
        'both eras; more rounds for B1 and B5).',
      '- `BENCH_ONLY=B3 npm run bench` — only the listed benchmarks (comma-separated ids), written to `bench/partial/` (git-ignored) so that this page and `bench/results.json` keep the last full run.',
      '- Profiling: `node --cpu-prof --import tsx bench/run.ts` writes a `.cpuprofile` for Chrome DevTools.',
      '- The benchmarks are not part of `npm test`. Each benchmark is one file under `bench/`: `round-trip.ts` ' +
        '(B1), `long-documents.ts` (B2), `embedded-model.ts` (B3), `start-up.ts` (B4), `http-load.ts` (B5); ' +
        '`stacks.ts` builds the two stacks B1 and B5 compare, and `bare/bare-server.mjs` is the bare-SDK server. ' +
        'Add one by exporting a `Benchmark` and listing it in `bench/run.ts`.',
    ].join('\n'),
  ];
  return `${parts.join('\n\n')}\n`;
}
