/**
 * `mcp-sampling log [--last N]`: the audit log as a readable table, then totals per server and per model.
 */
import { readAuditLog, type AuditRecord } from '../policy/audit-log.js';
import { modelOf, tokensOf, totalsBy, type AuditTotals } from '../policy/audit-totals.js';

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

const money = (usd: number) => `$${usd < 0.01 && usd > 0 ? usd.toFixed(4) : usd.toFixed(2)}`;

function totalsTable(title: string, totals: [string, AuditTotals][]): string {
  const rows = [[title, 'requests', 'ok', 'tokens', 'cost']];
  for (const [key, t] of totals) {
    rows.push([key, String(t.requests), String(t.ok), t.tokens.toLocaleString('en-US'), money(t.costUsd)]);
  }
  return table(rows);
}

export function formatAuditLog(records: readonly AuditRecord[], last: number | undefined): string {
  const shown = last === undefined ? records : records.slice(-last);
  if (shown.length === 0) return 'The audit log is empty: no sampling request has been answered yet.';
  const rows = [['time', 'server', 'era', 'model', 'approval', 'outcome', 'tokens', 'cost', 'latency']];
  for (const r of shown) {
    rows.push([
      r.time.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
      r.server,
      r.era,
      modelOf(r),
      r.approval,
      r.outcome,
      tokensOf(r).toLocaleString('en-US'),
      money(r.costUsd ?? 0),
      `${Math.round(r.latencyMs)} ms`,
    ]);
  }
  return [
    table(rows),
    '',
    totalsTable(
      'server',
      totalsBy(shown, (r) => r.server),
    ),
    '',
    totalsTable('model', totalsBy(shown, modelOf)),
  ].join('\n');
}

export async function printAuditLog(path: string, last: number | undefined, json: boolean): Promise<void> {
  const { records, skipped } = await readAuditLog(path);
  const shown = last === undefined ? records : records.slice(-last);
  if (json) {
    process.stdout.write(`${JSON.stringify({ path, records: shown, skipped })}\n`);
    return;
  }
  process.stdout.write(`Audit log: ${path}\n\n${formatAuditLog(records, last)}\n`);
  if (skipped > 0) process.stdout.write(`\n(${skipped} malformed line${skipped > 1 ? 's' : ''} skipped)\n`);
}
