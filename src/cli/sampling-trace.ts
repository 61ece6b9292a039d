/**
 * The readable trace of each sampling request the client answers: the request as the server asked for it,
 * the model chosen and why, what the policy changed, the provider's answer (tokens, cost, stop reason),
 * retries, approvals and failures, as steps of the CLI's flow; and the record of each request that the
 * JSON output reports. The first request is shown in full; for a long document the rest go to --verbose.
 */
import type { SamplingEvent } from '../client/sampling/events.js';
import type { Output } from './output.js';

/** One sampling request as the JSON output reports it. */
export interface SamplingRecord {
  provider: string;
  model: string;
  reason: string;
  /** What the model was sent, after the policy's limits; absent when the request never reached a model. */
  temperature?: number | undefined;
  maxTokens?: number | undefined;
  /** What the server asked for. */
  requested: { temperature: number | undefined; maxTokens: number };
  hints: string[];
  stopReason?: string | undefined;
  inputTokens?: number | undefined;
  outputTokens?: number | undefined;
  latencyMs?: number;
  costUsd?: number;
  error?: string;
}

export interface SamplingTrace {
  /** The client handler's `onEvent`. */
  onEvent(event: SamplingEvent): void;
  /** One record per request seen so far, in order. */
  readonly records: SamplingRecord[];
}

function describeModel(provider: string, model: string): string {
  return provider === 'embedded' ? `${model} (embedded; extractive, not an LLM)` : `${provider}/${model}`;
}

/** A trace written to `out`; `era` names the connection's era once it is known. */
export function createSamplingTrace(out: Output, era: () => string): SamplingTrace {
  const records = new Map<number, SamplingRecord>();

  // Per-request lines for the first request; for a long document the rest show as progress (all with --verbose).
  const loud = (id: number) => id === 1 || out.verbose;
  const line = (id: number, label: string, text: string) => (loud(id) ? out.step(label, text) : out.detail(text));

  const onEvent = (event: SamplingEvent): void => {
    if (event.type === 'request') {
      const { params } = event;
      const record: SamplingRecord = {
        provider: event.provider,
        model: event.model,
        reason: event.reason,
        requested: { temperature: params.temperature, maxTokens: params.maxTokens },
        hints: (params.modelPreferences?.hints ?? []).flatMap((hint) => (hint.name === undefined ? [] : [hint.name])),
      };
      records.set(event.id, record);
      const hints = record.hints.length > 0 ? `, hints ${record.hints.join(', ')}` : '';
      line(
        event.id,
        'sampling',
        `sampling/createMessage received (${era()} era): temperature ${params.temperature ?? 'default'}, ` +
          `max tokens ${params.maxTokens}${hints}`,
      );
      if (event.tools.length > 0) line(event.id, 'tools', `offered to the model: ${event.tools.join(', ')}`);
      line(event.id, 'model', describeModel(event.provider, event.model));
      out.detail(`why: ${event.reason}`);
      if (event.fallbacks.length > 0) out.detail(`fallbacks: ${event.fallbacks.join(', ')}`);
      if (params.systemPrompt !== undefined && loud(event.id)) out.detail(`system prompt: ${params.systemPrompt}`);
      line(
        event.id,
        'provider',
        `calling ${event.provider === 'embedded' ? 'the embedded model (offline)' : event.provider}…`,
      );
    } else if (event.type === 'result') {
      const record = records.get(event.id);
      Object.assign(record ?? {}, {
        // The model that actually answered (a provider may report a dated version of the alias asked for).
        model: event.model,
        temperature: event.sent.temperature,
        maxTokens: event.sent.maxTokens,
        stopReason: event.stopReason,
        inputTokens: event.inputTokens,
        outputTokens: event.outputTokens,
        latencyMs: Math.round(event.latencyMs),
        costUsd: event.costUsd,
      });
      const cost = event.costUsd > 0 ? `, $${event.costUsd.toFixed(4)}` : '';
      // Say what the policy changed: the request line above shows what the server asked for.
      const asked = record?.requested;
      const changed = [
        ...(asked !== undefined && asked.maxTokens !== event.sent.maxTokens
          ? [`max tokens ${event.sent.maxTokens}`]
          : []),
        ...(asked !== undefined && asked.temperature !== event.sent.temperature
          ? [`temperature ${event.sent.temperature ?? 'default'}`]
          : []),
      ];
      if (changed.length > 0) line(event.id, 'limits', `sent with ${changed.join(', ')} (your policy's limits)`);
      line(
        event.id,
        'provider',
        `${event.model} answered in ${Math.round(event.providerMs)} ms: ${event.outputTokens ?? '?'} tokens out ` +
          `(${event.inputTokens ?? '?'} in${cost}), stop reason ${event.stopReason ?? 'unknown'}` +
          (event.toolCalls.length > 0 ? `, calls ${event.toolCalls.join(', ')}` : ''),
      );
    } else if (event.type === 'retry') {
      out.step(
        'provider',
        `${event.provider}/${event.model} failed (${event.error})${event.next ? '; trying the next model' : ''}`,
      );
    } else if (event.type === 'approval') {
      out.step('approval', `${event.stage}: ${event.decision}`);
    } else {
      const record = records.get(event.id);
      if (record !== undefined) record.error = event.message;
      out.step('provider', `failed: ${event.message}`);
    }
  };

  return {
    onEvent,
    get records() {
      return [...records.values()];
    },
  };
}
