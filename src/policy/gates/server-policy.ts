/**
 * The server-policy gate: which models may answer this server's request (its `models` allowlist, the
 * providers that are usable, the embedded model when it is on and the request needs no tools), and which
 * of them answers (resolve-model.ts): the chosen model and at most `fallbacks.maxModels` fallbacks, each
 * with its catalog entry. Refuses with `no-model` when none may.
 *
 * The decision depends only on the server, its hints and priorities, whether the request needs tools, and
 * the runtime's config and models, so it is computed once per such combination and kept (a bounded cache
 * owned by the gate). A changed config means a new runtime and new gates, so the cache goes with the old
 * one; should the config or model table a request carries ever differ from the cached one's, the cache is
 * dropped first.
 */
import type { Gate, GateContext } from '../gate.js';
import { PolicyRefusal } from '../gate.js';
import { resolveModel } from '../resolve-model.js';
import type { GateRuntime, ResolvedCandidate } from '../gate.js';

/** Decisions kept per gate; past this many distinct combinations the cache starts over. */
const MAX_CACHED_DECISIONS = 256;

interface Decision {
  candidates: ResolvedCandidate[];
  chosen: ResolvedCandidate;
}

/** Why no model can answer a request that needs tools when the embedded model is all there is. */
function embeddedCannotAnswer(offersTools: boolean): string {
  return offersTools
    ? 'this request offers tools, and the only model available, the embedded extractive summarizer, cannot call tools: configure a provider (docs/configuration.md)'
    : 'this request carries tool calls and results, and the only model available, the embedded extractive summarizer, cannot read them: configure a provider (docs/configuration.md)';
}

export function serverPolicyGate(runtime: Pick<GateRuntime, 'config' | 'aliases'>): Gate {
  const { config } = runtime;
  const cache = new Map<string, Decision>();
  let cachedFor: { config: unknown; models: unknown } = { config: undefined, models: undefined };

  const decide = (ctx: GateContext): Decision => {
    const { request, server } = ctx;
    const preferences = request.modelPreferences;
    if (cachedFor.config !== ctx.config || cachedFor.models !== ctx.models) {
      cache.clear();
      cachedFor = { config: ctx.config, models: ctx.models };
    }
    const key = JSON.stringify([
      server,
      ctx.policy.models ?? null,
      preferences?.hints ?? null,
      preferences?.costPriority ?? null,
      preferences?.speedPriority ?? null,
      preferences?.intelligencePriority ?? null,
      ctx.needsTools,
    ]);
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    const decision = resolveDecision(ctx);
    if (cache.size >= MAX_CACHED_DECISIONS) cache.clear();
    cache.set(key, decision);
    return decision;
  };

  const resolveDecision = (ctx: GateContext): Decision => {
    const { request, server } = ctx;
    const preferences = request.modelPreferences;
    const allowed = ctx.policy.models ?? ['*'];
    const embeddedAllowed = ctx.models.embeddedAllowed(allowed);
    const enabled = ctx.models.enabled(allowed);
    // A request with tools (or a tool loop's history) goes only to models that can call tools.
    const models = ctx.needsTools ? enabled.filter((m) => ctx.models.callsTools(m)) : enabled;
    const decision = resolveModel({
      hints: (preferences?.hints ?? []).flatMap((h) => (h.name === undefined ? [] : [h.name])),
      priorities: {
        ...(preferences?.costPriority !== undefined && { cost: preferences.costPriority }),
        ...(preferences?.speedPriority !== undefined && { speed: preferences.speedPriority }),
        ...(preferences?.intelligencePriority !== undefined && { intelligence: preferences.intelligencePriority }),
      },
      models,
      aliases: runtime.aliases,
      ...(config.defaultModel !== undefined && { defaultModel: config.defaultModel }),
      // The embedded extractive model can neither call tools nor read a tool loop's history.
      embedded: embeddedAllowed && !ctx.needsTools,
    });
    const [first, ...rest] = decision.candidates;
    if (first === undefined) {
      const why =
        ctx.needsTools && models.length === 0 && enabled.length > 0
          ? `this request ${ctx.offersTools ? 'offers tools' : 'carries tool calls and results'}, and no allowed model can call tools (${enabled.map((m) => `${m.provider}/${m.id}`).join(', ')} cannot)`
          : ctx.needsTools && embeddedAllowed
            ? embeddedCannotAnswer(ctx.offersTools)
            : decision.reason;
      throw new PolicyRefusal(`no model for server '${server}': ${why}`, 'no-model');
    }
    const chosen = ctx.models.resolve(first);
    // Fallbacks: the next candidates of the same decision, never the last resort behind a real model.
    const lastResort = ctx.models.isLastResort(chosen);
    const candidates = [
      chosen,
      ...rest
        .filter((c) => lastResort || !ctx.models.isLastResort(c))
        .slice(0, config.fallbacks.maxModels)
        .map((c) => ctx.models.resolve(c)),
    ];
    return { candidates, chosen };
  };

  return {
    name: 'server-policy',
    before(ctx: GateContext) {
      const { request, server } = ctx;
      const { candidates, chosen } = decide(ctx);
      ctx.model = { provider: chosen.provider, id: chosen.id, reason: chosen.reason };
      ctx.candidates = [...candidates];
      ctx.emit({
        type: 'request',
        server,
        params: request,
        provider: chosen.provider,
        model: chosen.id,
        reason: chosen.reason,
        fallbacks: ctx.candidates.slice(1).map((c) => `${c.provider}/${c.id}`),
        tools: (request.tools ?? []).map((t) => t.name),
      });
    },
  };
}
