/**
 * What the dashboard's usage page shows, built from the same modules the CLI reads with: the audit log
 * (policy/audit-log.ts `readAuditLog`, the totals of policy/audit-totals.ts as `mcp-sampling log` prints
 * them), the day budgets' state file (policy/budget.ts, as the client's budget gate reads it) and the
 * policy in force (policy/limits.ts `resolveServerPolicy`). Session usage belongs to the live client
 * processes, which report it to the dashboard; rate-limit state is the last minute of the audit log
 * against each server's limits.
 */
import { readAuditLog, type AuditRecord } from '../policy/audit-log.js';
import { modelOf, tokensOf, totalsBy } from '../policy/audit-totals.js';
import { createBudgetTracker, localDateKey } from '../policy/budget.js';
import { resolveServerPolicy } from '../policy/limits.js';
import type { Config } from '../config/schema.js';
import type { LiveProcess } from './hub.js';

/** The table holds the newest records up to this many (the totals and charts count every record). */
export const MAX_ROWS = 5000;

export interface UsageRow {
  time: string;
  server: string;
  model: string;
  era: string;
  approval: string;
  outcome: string;
  tokens: number;
  costUsd: number;
  latencyMs: number;
}

export interface SeriesPoint {
  /** The bucket's start, seconds since the epoch (uPlot's x unit). */
  t: number;
  tokens: number;
  costUsd: number;
}

export interface BudgetRow {
  server: string;
  window: 'session' | 'day';
  unit: 'tokens' | 'costUsd';
  used: number;
  limit: number;
}

export interface RateRow {
  server: string;
  requestsPerMinute?: number | undefined;
  tokensPerMinute?: number | undefined;
  onLimit: string;
  /** In the last 60 s, every process together, from the audit log. */
  requestsLastMinute: number;
  tokensLastMinute: number;
}

export interface UsageReport {
  auditPath: string;
  skipped: number;
  total: number;
  rows: UsageRow[];
  byServer: ReturnType<typeof totalsBy>;
  byModel: ReturnType<typeof totalsBy>;
  perDay: SeriesPoint[];
  perHour: SeriesPoint[];
  budgets: BudgetRow[];
  budgetError?: string | undefined;
  rateLimits: RateRow[];
}

function series(records: readonly AuditRecord[], bucketStart: (date: Date) => Date): SeriesPoint[] {
  const map = new Map<number, SeriesPoint>();
  for (const record of records) {
    const time = new Date(record.time);
    if (Number.isNaN(time.getTime())) continue;
    const t = Math.floor(bucketStart(time).getTime() / 1000);
    const point = map.get(t) ?? { t, tokens: 0, costUsd: 0 };
    point.tokens += tokensOf(record);
    point.costUsd += record.costUsd ?? 0;
    map.set(t, point);
  }
  return [...map.values()].sort((a, b) => a.t - b.t);
}

const startOfDay = (date: Date) => new Date(date.getFullYear(), date.getMonth(), date.getDate());
const startOfHour = (date: Date) => new Date(date.getFullYear(), date.getMonth(), date.getDate(), date.getHours());

export interface UsageSources {
  config: Config;
  auditPath: string;
  statePath: string;
  processes: readonly LiveProcess[];
  now?: () => Date;
}

export async function buildUsageReport(sources: UsageSources): Promise<UsageReport> {
  const now = sources.now ?? (() => new Date());
  const { records, skipped } = await readAuditLog(sources.auditPath);
  const rows = records.slice(-MAX_ROWS).map((r): UsageRow => ({
    time: r.time,
    server: r.server,
    model: modelOf(r),
    era: r.era,
    approval: r.approval,
    outcome: r.outcome,
    tokens: tokensOf(r),
    costUsd: r.costUsd ?? 0,
    latencyMs: r.latencyMs,
  }));

  // Every server the user has a policy for or that asked today, or that a live process talks to.
  const today = localDateKey(now());
  const servers = new Set<string>(Object.keys(sources.config.servers).filter((name) => name !== '*'));
  for (const r of records) if (localDateKey(new Date(r.time)) === today) servers.add(r.server);
  for (const p of sources.processes) for (const name of Object.keys(p.usage)) servers.add(name);

  const budgets: BudgetRow[] = [];
  const rateLimits: RateRow[] = [];
  let budgetError: string | undefined;
  // The day counters as the budget gate sees them (the state file every process writes).
  const tracker = createBudgetTracker({ statePath: sources.statePath, now });
  const minuteAgo = now().getTime() - 60_000;
  for (const server of [...servers].sort()) {
    const policy = resolveServerPolicy(sources.config.servers, [server]);
    const budget = policy.budget;
    if (budget !== undefined) {
      const day = tracker.usage(server).day;
      // A state file that cannot be read refuses every request under a day budget: say so, as the gate does.
      const verdict = budget.day === undefined ? { ok: true as const } : tracker.check(server, { day: budget.day });
      if (!verdict.ok && verdict.reason.includes(sources.statePath)) budgetError = verdict.reason;
      const session = { tokens: 0, costUsd: 0 };
      for (const p of sources.processes) {
        session.tokens += p.usage[server]?.tokens ?? 0;
        session.costUsd += p.usage[server]?.costUsd ?? 0;
      }
      for (const [window, used] of [
        ['session', session],
        ['day', day],
      ] as const) {
        const limits = budget[window];
        if (limits?.tokens !== undefined)
          budgets.push({ server, window, unit: 'tokens', used: used.tokens, limit: limits.tokens });
        if (limits?.costUsd !== undefined)
          budgets.push({ server, window, unit: 'costUsd', used: used.costUsd, limit: limits.costUsd });
      }
    }
    const rate = policy.rateLimit;
    if (rate !== undefined && (rate.requestsPerMinute !== undefined || rate.tokensPerMinute !== undefined)) {
      const recent = records.filter((r) => r.server === server && new Date(r.time).getTime() >= minuteAgo);
      rateLimits.push({
        server,
        requestsPerMinute: rate.requestsPerMinute,
        tokensPerMinute: rate.tokensPerMinute,
        onLimit: rate.onLimit,
        requestsLastMinute: recent.length,
        tokensLastMinute: recent.reduce((sum, r) => sum + tokensOf(r), 0),
      });
    }
  }

  return {
    auditPath: sources.auditPath,
    skipped,
    total: records.length,
    rows,
    byServer: totalsBy(records, (r) => r.server),
    byModel: totalsBy(records, modelOf),
    perDay: series(records, startOfDay),
    perHour: series(records, startOfHour),
    budgets,
    ...(budgetError !== undefined && { budgetError }),
    rateLimits,
  };
}
