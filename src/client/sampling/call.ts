/**
 * The provider call of one request: a slot among the server's concurrent calls, then the candidates in
 * order with retries and fallbacks (providers/call-with-fallbacks.ts), each attempt wrapped by the gates'
 * holds (the budget's reservations). The request's cancellation aborts the call in flight.
 */
import { PolicyRefusal, type GateHold, type ResolvedCandidate } from '../../policy/gate.js';
import { callWithFallbacks } from '../../providers/call-with-fallbacks.js';
import { generateCompletion } from '../../providers/generate-completion.js';
import { createSemaphore, type Semaphore } from '../../shared/semaphore.js';
import { generateOptions, maxOutputTokensFor, type RequestContext } from './context.js';
import type { SamplingEvent } from './events.js';
import type { RuntimeModels } from './models.js';

// The AI SDK prints its warnings (e.g. "temperature is not supported") through console.warn; they would
// land in the middle of the CLI's output. The handler reports what matters itself.
(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;

/** Provider calls in flight at once per server, unless the policy says otherwise. */
export const DEFAULT_MAX_CONCURRENT = 4;

export type ProviderCall = ReturnType<typeof createProviderCall>;

export function createProviderCall(models: RuntimeModels, onEvent: ((event: SamplingEvent) => void) | undefined) {
  const slots = new Map<string, Semaphore>();
  const slotsOf = (ctx: RequestContext): Semaphore => {
    let serverSlots = slots.get(ctx.server);
    if (serverSlots === undefined) {
      serverSlots = createSemaphore(ctx.policy.maxConcurrent ?? DEFAULT_MAX_CONCURRENT);
      slots.set(ctx.server, serverSlots);
    }
    return serverSlots;
  };

  return async (ctx: RequestContext, holds: readonly GateHold[]) => {
    const generate = generateOptions(ctx);
    const release = await slotsOf(ctx).acquire(ctx.signal);
    const providerStarted = performance.now();
    let refused: PolicyRefusal | undefined;
    const attempt = (c: ResolvedCandidate, signal: AbortSignal) => {
      const run = () =>
        generateCompletion(
          models.languageModel(c),
          { ...generate, maxOutputTokens: maxOutputTokensFor(generate, c) },
          signal,
        );
      // The holds wrap each attempt, the first gate's outermost.
      const wrapped = holds.reduceRight<() => ReturnType<typeof run>>(
        (next, hold) => (hold.attempt === undefined ? next : () => hold.attempt!(c, signal, next)),
        run,
      );
      const note = (error: unknown): never => {
        if (error instanceof PolicyRefusal) refused = error;
        throw error;
      };
      try {
        return wrapped().catch(note);
      } catch (error) {
        return note(error);
      }
    };
    let outcome;
    try {
      outcome = await callWithFallbacks(ctx.candidates, attempt, {
        retry: ctx.config.retry,
        signal: ctx.signal,
        attemptTimeoutMs: ctx.config.timeouts.providerMs,
        onAttempt: (event) => {
          if (event.outcome === 'ok') return;
          onEvent?.({
            type: 'retry',
            id: ctx.id,
            provider: event.provider,
            model: event.id,
            error: event.error ?? 'failed',
            next: event.next === true,
          });
        },
      });
    } catch (error) {
      // An attempt a gate refused ends the call with that refusal, not as a provider error.
      throw refused ?? error;
    } finally {
      release();
    }
    const { value, candidate, attempts } = outcome;
    return { value, candidate, attempts, generate, providerMs: performance.now() - providerStarted };
  };
}
