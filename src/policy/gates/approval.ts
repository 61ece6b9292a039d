/**
 * The approval gate (approval.ts): `auto`, `deny` (by configuration), or `ask` through the injected
 * `Prompter`: the person approves, edits or denies the request (`denied`), then approves, edits or rejects
 * the completion (`rejected`). One prompt at a time: a long document may send many requests at once. A
 * person gets `timeouts.approvalMs` to decide; past it, or when the request is cancelled, the prompt ends.
 */
import {
  applyRequestEdit,
  applyToolInputEdits,
  resolveApprovalGate,
  type Prompter,
  type RequestView,
} from '../approval.js';
import { chosenOf, PolicyRefusal, type Gate, type GateContext, type GateHold, type GateRuntime } from '../gate.js';
import { deadlineSignal } from '../../shared/deadline-signal.js';

/** What the person is shown: the request as it will be sent, and the chosen model. */
function viewOf(ctx: GateContext): RequestView {
  const chosen = chosenOf(ctx);
  const { params } = ctx;
  return {
    server: ctx.server,
    model: { provider: chosen.provider, id: chosen.id, reason: chosen.reason },
    systemPrompt: params.systemPrompt,
    messages: params.messages,
    maxTokens: params.maxTokens,
    temperature: params.temperature,
    ...(ctx.offersTools && {
      tools: (params.tools ?? []).map((t) => ({
        name: t.name,
        ...(t.description !== undefined && { description: t.description }),
        inputSchema: t.inputSchema,
      })),
      toolChoice: params.toolChoice?.mode ?? 'auto',
    }),
  };
}

export function approvalGate(runtime: Pick<GateRuntime, 'config' | 'prompter'>): Gate {
  let promptChain: Promise<unknown> = Promise.resolve();
  const oneAtATime = <T>(ask: () => Promise<T>): Promise<T> => {
    const next = promptChain.then(ask);
    promptChain = next.catch(() => {});
    return next;
  };

  /** `ask` mode: the person reviews the request now, and the completion later (the hold's review). */
  const ask = async (ctx: GateContext, prompter: Prompter): Promise<GateHold> => {
    /** One prompt, given `timeouts.approvalMs` from when it shows (not AbortSignal.timeout: shared/deadline-signal.ts). */
    const prompt = async <T>(show: (signal: AbortSignal) => Promise<T>): Promise<T> => {
      const deadline = deadlineSignal(ctx.signal, runtime.config.timeouts.approvalMs);
      try {
        return await show(deadline.signal);
      } finally {
        deadline.clear();
      }
    };
    const decided = await oneAtATime(() => prompt((signal) => prompter.reviewRequest(viewOf(ctx), signal)));
    ctx.approval = decided.action === 'approve' ? 'approved' : decided.action === 'edit' ? 'edited' : 'denied';
    ctx.emit({ type: 'approval', stage: 'request', decision: ctx.approval });
    if (decided.action === 'deny') {
      throw new PolicyRefusal(
        `the user denied the sampling request (${decided.reason ?? 'no reason given'})`,
        'denied',
      );
    }
    if (decided.action === 'edit') {
      const edited = applyRequestEdit(ctx.params.messages, ctx.params.systemPrompt, decided);
      ctx.params = {
        ...ctx.params,
        messages: edited.messages,
        ...(edited.systemPrompt !== undefined && { systemPrompt: edited.systemPrompt }),
      };
    }
    return {
      async review(completion, reviewed) {
        const shown = completion.toolCalls;
        const decision = await oneAtATime(() =>
          prompt((signal) =>
            prompter.reviewCompletion(
              { ...viewOf(reviewed), completion: completion.text, ...(shown.length > 0 && { toolCalls: shown }) },
              signal,
            ),
          ),
        );
        reviewed.emit({ type: 'approval', stage: 'completion', decision: decision.action });
        if (decision.action === 'reject') {
          reviewed.approval += ', completion rejected';
          throw new PolicyRefusal(
            `the user rejected the completion (${decision.reason ?? 'no reason given'})`,
            'rejected',
          );
        }
        if (decision.action === 'edit') {
          completion.text = decision.text;
          completion.toolCalls = applyToolInputEdits(completion.toolCalls, decision.toolInputs);
          reviewed.approval += ', completion edited';
        }
      },
    };
  };

  return {
    name: 'approval',
    before(ctx) {
      const gate = resolveApprovalGate(ctx.policy.approval ?? 'auto', ctx.server, runtime.prompter);
      if (gate.kind === 'auto') return;
      if (gate.kind === 'deny') {
        ctx.approval = 'denied (config)';
        throw new PolicyRefusal(gate.reason, 'denied');
      }
      return ask(ctx, gate.prompter);
    },
  };
}
