/**
 * Answers `sampling/createMessage` under the user's policy: map the request once -> run the policy's
 * gates in order (policy/gates/index.ts: server policy and model, limits, budget, rate limit, approval) ->
 * provider call (retries, then fallbacks) -> review of the completion by the gates -> MCP result (+ usage
 * in `_meta`) -> one audit line, answered or refused. What a gate holds (a budget reservation) is given
 * back when the request ends without an answer. The same handler serves pushed requests (2025 era) and
 * input_required rounds (2026 era). With tools (sampling.tools), the model's tool calls come back as
 * `tool_use` blocks for the server to run.
 */
import { setMaxListeners } from 'node:events';

import type { ClientContext, CreateMessageRequest } from '@modelcontextprotocol/client';

import type { AuditOutcome } from '../../policy/audit-log.js';
import { costUsd } from '../../policy/cost.js';
import { PolicyRefusal, type Gate, type GateEvent, type GateHold } from '../../policy/gate.js';
import { createGates } from '../../policy/gates/index.js';
import type { FallbackAttempt } from '../../providers/call-with-fallbacks.js';
import { toWireError } from '../errors.js';
import { clipToMaxTokens } from '../map/clip-completion.js';
import type { SamplingResult } from '../map/map-sampling.js';
import { toToolUseCalls } from '../map/map-tools.js';
import { auditRecord } from './audit-record.js';
import { createProviderCall } from './call.js';
import {
  createRequestContext,
  mapRequest,
  maxOutputTokensFor,
  type RequestContext,
  type ServerIdentity,
} from './context.js';
import type { SamplingEvent } from './events.js';
import { createModelTable } from './models.js';
import { toSamplingResult } from './result.js';
import type { SamplingRuntime } from './runtime.js';

export interface SamplingHandlerOptions {
  runtime: SamplingRuntime;
  server: () => ServerIdentity;
  era: () => string;
  onEvent?: (event: SamplingEvent) => void;
}

/**
 * The `sampling/createMessage` request handler (`createSamplingHandler` makes one).
 *
 * @example
 * ```ts
 * client.setRequestHandler('sampling/createMessage', handler);
 * ```
 */
export type SamplingHandler = (request: CreateMessageRequest, ctx: ClientContext) => Promise<SamplingResult>;

/** A gate's event with its request's id, laid out as the events always were (`type`, then `id`). */
function withId(event: GateEvent, id: number): SamplingEvent {
  const { type, ...rest } = event;
  return { type, id, ...rest } as SamplingEvent;
}

function outcomeOf(error: unknown, aborted: boolean): Exclude<AuditOutcome, 'ok'> {
  if (aborted) return 'cancelled';
  return error instanceof PolicyRefusal ? error.kind : 'error';
}

/**
 * Runs `ctx` through `gates` in order, keeping what each holds; a gate that changes the request tells the
 * earlier ones. A gate that decides at once is not awaited: the request reaches the provider without a
 * detour through the event loop (the SDK cancels a 2026-era round's other requests when one is refused).
 */
function runGates(gates: readonly Gate[], ctx: RequestContext, holds: GateHold[]): Promise<void> | undefined {
  for (const [index, gate] of gates.entries()) {
    const params = ctx.params;
    const kept = (hold: GateHold | void): void => {
      if (ctx.params !== params) for (const earlier of holds) earlier.paramsChanged?.(ctx);
      if (hold) holds.push(hold);
    };
    const outcome = gate.before(ctx);
    if (outcome instanceof Promise) {
      return outcome.then((hold) => {
        kept(hold);
        return runGates(gates.slice(index + 1), ctx, holds);
      });
    }
    kept(outcome);
  }
  return undefined;
}

