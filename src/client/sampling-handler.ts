/**
 * Answers `sampling/createMessage` under the user's policy:
 * request -> server policy -> model resolution -> limits -> budget (the worst case is reserved) -> rate
 * limit -> approval -> provider call (retries, then fallbacks; the reservation becomes the real usage) ->
 * review of the completion -> MCP result (+ usage in `_meta`) -> audit line. A request that fails or is
 * refused after the budget gate gives its reservation back. The same handler serves pushed requests
 * (2025 era) and input_required rounds (2026 era).
 * With tools (sampling.tools), the model's tool calls come back as `tool_use` blocks for the server to run;
 * the embedded extractive model, which cannot call tools, never answers such a request.
 */
import { setMaxListeners } from 'node:events';

import type { ClientContext, CreateMessageRequest } from '@modelcontextprotocol/client';
import { generateText } from 'ai';

import {
  applyRequestEdit,
  applyToolInputEdits,
  resolveApprovalGate,
  type Prompter,
  type RequestView,
} from '../policy/approval.js';
import type { AuditLog, AuditOutcome, AuditRecord } from '../policy/audit-log.js';
import type { BudgetTracker, BudgetUsage, Reservation } from '../policy/budget.js';
import type { Config, ServerPolicy } from '../config/schema.js';
import { costUsd } from '../policy/cost.js';
import { applyLimits, resolveServerPolicy } from '../policy/limits.js';
import { RateLimitError, createRateLimiter, type RateLimiter } from '../policy/rate-limiter.js';
import { modelAllowed, resolveModel, type Candidate } from '../policy/resolve-model.js';
import { maxInputTokens, worstCase, type WorstCase } from '../policy/worst-case.js';
import { callWithFallbacks, type FallbackAttempt } from '../providers/call-with-fallbacks.js';
import type { CatalogModel } from '../providers/catalog.js';
import { createExtractiveModel, EXTRACTIVE_MODEL_ID } from '../providers/embedded/extractive-model.js';
import type { ProviderRegistry } from '../providers/registry.js';
import { estimateTokens } from '../shared/estimate-tokens.js';
import { createSemaphore, type Semaphore } from '../shared/semaphore.js';
import { clipToMaxTokens } from './clip-completion.js';
import { PolicyRefusalError, UserRejectedError, toWireError } from './errors.js';
import {
  blocksOf,
  hasToolContent,
  toCreateMessageResult,
  toGenerateOptions,
  toolsOffered,
  type SamplingResult,
} from './map-sampling.js';
import { toToolChoice, toToolUseCalls, type ToolUseCall } from './map-tools.js';

