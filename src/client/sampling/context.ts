/**
 * One request's context: what the handler and the gates know about a `sampling/createMessage` as it
 * goes, in one object owned by that request (instead of a shared record mutated along the way). The
 * request is mapped to the AI SDK once; `generateOptions` applies what the gates changed to that mapping.
 */
import type { CreateMessageRequestParams } from '@modelcontextprotocol/client';

import type { Config, ServerPolicy } from '../../config/schema.js';
import type { GateContext, GateEvent, ModelTable, ResolvedCandidate } from '../../policy/gate.js';
import { resolveServerPolicy } from '../../policy/limits.js';
import type { FallbackAttempt } from '../../providers/call-with-fallbacks.js';
import { hasToolContent, toGenerateOptions, toolsOffered, type GenerateOptions } from '../map/map-sampling.js';

/** What identifies the server a request comes from: its initialize name, and how it was reached. */
export interface ServerIdentity {
  name: string | undefined;
  /** The command line (stdio) or URL (HTTP). */
  address: string | undefined;
}

export interface RequestContext extends GateContext {
  readonly id: number;
  /** `performance.now()` at the request's arrival. */
  readonly started: number;
  /** When the request arrived (`Date.now()`), for the audit line: formatted only when the line is written. */
  readonly arrivedAt: number;
  readonly era: string;
  /** The request as the AI SDK takes it, mapped once (undefined until `mapRequest`). */
  mapped: GenerateOptions | undefined;
  /** The provider attempts, once the call is over. */
  attempts: FallbackAttempt[] | undefined;
  /** Set when the completion was cut to maxTokens. */
  truncated: { estimatedTokens: number; maxTokens: number } | undefined;
}

export function createRequestContext(input: {
  id: number;
  request: CreateMessageRequestParams;
  signal: AbortSignal;
  identity: ServerIdentity;
  era: string;
  config: Config;
  models: ModelTable;
  emit: (event: GateEvent) => void;
}): RequestContext {
  const { request, identity, config } = input;
  const offersTools = toolsOffered(request) > 0;
  return {
    id: input.id,
    started: performance.now(),
    arrivedAt: Date.now(),
    era: input.era,
    server: identity.name ?? identity.address ?? 'unknown server',
    policy: serverPolicyOf(config, identity),
    config,
    models: input.models,
    signal: input.signal,
    request,
    params: request,
    offersTools,
    needsTools: offersTools || hasToolContent(request),
    candidates: [],
    model: undefined,
    applied: undefined,
    notes: [],
    approval: 'auto',
    emit: input.emit,
    mapped: undefined,
    attempts: undefined,
    truncated: undefined,
  };
}

/**
 * The policy of the server `identity` names under `config`, resolved once per config and identity: a
 * connection's requests all come from one server. A changed config is a new object, so its policies are
 * resolved afresh. Bounded: past MAX_CACHED_POLICIES identities the config's cache starts over.
 */
function serverPolicyOf(config: Config, identity: ServerIdentity): ServerPolicy {
  // A connection's requests come from one server: the last answer, without building its key again.
  const last = lastPolicy;
  if (last !== undefined && last.config === config && last.name === identity.name && last.address === identity.address)
    return last.policy;
  let byIdentity = policies.get(config);
  if (byIdentity === undefined) policies.set(config, (byIdentity = new Map()));
  const key = `${identity.name ?? ''}\u0000${identity.address ?? ''}\u0000${identity.name === undefined ? 0 : 1}${identity.address === undefined ? 0 : 1}`;
  let policy = byIdentity.get(key);
  if (policy === undefined) {
    policy = resolveServerPolicy(
      config.servers,
      [identity.name, identity.address].filter((x): x is string => x !== undefined),
    );
    if (byIdentity.size >= MAX_CACHED_POLICIES) byIdentity.clear();
    byIdentity.set(key, policy);
  }
  lastPolicy = { config, name: identity.name, address: identity.address, policy };
  return policy;
}

/** The last policy resolved (a strong reference to one config: replaced by the next config's first request). */
let lastPolicy:
  { config: Config; name: string | undefined; address: string | undefined; policy: ServerPolicy } | undefined;

const MAX_CACHED_POLICIES = 256;
const policies = new WeakMap<Config, Map<string, ServerPolicy>>();

/** Maps the request once; refuses what cannot be mapped before anything else happens (-32602). */
export function mapRequest(ctx: RequestContext): void {
  ctx.mapped = toGenerateOptions(ctx.request);
}

/**
 * What is sent to `candidate`: the mapped request with the applied maxTokens (capped by the model) and
 * temperature. Only a person's edit of the prompt changes the messages, and only then are they mapped again.
 */
export function generateOptions(ctx: RequestContext): GenerateOptions {
  const { params } = ctx;
  const same = params.messages === ctx.request.messages && params.systemPrompt === ctx.request.systemPrompt;
  const base = same && ctx.mapped !== undefined ? ctx.mapped : toGenerateOptions(params);
  return {
    ...base,
    ...(params.temperature !== undefined && { temperature: params.temperature }),
    maxOutputTokens: params.maxTokens,
  };
}

/** `options.maxOutputTokens` capped by what `candidate` can write. */
export function maxOutputTokensFor(options: GenerateOptions, candidate: ResolvedCandidate): number {
  return Math.min(options.maxOutputTokens, candidate.entry.maxOutputTokens ?? options.maxOutputTokens);
}
