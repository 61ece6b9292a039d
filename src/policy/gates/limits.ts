/**
 * The limits gate (limits.ts): maxTokens capped by the server's policy and the chosen model (never above
 * the request), the temperature clamped, the content types checked. Refuses with `limits` (-32602).
 */
import { chosenOf, PolicyRefusal, type Gate } from '../gate.js';
import { applyLimits } from '../limits.js';

export function limitsGate(): Gate {
  return {
    name: 'limits',
    before(ctx) {
      const limited = applyLimits(ctx.params, ctx.policy, chosenOf(ctx).entry);
      if (!limited.ok) throw new PolicyRefusal(`server '${ctx.server}': ${limited.reason}`, 'limits');
      ctx.params = limited.params;
      ctx.applied = { maxTokens: limited.params.maxTokens, temperature: limited.params.temperature };
      ctx.notes.push(...limited.notes);
    },
  };
}