// The AI SDK prints its warnings (e.g. "temperature is not supported") through console.warn; they would
// land in the middle of the CLI's output. The handler reports what matters itself.
(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;

/** Where the client reports token usage and cost to the server, in the result's `_meta`. */
export const USAGE_META_KEY = 'mcp-sampling/usage';

/** The embedded extractive summarizer as a catalog entry: free, local, and no language model. */
export const EMBEDDED_MODEL: CatalogModel = {
  provider: 'embedded',
  id: EXTRACTIVE_MODEL_ID,
  contextWindow: 1_000_000_000,
  maxOutputTokens: 1_000_000,
  price: { input: 0, output: 0 },
  scores: { cost: 1, speed: 1, intelligence: 0 },
};

export type SamplingEvent =
  | {
      type: 'request';
      id: number;
      server: string;
      params: CreateMessageRequest['params'];
      provider: string;
      model: string;
      reason: string;
      fallbacks: string[];
      /** Names of the tools the request offers the model (empty without tools). */
      tools: string[];
    }
  | { type: 'approval'; id: number; stage: 'request' | 'completion'; decision: string }
  | { type: 'retry'; id: number; provider: string; model: string; error: string; next: boolean }
  | {
      type: 'result';
      id: number;
      provider: string;
      model: string;
      stopReason: string | undefined;
      /** Names of the tools the model called, in order (empty when it called none). */
      toolCalls: string[];
      inputTokens: number | undefined;
      outputTokens: number | undefined;
      costUsd: number;
      /** From the request's arrival to the answer, approvals included. */
      latencyMs: number;
      /** The provider call alone (retries and fallbacks included). */
      providerMs: number;
      /** What the model that answered was sent, after the policy's limits (the request's are in `request`). */
      sent: { temperature: number | undefined; maxTokens: number };
    }
  | { type: 'error'; id: number; message: string };

/** What identifies the server a request comes from: its initialize name, and how it was reached. */
export interface ServerIdentity {
  name: string | undefined;
  /** The command line (stdio) or URL (HTTP). */
  address: string | undefined;
}

/** Everything the handler needs that outlives one request. */
export interface SamplingRuntime {
  config: Config;
  registry: ProviderRegistry;
  catalog: readonly CatalogModel[];
  aliases: Readonly<Record<string, readonly string[]>>;
  budget: BudgetTracker;
  audit: AuditLog;
  /** Present when a person can be asked (a terminal); `ask` mode denies without it. */
  prompter?: Prompter | undefined;
}

export interface SamplingHandlerOptions {
  runtime: SamplingRuntime;
  server: () => ServerIdentity;
  era: () => string;
  onEvent?: (event: SamplingEvent) => void;
}

/**
 * Whether a model that can call tools may answer this client's requests: any usable provider model (the
 * embedded extractive model cannot). Decides whether the client declares `sampling.tools`. Per-server
 * allowlists are not known before connecting; a server whose allowlist leaves only the embedded model
 * gets a clear refusal for a tool request instead.
 */
export function canUseTools(runtime: Pick<SamplingRuntime, 'catalog' | 'registry'>): boolean {
  return runtime.catalog.some((model) => model.provider !== 'embedded' && runtime.registry.available(model.provider));
}

/**
 * Waits until the audit lines and budget usage of every request answered so far are on disk. Call it before
 * the process ends, or before reading either file.
 */
export async function flushRuntime(runtime: Pick<SamplingRuntime, 'audit' | 'budget'>): Promise<void> {
  await Promise.all([runtime.audit.flush(), runtime.budget.flush()]);
}

export type SamplingHandler = (request: CreateMessageRequest, ctx: ClientContext) => Promise<SamplingResult>;

/** Why no model can answer a request that needs tools when the embedded model is all there is. */
function embeddedCannotAnswer(offersTools: boolean): string {
  return offersTools
    ? 'this request offers tools, and the only model available, the embedded extractive summarizer, cannot call tools: configure a provider (docs/configuration.md)'
    : 'this request carries tool calls and results, and the only model available, the embedded extractive summarizer, cannot read them: configure a provider (docs/configuration.md)';
}

/** The prompt's text for the rate limiter's token estimate: system prompt, text, tool results and tool definitions. */
function promptTextOf(params: CreateMessageRequest['params']): string {
  const parts: string[] = [params.systemPrompt ?? ''];
  for (const block of params.messages.flatMap(blocksOf)) {
    if (block.type === 'text') parts.push(block.text);
    else if (block.type === 'tool_use') parts.push(JSON.stringify(block.input));
    else if (block.type === 'tool_result') {
      for (const inner of block.content) if (inner.type === 'text') parts.push(inner.text);
    }
  }
  for (const tool of params.tools ?? [])
    parts.push(tool.name, tool.description ?? '', JSON.stringify(tool.inputSchema));
  return parts.join('\n');
}

function serverLabel(identity: ServerIdentity): string {
  return identity.name ?? identity.address ?? 'unknown server';
}

function outcomeOf(error: unknown, aborted: boolean): AuditOutcome {
  if (aborted) return 'cancelled';
  if (error instanceof UserRejectedError) return error.stage === 'completion' ? 'rejected' : 'denied';
  if (error instanceof PolicyRefusalError) return error.kind;
  return 'error';
}

/** Provider calls in flight at once per server, unless the policy says otherwise. */
export const DEFAULT_MAX_CONCURRENT = 4;

export function createSamplingHandler(options: SamplingHandlerOptions): SamplingHandler {
  const { runtime } = options;
  const { config } = runtime;
  const limiters = new Map<string, RateLimiter | undefined>();
  const slots = new Map<string, Semaphore>();
  // One prompt on the terminal at a time: a long document may send many requests at once.
  let promptChain: Promise<unknown> = Promise.resolve();
  const oneAtATime = <T>(ask: () => Promise<T>): Promise<T> => {
    const next = promptChain.then(ask);
    promptChain = next.catch(() => {});
    return next;
  };
  let nextId = 1;

  const limiterFor = (server: string, policy: ServerPolicy): RateLimiter | undefined => {
    if (!limiters.has(server)) {
      const rate = policy.rateLimit;
      limiters.set(
        server,
        rate === undefined || (rate.requestsPerMinute === undefined && rate.tokensPerMinute === undefined)
          ? undefined
          : createRateLimiter({
              ...(rate.requestsPerMinute !== undefined && { requestsPerMinute: rate.requestsPerMinute }),
              ...(rate.tokensPerMinute !== undefined && { tokensPerMinute: rate.tokensPerMinute }),
              onLimit: rate.onLimit,
            }),
      );
    }
    return limiters.get(server);
  };

  const catalogEntry = (candidate: { provider: string; id: string }): CatalogModel | undefined =>
    candidate.provider === 'embedded'
      ? EMBEDDED_MODEL
      : runtime.catalog.find((m) => m.provider === candidate.provider && m.id === candidate.id);

  const languageModel = (candidate: { provider: string; id: string }) =>
    candidate.provider === 'embedded'
      ? createExtractiveModel()
      : runtime.registry.languageModel(candidate.provider, candidate.id);

  /** The most `candidate` can use for `params` (limits applied): the output is capped by the model too. */
  const worstOf = (candidate: Candidate, params: CreateMessageRequest['params'], inputTokens: number): WorstCase => {
    const entry = catalogEntry(candidate);
    const output = Math.min(params.maxTokens, entry?.maxOutputTokens ?? params.maxTokens);
    return worstCase(inputTokens, output, entry?.price);
  };

  const mostOf = (amounts: readonly BudgetUsage[]): BudgetUsage =>
    amounts.reduce((a, b) => ({ tokens: Math.max(a.tokens, b.tokens), costUsd: Math.max(a.costUsd, b.costUsd) }), {
      tokens: 0,
      costUsd: 0,
    });

  /**
   * The budget gate: reserves the worst case of the most expensive of `candidates` (the chosen model and
   * its fallbacks), so that a fallback never needs more than was reserved. A fallback whose worst case does
   * not fit is dropped rather than the request refused; the request is refused when the chosen model does
   * not fit. Synchronous from check to reserve, so concurrent requests cannot both take the same headroom.
   */
  const reserveBudget = (
    server: string,
    budget: ServerPolicy['budget'],
    candidates: readonly Candidate[],
    params: CreateMessageRequest['params'],
  ): {
    reservation: Reservation;
    candidates: Candidate[];
    worst: Map<Candidate, WorstCase>;
    /** What a candidate's call holds against the budget (nothing when the server has no budget). */
    amountOf: (candidate: Candidate) => BudgetUsage;
    dropped: string[];
  } => {
    const input = budget === undefined ? 0 : maxInputTokens(params);
    const worst = new Map(candidates.map((c) => [c, worstOf(c, params, input)] as const));
    const limitsCost = budget?.session?.costUsd !== undefined || budget?.day?.costUsd !== undefined;
    const amountOf = (c: Candidate): BudgetUsage => {
      const w = worst.get(c)!;
      return { tokens: budget === undefined ? 0 : w.tokens, costUsd: budget === undefined ? 0 : (w.costUsd ?? 0) };
    };
    const [chosen, ...fallbacks] = candidates;
    if (chosen === undefined) throw new Error('no candidate to reserve a budget for');
    if (limitsCost && worst.get(chosen)!.costUsd === undefined) {
      throw new PolicyRefusalError(
        `${chosen.provider}/${chosen.id} has no known price, so it cannot be held to the dollar budget of server '${server}': give it a price under "models" (docs/configuration.md)`,
        'budget',
      );
    }
    const dropped: string[] = [];
    let kept = [chosen];
    for (const c of fallbacks) {
      if (
        (limitsCost && worst.get(c)!.costUsd === undefined) ||
        !runtime.budget.check(server, budget, amountOf(c)).ok
      ) {
        dropped.push(`${c.provider}/${c.id}`);
      } else kept.push(c);
    }
    for (;;) {
      const outcome = runtime.budget.reserve(server, budget, mostOf(kept.map(amountOf)));
      if (outcome.ok) return { reservation: outcome.reservation, candidates: kept, worst, amountOf, dropped };
      if (kept.length === 1) throw new PolicyRefusalError(outcome.reason, 'budget');
      // Each fallback fits alone, not all of them together at their most expensive: drop the last.
      const last = kept[kept.length - 1]!;
      dropped.push(`${last.provider}/${last.id}`);
      kept = kept.slice(0, -1);
    }
  };
  // A state file that cannot be written is worth one warning, not one per request.
  const warned = new Set<string>();
  const warnOnce = (error: unknown): void => {
    const message = (error as Error).message;
    if (warned.has(message)) return;
    warned.add(message);
    process.stderr.write(`mcp-sampling: warning: ${message}\n`);
  };

  return async (request, ctx) => {
    // On the 2026 era the SDK hands every embedded request of a round the same signal: dozens of
    // listeners on it are expected, not a leak.
    setMaxListeners(0, ctx.mcpReq.signal);
    const id = nextId++;
    const started = performance.now();
    const identity = options.server();
    const server = serverLabel(identity);
    let params = request.params;
    const preferences = params.modelPreferences;
    const blocks = params.messages.flatMap(blocksOf);
    const offersTools = toolsOffered(params) > 0;
    // The embedded extractive model can neither call tools nor read a tool loop's history.
    const needsTools = offersTools || hasToolContent(params);
    const record: AuditRecord = {
      time: new Date().toISOString(),
      server,
      era: options.era(),
      request: {
        messages: params.messages.length,
        contentTypes: [...new Set(blocks.map((b) => b.type))],
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
        tools: toolsOffered(params),
        ...(offersTools && { toolChoice: toToolChoice(params.toolChoice) }),
      },
      approval: 'auto',
      latencyMs: 0,
      outcome: 'error',
    };
    if (runtime.audit.includeText) record.prompt = { systemPrompt: params.systemPrompt, messages: params.messages };
    let attempts: FallbackAttempt[] | undefined;
    let reservation: Reservation | undefined;

    try {
      toGenerateOptions(params); // refuse what cannot be mapped before anything else happens
      const policy = resolveServerPolicy(
        config.servers,
        [identity.name, identity.address].filter((x): x is string => x !== undefined),
      );
      const allowed = policy.models ?? ['*'];
      const enabled = runtime.catalog.filter((m) => runtime.registry.available(m.provider) && modelAllowed(m, allowed));
      const embeddedAllowed = config.embedded.enabled && modelAllowed(EMBEDDED_MODEL, allowed);
      const decision = resolveModel({
        hints: record.request.hints,
        priorities: {
          ...(preferences?.costPriority !== undefined && { cost: preferences.costPriority }),
          ...(preferences?.speedPriority !== undefined && { speed: preferences.speedPriority }),
          ...(preferences?.intelligencePriority !== undefined && { intelligence: preferences.intelligencePriority }),
        },
        models: enabled,
        aliases: runtime.aliases,
        ...(config.defaultModel !== undefined && { defaultModel: config.defaultModel }),
        embedded: embeddedAllowed && !needsTools,
      });
      const chosen: Candidate | undefined = decision.candidates[0];
      if (chosen === undefined) {
        const why = needsTools && embeddedAllowed ? embeddedCannotAnswer(offersTools) : decision.reason;
        throw new PolicyRefusalError(`no model for server '${server}': ${why}`, 'no-model');
      }
      record.model = { provider: chosen.provider, id: chosen.id, reason: chosen.reason };
      // Fallbacks: the next candidates of the same decision, never the extractive model behind a real one.
      let candidates = [
        chosen,
        ...decision.candidates
          .slice(1)
          .filter((c) => chosen.provider === 'embedded' || c.provider !== 'embedded')
          .slice(0, config.fallbacks.maxModels),
      ];
      options.onEvent?.({
        type: 'request',
        id,
        server,
        params,
        provider: chosen.provider,
        model: chosen.id,
        reason: chosen.reason,
        fallbacks: candidates.slice(1).map((c) => `${c.provider}/${c.id}`),
        tools: (params.tools ?? []).map((t) => t.name),
      });

      const limited = applyLimits(params, policy, catalogEntry(chosen));
      if (!limited.ok) throw new PolicyRefusalError(`server '${server}': ${limited.reason}`, 'limits');
      params = limited.params;
      record.applied = { maxTokens: params.maxTokens, temperature: params.temperature, notes: limited.notes };

      // Held from here until the answer (rate limit, approval and a provider slot included), or given back.
      let reserved = reserveBudget(server, policy.budget, candidates, params);
      reservation = reserved.reservation;
      candidates = reserved.candidates;
      for (const name of reserved.dropped)
        limited.notes.push(`fallback ${name} dropped: its worst case does not fit the budget`);

      await limiterFor(server, policy)
        ?.acquire(estimateTokens(promptTextOf(params)) + params.maxTokens, ctx.mcpReq.signal)
        .catch((error: unknown) => {
          // A rate limit is one of the policy's refusals: same wire mapping, same audit outcome.
          if (error instanceof RateLimitError)
            throw new PolicyRefusalError(error.message, 'rate-limited', { cause: error });
          throw error;
        });

      const gate = resolveApprovalGate(policy.approval ?? 'auto', server, runtime.prompter);
      const view = (): RequestView => ({
        server,
        model: { provider: chosen.provider, id: chosen.id, reason: chosen.reason },
        systemPrompt: params.systemPrompt,
        messages: params.messages,
        maxTokens: params.maxTokens,
        temperature: params.temperature,
        ...(offersTools && {
          tools: (params.tools ?? []).map((t) => ({
            name: t.name,
            ...(t.description !== undefined && { description: t.description }),
            inputSchema: t.inputSchema,
          })),
          toolChoice: toToolChoice(params.toolChoice),
        }),
      });
      if (gate.kind === 'deny') {
        record.approval = 'denied (config)';
        throw new UserRejectedError(gate.reason);
      }
      // A person gets `timeouts.approvalMs` to decide; past it, or when the request is cancelled, the prompt ends.
      const approvalSignal = () =>
        AbortSignal.any([ctx.mcpReq.signal, AbortSignal.timeout(config.timeouts.approvalMs)]);
      if (gate.kind === 'ask') {
        const decided = await oneAtATime(() => gate.prompter.reviewRequest(view(), approvalSignal()));
        record.approval = decided.action === 'approve' ? 'approved' : decided.action === 'edit' ? 'edited' : 'denied';
        options.onEvent?.({ type: 'approval', id, stage: 'request', decision: record.approval });
        if (decided.action === 'deny')
          throw new UserRejectedError(`the user denied the sampling request (${decided.reason ?? 'no reason given'})`);
        if (decided.action === 'edit') {
          const edited = applyRequestEdit(params.messages, params.systemPrompt, decided);
          params = {
            ...params,
            messages: edited.messages,
            ...(edited.systemPrompt !== undefined && { systemPrompt: edited.systemPrompt }),
          };
          // The edit may have made the prompt longer: reserve again for what will really be sent.
          reservation.release();
          reservation = undefined;
          reserved = reserveBudget(server, policy.budget, candidates, params);
          reservation = reserved.reservation;
          candidates = reserved.candidates;
        }
      }

      const generate = toGenerateOptions(params);
      const providerTimeoutMs = config.timeouts.providerMs;
      let serverSlots = slots.get(server);
      if (serverSlots === undefined) {
        serverSlots = createSemaphore(policy.maxConcurrent ?? DEFAULT_MAX_CONCURRENT);
        slots.set(server, serverSlots);
      }
      const release = await serverSlots.acquire(ctx.mcpReq.signal);
      const providerStarted = performance.now();
      const admitted = candidates;
      let retryRefusal: PolicyRefusalError | undefined;
      /**
       * One attempt at `c`. An attempt cut off at the provider (the request cancelled, the attempt timed out)
       * may have been billed for what was generated before it stopped, which nobody reports: it counts at its
       * worst case, and a retry after it needs a reservation of its own (refused when it no longer fits).
       */
      const attempt = (c: Candidate, signal: AbortSignal) => {
        if (reservation === undefined) {
          const again = runtime.budget.reserve(
            server,
            policy.budget,
            mostOf(admitted.slice(Math.max(0, admitted.indexOf(c))).map(reserved.amountOf)),
          );
          if (!again.ok) throw (retryRefusal = new PolicyRefusalError(again.reason, 'budget'));
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
        return generateText({
          model: languageModel(c),
          ...generate,
          maxOutputTokens: Math.min(
            generate.maxOutputTokens,
            catalogEntry(c)?.maxOutputTokens ?? generate.maxOutputTokens,
          ),
          maxRetries: 0,
          abortSignal: signal,
        }).finally(() => {
          settled = true;
          signal.removeEventListener('abort', cutOff);
        });
      };
      const {
        value,
        candidate,
        attempts: tried,
      } = await callWithFallbacks(candidates, attempt, {
        retry: config.retry,
        signal: ctx.mcpReq.signal,
        attemptTimeoutMs: providerTimeoutMs,
        onAttempt: (event) => {
          if (event.outcome !== 'ok') {
            options.onEvent?.({
              type: 'retry',
              id,
              provider: event.provider,
              model: event.id,
              error: event.error ?? 'failed',
              next: event.next === true,
            });
          }
        },
      })
        .catch((error: unknown) => {
          // A retry the budget refused ends the call with the budget's own refusal, not as a provider error.
          throw retryRefusal ?? error;
        })
        .finally(release);
      const providerMs = performance.now() - providerStarted;
      attempts = tried;
      record.model = { provider: candidate.provider, id: candidate.id, reason: candidate.reason };
      const usage = { inputTokens: value.usage.inputTokens ?? 0, outputTokens: value.usage.outputTokens ?? 0 };
      const cost = costUsd(usage, catalogEntry(candidate)?.price);
      // The completion exists and was paid for, whatever the review decides: its real usage replaces the
      // reservation now (in memory at once, in the state file behind the answer, batched; `flushRuntime`
      // waits for it). A count the provider did not report is taken at its worst case. A state-file problem
      // must not throw the completion away.
      const worst = reserved.worst.get(candidate);
      const billed = {
        inputTokens: value.usage.inputTokens ?? (policy.budget === undefined ? 0 : (worst?.inputTokens ?? 0)),
        outputTokens: value.usage.outputTokens ?? (policy.budget === undefined ? 0 : (worst?.outputTokens ?? 0)),
      };
      void reservation
        ?.commit({
          tokens: billed.inputTokens + billed.outputTokens,
          costUsd: costUsd(billed, catalogEntry(candidate)?.price),
        })
        .catch(warnOnce);

      // Held to maxTokens before anyone sees it (the reviewer included): see clip-completion.ts.
      const held = clipToMaxTokens(value.text, params.maxTokens);
      let text = held.text;
      if (held.clipped !== undefined) record.truncated = held.clipped;
      let toolCalls: ToolUseCall[] = toToolUseCalls(value.toolCalls, {
        provider: candidate.provider,
        model: candidate.id,
      });
      if (gate.kind === 'ask') {
        const shown = toolCalls;
        const reviewed = await oneAtATime(() =>
          gate.prompter.reviewCompletion(
            { ...view(), completion: text, ...(shown.length > 0 && { toolCalls: shown }) },
            approvalSignal(),
          ),
        );
        options.onEvent?.({ type: 'approval', id, stage: 'completion', decision: reviewed.action });
        if (reviewed.action === 'reject') {
          record.approval += ', completion rejected';
          throw new UserRejectedError(
            `the user rejected the completion (${reviewed.reason ?? 'no reason given'})`,
            'completion',
          );
        }
        if (reviewed.action === 'edit') {
          text = reviewed.text;
          toolCalls = applyToolInputEdits(toolCalls, reviewed.toolInputs);
          record.approval += ', completion edited';
        }
      }

      const stopSequence =
        value.providerMetadata?.['embedded']?.['stopSequence'] ??
        value.providerMetadata?.['anthropic']?.['stopSequence'];
      const result: SamplingResult = {
        ...toCreateMessageResult(
          {
            text,
            // A cut completion ended at the limit, whatever the provider said.
            finishReason: held.clipped !== undefined ? 'length' : value.finishReason,
            matchedStopSequence: held.clipped === undefined && typeof stopSequence === 'string',
            toolCalls,
          },
          value.response.modelId || candidate.id,
        ),
        _meta: {
          [USAGE_META_KEY]: {
            provider: candidate.provider,
            model: candidate.id,
            ...usage,
            costUsd: cost,
            ...(held.clipped !== undefined && { truncated: held.clipped }),
          },
        },
      };
      const latencyMs = performance.now() - started;
      options.onEvent?.({
        type: 'result',
        id,
        provider: candidate.provider,
        model: result.model,
        stopReason: result.stopReason,
        toolCalls: toolCalls.map((call) => call.name),
        inputTokens: value.usage.inputTokens,
        outputTokens: value.usage.outputTokens,
        costUsd: cost,
        latencyMs,
        providerMs,
        sent: {
          temperature: generate.temperature,
          maxTokens: Math.min(generate.maxOutputTokens, catalogEntry(candidate)?.maxOutputTokens ?? Infinity),
        },
      });
      Object.assign(record, { usage, costUsd: cost, outcome: 'ok', latencyMs, attempts });
      if (offersTools) record.toolCalls = toolCalls.length;
      if (runtime.audit.includeText) {
        record.completion = text;
        if (toolCalls.length > 0) record.completionToolCalls = toolCalls.map(({ name, input }) => ({ name, input }));
      }
      // Written behind the answer, batched (`flushRuntime` waits for it).
      void runtime.audit.write(record);
      return result;
    } catch (error) {
      // Refused by a later gate, denied, cancelled, or every provider failed: nothing was used (a
      // reservation already replaced by the real usage is left alone).
      reservation?.release();
      const wire = toWireError(error);
      Object.assign(record, {
        outcome: outcomeOf(error, ctx.mcpReq.signal.aborted),
        error: wire.message,
        latencyMs: performance.now() - started,
        attempts: attempts ?? (error as { attempts?: FallbackAttempt[] }).attempts,
      });
      void runtime.audit.write(record);
      options.onEvent?.({ type: 'error', id, message: wire.message });
      throw wire;
    }
  };
}
