/**
 * What the handler reports as a request goes (the CLI renders these lines): the decision (`request`), a
 * person's decisions (`approval`), failed attempts (`retry`), the answer (`result`) or the failure (`error`).
 * The first two come from the policy's gates; every event carries the request's id.
 */
import type { GateEvent } from '../../policy/gate.js';

/** A gate's event with the id of its request. */
export type WithId<E> = E extends unknown ? E & { id: number } : never;

/**
 * One step of one sampling request, for progress and audit displays (`onEvent`).
 *
 * @example
 * ```ts
 * const onEvent = (event: SamplingEvent) => {
 *   if (event.type === 'request') console.error(`#${event.id} ${event.server} -> ${event.provider}/${event.model}`);
 * };
 * ```
 */
export type SamplingEvent =
  | WithId<GateEvent>
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
