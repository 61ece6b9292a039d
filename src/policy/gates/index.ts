/**
 * The user's policy as an ordered list of gates: every sampling request goes through them in this order
 * before the provider call, and its completion through their reviews after it. A new rule is one gate
 * file and one line here.
 */
import type { Gate, GateRuntime } from '../gate.js';
import { approvalGate } from './approval.js';
import { budgetGate } from './budget.js';
import { limitsGate } from './limits.js';
import { rateLimitGate } from './rate-limit.js';
import { serverPolicyGate } from './server-policy.js';

/** The gates of one handler (each keeps its per-server state, e.g. rate windows, across requests). */
export function createGates(runtime: GateRuntime): Gate[] {
  return [
    serverPolicyGate(runtime), // which models may answer, and which one does (no-model)
    limitsGate(), // maxTokens, temperature, content types (limits)
    budgetGate(runtime), // the worst case reserved until the answer (budget)
    rateLimitGate(), // requests and tokens per minute (rate-limited)
    approvalGate(runtime), // auto, deny, or ask a person, before and after the call (denied, rejected)
  ];
}
