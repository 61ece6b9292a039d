/**
 * Per-server limits applied to a `sampling/createMessage` request before any model runs: the maxTokens
 * cap (policy and model, never above what the server asked for), the temperature clamp, and the content
 * types a server may send. Pure: the request is never mutated; an adjusted copy is returned with notes
 * saying what changed. Also: resolving the effective policy of one server from the `servers` table.
 */
import type { CreateMessageRequestParams, SamplingMessage } from '@modelcontextprotocol/client';

import { blocksOf, type SamplingBlock } from '../shared/mcp-content.js';
import type { ServerPolicy } from '../config/schema.js';

export type LimitsOutcome =
  { ok: true; params: CreateMessageRequestParams; notes: string[] } | { ok: false; reason: string };

/** What `applyLimits` needs to know about the chosen model (a `ModelConfig` fits). */
export interface ModelLimits {
  readonly maxOutputTokens?: number | undefined;
}

type ContentType = 'text' | 'image' | 'audio';

/** Canonical order, used when listing what a server may send. */
const CONTENT_TYPES: readonly ContentType[] = ['text', 'image', 'audio'];

/** Image and audio blocks in the request, in order: top-level blocks and those inside tool results. */
function* mediaTypes(messages: readonly SamplingMessage[]): Generator<'image' | 'audio'> {
  for (const message of messages) {
    const blocks: readonly SamplingBlock[] = blocksOf(message);
    for (const block of blocks) {
      if (block.type === 'image' || block.type === 'audio') {
        yield block.type;
      } else if (block.type === 'tool_result') {
        for (const inner of block.content) {
          if (inner.type === 'image' || inner.type === 'audio') yield inner.type;
        }
      }
    }
  }
}

/**
 * Text is always allowed (`contentTypes` lists what a server may send besides text); unset = everything.
 */
function allowedContentTypes(policy: ServerPolicy): ReadonlySet<ContentType> {
  if (policy.contentTypes === undefined) return EVERY_CONTENT_TYPE;
  let allowed = allowedByList.get(policy.contentTypes);
  if (allowed === undefined) {
    allowed = new Set<ContentType>(['text', ...policy.contentTypes]);
    allowedByList.set(policy.contentTypes, allowed);
  }
  return allowed;
}

const EVERY_CONTENT_TYPE: ReadonlySet<ContentType> = new Set(CONTENT_TYPES);
/** The set of each `contentTypes` list seen (a server's policy is resolved once per runtime and kept). */
const allowedByList = new WeakMap<readonly ContentType[], ReadonlySet<ContentType>>();

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function applyLimits(
  params: CreateMessageRequestParams,
  policy: ServerPolicy,
  model?: ModelLimits,
): LimitsOutcome {
  const allowed = allowedContentTypes(policy);
  for (const type of mediaTypes(params.messages)) {
    if (!allowed.has(type)) {
      const list = CONTENT_TYPES.filter((t) => allowed.has(t)).join(', ');
      return { ok: false, reason: `server sent ${type} content; this server may send only: ${list}` };
    }
  }

  const notes: string[] = [];
  const requested = params.maxTokens;
  let maxTokens = requested;
  if (policy.maxTokens !== undefined && policy.maxTokens < maxTokens) {
    maxTokens = policy.maxTokens;
    notes.push(
      `maxTokens lowered from ${integer.format(requested)} to ${integer.format(maxTokens)} (server policy maxTokens)`,
    );
  }
  const modelMax = model?.maxOutputTokens;
  if (modelMax !== undefined && modelMax < maxTokens) {
    notes.push(
      `maxTokens lowered from ${integer.format(maxTokens)} to ${integer.format(modelMax)} (the model's maxOutputTokens)`,
    );
    maxTokens = modelMax;
  }

  const adjusted: CreateMessageRequestParams = { ...params, maxTokens };

  const range = policy.temperature;
  const temperature = params.temperature;
  if (range !== undefined && temperature !== undefined) {
    const clamped = Math.min(range.max, Math.max(range.min, temperature));
    if (clamped !== temperature) {
      adjusted.temperature = clamped;
      notes.push(`temperature ${temperature} clamped to ${clamped} (server policy allows ${range.min}..${range.max})`);
    }
  }

  return { ok: true, params: adjusted, notes };
}

/** A copy of `base` with the defined fields of `over` on top: unset = inherited. */
function overlay<T extends object>(base: T | undefined, over: T | undefined): T | undefined {
  if (over === undefined) return base === undefined ? undefined : { ...base };
  if (base === undefined) return { ...over };
  const merged: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(over)) {
    if (value !== undefined) merged[key] = value;
  }
  return merged as T;
}

function copy<T>(list: readonly T[] | undefined): T[] | undefined {
  return list === undefined ? undefined : [...list];
}

/** Drops the undefined fields (exactOptionalPropertyTypes). */
function defined<T extends object>(fields: { [K in keyof T]: T[K] | undefined }): T {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as T;
}

/**
 * The effective policy of one server: the defaults under `'*'`, overlaid field by field with the first
 * entry whose key equals one of `identities` (tried in order: e.g. the name from initialize, then the
 * command line or URL). Nested objects are merged too (`rateLimit`, `temperature`, `budget` and each of
 * its `session` / `day` windows); arrays (`models`, `contentTypes`) replace the defaults'.
 */
export function resolveServerPolicy(
  servers: Readonly<Record<string, ServerPolicy>>,
  identities: readonly string[],
): ServerPolicy {
  const defaults = Object.hasOwn(servers, '*') ? servers['*'] : undefined;
  const key = identities.find((identity) => identity !== '*' && Object.hasOwn(servers, identity));
  const named = key === undefined ? undefined : servers[key];

  const base: ServerPolicy = defaults ?? {};
  const over: ServerPolicy = named ?? {};
  const budget =
    base.budget === undefined && over.budget === undefined
      ? undefined
      : defined<NonNullable<ServerPolicy['budget']>>({
          session: overlay(base.budget?.session, over.budget?.session),
          day: overlay(base.budget?.day, over.budget?.day),
        });
  // Every field is listed (the type requires it), so a field added to the schema cannot be dropped here.
  const fields: { [K in keyof Required<ServerPolicy>]: ServerPolicy[K] | undefined } = {
    approval: over.approval ?? base.approval,
    models: copy(over.models ?? base.models),
    maxTokens: over.maxTokens ?? base.maxTokens,
    maxConcurrent: over.maxConcurrent ?? base.maxConcurrent,
    temperature: overlay(base.temperature, over.temperature),
    contentTypes: copy(over.contentTypes ?? base.contentTypes),
    rateLimit: overlay(base.rateLimit, over.rateLimit),
    budget,
  };
  return defined<ServerPolicy>(fields);
}
