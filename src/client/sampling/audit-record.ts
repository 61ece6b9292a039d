/**
 * A request's audit line (policy/audit-log.ts), built once from its context when the request ends:
 * who asked, a summary of what was asked, which model answered and why, what the limits changed, what the
 * person decided, how long it took, what it cost, and how it ended. Prompt and completion text only with
 * `audit.includeText`. The fields come in the order the log has always had.
 */
import type { AuditOutcome, AuditRecord } from '../../policy/audit-log.js';
import type { FallbackAttempt } from '../../providers/call-with-fallbacks.js';
import { blocksOf } from '../../shared/mcp-content.js';
import type { ToolUseCall } from '../map/map-tools.js';
import type { RequestContext } from './context.js';

/** How the request ended: answered (with what), or not (with the error the server got). */
export type AuditEnd = { latencyMs: number } & (
  | {
      outcome: 'ok';
      usage: { inputTokens: number; outputTokens: number };
      costUsd: number;
      text: string;
      toolCalls: readonly ToolUseCall[];
    }
  | { outcome: Exclude<AuditOutcome, 'ok'>; error: string; attempts: FallbackAttempt[] | undefined }
);

function requestSummary(ctx: RequestContext): AuditRecord['request'] {
  const params = ctx.request;
  const preferences = params.modelPreferences;
  return {
    messages: params.messages.length,
    contentTypes: [...new Set(params.messages.flatMap(blocksOf).map((b) => b.type))],
    maxTokens: params.maxTokens,
    temperature: params.temperature,
    hints: (preferences?.hints ?? []).flatMap((h) => (h.name === undefined ? [] : [h.name])),
    priorities: {
      cost: preferences?.costPriority,
      speed: preferences?.speedPriority,
      intelligence: preferences?.intelligencePriority,
    },
    systemPrompt: params.systemPrompt !== undefined,
    stopSequences: params.stopSequences?.length ?? 0,
    tools: params.tools?.length ?? 0,
    ...(ctx.offersTools && { toolChoice: params.toolChoice?.mode ?? 'auto' }),
  };
}

export function auditRecord(ctx: RequestContext, end: AuditEnd, includeText: boolean): AuditRecord {
  const record: AuditRecord = {
    time: new Date(ctx.arrivedAt).toISOString(),
    server: ctx.server,
    era: ctx.era,
    request: requestSummary(ctx),
    approval: ctx.approval,
    latencyMs: end.latencyMs,
    outcome: end.outcome,
  };
  if (includeText) record.prompt = { systemPrompt: ctx.request.systemPrompt, messages: ctx.request.messages };
  if (ctx.model !== undefined) record.model = ctx.model;
  if (ctx.applied !== undefined) record.applied = { ...ctx.applied, notes: ctx.notes };
  if (ctx.truncated !== undefined) record.truncated = ctx.truncated;
  if (!('usage' in end)) {
    record.error = end.error;
    record.attempts = end.attempts;
    return record;
  }
  record.usage = end.usage;
  record.costUsd = end.costUsd;
  record.attempts = ctx.attempts;
  if (ctx.offersTools) record.toolCalls = end.toolCalls.length;
  if (includeText) {
    record.completion = end.text;
    if (end.toolCalls.length > 0)
      record.completionToolCalls = end.toolCalls.map(({ name, input }) => ({ name, input }));
  }
  return record;
}
