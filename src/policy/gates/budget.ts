/**
 * The budget gate (budget.ts, worst-case.ts): before the call, a reservation of the request's worst case
 * for the most expensive of its candidate models, refused with `budget` when it does not fit beside what
 * is used and reserved. Held through the later gates and the call; replaced by the real usage as soon as
 * the provider answers (a completion a person then rejects was paid for too); given back on every path
 * that does not reach a provider or fails there. An attempt cut off at the provider counts at its worst
 * case, and a retry after it needs a reservation of its own.
 */
import type { CreateMessageRequestParams } from '@modelcontextprotocol/client';

import type { BudgetTracker, BudgetUsage, Reservation } from '../budget.js';
import type { ServerPolicy } from '../../config/schema.js';
import { costUsd } from '../cost.js';
import { PolicyRefusal, type Gate, type GateHold, type GateRuntime, type ResolvedCandidate } from '../gate.js';
import { maxInputTokens, worstCase, type WorstCase } from '../worst-case.js';

/** What a reservation covers: its candidates, and each one's worst case. */
interface Reserved {
  reservation: Reservation;
  candidates: ResolvedCandidate[];
  worst: Map<ResolvedCandidate, WorstCase>;
  /** What a candidate's call holds against the budget (nothing when the server has no budget). */
  amountOf: (candidate: ResolvedCandidate) => BudgetUsage;
  dropped: string[];
}

function mostOf(amounts: readonly BudgetUsage[]): BudgetUsage {
  return amounts.reduce((a, b) => ({ tokens: Math.max(a.tokens, b.tokens), costUsd: Math.max(a.costUsd, b.costUsd) }), {
    tokens: 0,
    costUsd: 0,
  });
}

/** The most `candidate` can use for `params` (limits applied): the output is capped by the model too. */
function worstOf(candidate: ResolvedCandidate, params: CreateMessageRequestParams, inputTokens: number): WorstCase {
  const output = Math.min(params.maxTokens, candidate.entry.maxOutputTokens ?? params.maxTokens);
  return worstCase(inputTokens, output, candidate.entry.price);
}

/**
 * Reserves the worst case of the most expensive of `candidates` (the chosen model and its fallbacks), so
 * that a fallback never needs more than was reserved. A fallback whose worst case does not fit is dropped
 * rather than the request refused; the request is refused when the chosen model does not fit. Synchronous
 * from check to reserve, so concurrent requests cannot both take the same headroom.
 */
function reserveBudget(
  tracker: BudgetTracker,
  server: string,
  budget: ServerPolicy['budget'],
  candidates: readonly ResolvedCandidate[],
  params: CreateMessageRequestParams,
): Reserved {
  const input = budget === undefined ? 0 : maxInputTokens(params);
  const worst = new Map(candidates.map((c) => [c, worstOf(c, params, input)] as const));
  const limitsCost = budget?.session?.costUsd !== undefined || budget?.day?.costUsd !== undefined;
  const amountOf = (c: ResolvedCandidate): BudgetUsage => {
    const w = worst.get(c)!;
    return { tokens: budget === undefined ? 0 : w.tokens, costUsd: budget === undefined ? 0 : (w.costUsd ?? 0) };
  };
  const [chosen, ...fallbacks] = candidates;
  if (chosen === undefined) throw new Error('no candidate to reserve a budget for');
  if (limitsCost && worst.get(chosen)!.costUsd === undefined) {
    throw new PolicyRefusal(
      `${chosen.provider}/${chosen.id} has no known price, so it cannot be held to the dollar budget of server '${server}': give it a price under "models" (docs/configuration.md)`,
      'budget',
    );
  }
  const dropped: string[] = [];
  let kept = [chosen];
  for (const c of fallbacks) {
    if ((limitsCost && worst.get(c)!.costUsd === undefined) || !tracker.check(server, budget, amountOf(c)).ok) {
      dropped.push(`${c.provider}/${c.id}`);
    } else kept.push(c);
  }
  for (;;) {
    const outcome = tracker.reserve(server, budget, mostOf(kept.map(amountOf)));
    if (outcome.ok) return { reservation: outcome.reservation, candidates: kept, worst, amountOf, dropped };
    if (kept.length === 1) throw new PolicyRefusal(outcome.reason, 'budget');
    // Each fallback fits alone, not all of them together at their most expensive: drop the last.
    const last = kept[kept.length - 1]!;
    dropped.push(`${last.provider}/${last.id}`);
    kept = kept.slice(0, -1);
  }
}

export function budgetGate(runtime: Pick<GateRuntime, 'budget'>): Gate {
  const tracker = runtime.budget;
  // A state file that cannot be written is worth one warning, not one per request.
  const warned = new Set<string>();
  const warnOnce = (error: unknown): void => {
    const message = (error as Error).message;
    if (warned.has(message)) return;
    warned.add(message);
    process.stderr.write(`mcp-sampling: warning: ${message}\n`);
  };

  return {
    name: 'budget',
    before(ctx): GateHold {
      const { server } = ctx;
      const budget = ctx.policy.budget;
      let reserved = reserveBudget(tracker, server, budget, ctx.candidates, ctx.params);
      // Undefined once committed or given back (an attempt cut off commits its own).
      let reservation: Reservation | undefined = reserved.reservation;
      ctx.candidates = reserved.candidates;
      for (const name of reserved.dropped)
        ctx.notes.push(`fallback ${name} dropped: its worst case does not fit the budget`);

      return {
        paramsChanged(changed) {
          // The edit may have made the prompt longer: reserve again for what will really be sent.
          reservation?.release();
          reservation = undefined;
          reserved = reserveBudget(tracker, server, budget, changed.candidates, changed.params);
          reservation = reserved.reservation;
          changed.candidates = reserved.candidates;
        },
        attempt(c, signal, run) {
          // An attempt cut off at the provider (the request cancelled, the attempt timed out) may have been
          // billed for what was generated before it stopped, which nobody reports: it counts at its worst
          // case, and a retry after it needs a reservation of its own (refused when it no longer fits).
          const admitted = reserved.candidates;
          if (reservation === undefined) {
            const again = tracker.reserve(
              server,
              budget,
              mostOf(admitted.slice(Math.max(0, admitted.indexOf(c))).map(reserved.amountOf)),
            );
            if (!again.ok) throw new PolicyRefusal(again.reason, 'budget');
            reservation = again.reservation;
          }
          const held = reservation;
          let settled = false;
          const cutOff = () => {
            if (settled) return;
            void held.commit(reserved.amountOf(c)).catch(warnOnce);
            if (reservation === held) reservation = undefined;
          };
          signal.addEventListener('abort', cutOff, { once: true });
          return run().finally(() => {
            settled = true;
            signal.removeEventListener('abort', cutOff);
          });
        },
        answered({ candidate, usage }) {
          // The real usage replaces the reservation now (in memory at once, in the state file behind the
          // answer, batched). A count the provider did not report is taken at its worst case. A state-file
          // problem must not throw the completion away.
          const worst = reserved.worst.get(candidate);
          const billed = {
            inputTokens: usage.inputTokens ?? (budget === undefined ? 0 : (worst?.inputTokens ?? 0)),
            outputTokens: usage.outputTokens ?? (budget === undefined ? 0 : (worst?.outputTokens ?? 0)),
          };
          void reservation
            ?.commit({
              tokens: billed.inputTokens + billed.outputTokens,
              costUsd: costUsd(billed, candidate.entry.price),
            })
            .catch(warnOnce);
        },
        release() {
          // Nothing was used (a reservation already replaced by the real usage is left alone).
          reservation?.release();
        },
      };
    },
  };
}