export function createSamplingHandler(options: SamplingHandlerOptions): SamplingHandler {
  const { runtime, onEvent } = options;
  const { audit } = runtime;
  const models = createModelTable(runtime);
  const gates = createGates(runtime);
  const callProvider = createProviderCall(models, onEvent);
  let nextId = 1;
  /**
   * Signals seen once, and signals told to take any number of listeners (a 2026-era round's are shared).
   * One request adds only a few listeners to its signal, so the limit is lifted when a second request
   * arrives with the same signal: a round of one request (the common case) never pays for it.
   */
  const seen = new WeakSet<AbortSignal>();
  const unlimited = new WeakSet<AbortSignal>();

  return async (request, mcp) => {
    // On the 2026 era the SDK hands every embedded request of a round the same signal: dozens of
    // listeners on it are expected, not a leak. Said once per signal, when its second request comes.
    const { signal } = mcp.mcpReq;
    if (!seen.has(signal)) seen.add(signal);
    else if (!unlimited.has(signal)) {
      setMaxListeners(0, signal);
      unlimited.add(signal);
    }
    const id = nextId++;
    const ctx = createRequestContext({
      id,
      request: request.params,
      signal,
      identity: options.server(),
      era: options.era(),
      config: runtime.config,
      models,
      emit: (event) => onEvent?.(withId(event, id)),
    });
    const holds: GateHold[] = [];
    try {
      mapRequest(ctx);
      const gated = runGates(gates, ctx, holds);
      if (gated !== undefined) await gated;
      const { value, candidate, attempts, generate, providerMs } = await callProvider(ctx, holds);
      ctx.attempts = attempts;
      ctx.model = { provider: candidate.provider, id: candidate.id, reason: candidate.reason };
      for (const hold of holds) hold.answered?.({ candidate, usage: value.usage });
      const usage = { inputTokens: value.usage.inputTokens ?? 0, outputTokens: value.usage.outputTokens ?? 0 };
      const cost = costUsd(usage, candidate.entry.price);

      // Held to maxTokens before anyone sees it (the reviewer included): see clip-completion.ts.
      const held = clipToMaxTokens(value.text, ctx.params.maxTokens);
      ctx.truncated = held.clipped;
      const where = { provider: candidate.provider, model: candidate.id };
      const completion = { text: held.text, toolCalls: toToolUseCalls(value.toolCalls, where) };
      // Only a hold that reviews is waited for: no detour through the microtask queue per gate otherwise.
      for (const hold of holds) if (hold.review !== undefined) await hold.review(completion, ctx);

      const result = toSamplingResult({ value, candidate, completion, clipped: held.clipped, usage, costUsd: cost });
      const latencyMs = performance.now() - ctx.started;
      onEvent?.({
        type: 'result',
        id,
        provider: candidate.provider,
        model: result.model,
        stopReason: result.stopReason,
        toolCalls: completion.toolCalls.map((call) => call.name),
        inputTokens: value.usage.inputTokens,
        outputTokens: value.usage.outputTokens,
        costUsd: cost,
        latencyMs,
        providerMs,
        sent: { temperature: generate.temperature, maxTokens: maxOutputTokensFor(generate, candidate) },
      });
      // Built, formatted and written behind the answer, batched (`flushRuntime` waits for it).
      void audit.write(() =>
        auditRecord(ctx, { outcome: 'ok', latencyMs, usage, costUsd: cost, ...completion }, audit.includeText),
      );
      return result;
    } catch (error) {
      // Refused by a later gate, denied, cancelled, or every provider failed: what the gates hold goes back.
      for (const hold of holds) hold.release?.();
      const wire = toWireError(error);
      const end = {
        outcome: outcomeOf(error, ctx.signal.aborted),
        error: wire.message,
        latencyMs: performance.now() - ctx.started,
        attempts: ctx.attempts ?? (error as { attempts?: FallbackAttempt[] }).attempts,
      };
      void audit.write(() => auditRecord(ctx, end, audit.includeText));
      onEvent?.({ type: 'error', id, message: wire.message });
      throw wire;
    }
  };
}
