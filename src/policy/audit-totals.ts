/**
 * Totals over audit records (audit-log.ts), shared by `mcp-sampling log` and the dashboard: the tokens and
 * model of one record, and requests / answered / tokens / dollars per key (server or model).
 */
import type { AuditRecord } from './audit-log.js';

export interface AuditTotals {
  requests: number;
  ok: number;
  tokens: number;
  costUsd: number;
}

/** Input plus output tokens of one record (0 when it has no usage). */
export const tokensOf = (record: AuditRecord): number =>
  (record.usage?.inputTokens ?? 0) + (record.usage?.outputTokens ?? 0);

/** `provider/id` of the model that answered, or `-`. */
export const modelOf = (record: AuditRecord): string =>
  record.model === undefined ? '-' : `${record.model.provider}/${record.model.id}`;

/** Totals per key, the most expensive first (then the most tokens). */
export function totalsBy(
  records: readonly AuditRecord[],
  key: (record: AuditRecord) => string,
): [string, AuditTotals][] {
  const map = new Map<string, AuditTotals>();
  for (const record of records) {
    const name = key(record);
    const totals = map.get(name) ?? { requests: 0, ok: 0, tokens: 0, costUsd: 0 };
    totals.requests++;
    if (record.outcome === 'ok') totals.ok++;
    totals.tokens += tokensOf(record);
    totals.costUsd += record.costUsd ?? 0;
    map.set(name, totals);
  }
  return [...map].sort((a, b) => b[1].costUsd - a[1].costUsd || b[1].tokens - a[1].tokens);
}
