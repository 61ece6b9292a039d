/**
 * Approval without a terminal (the host owns the bridge's stdio). With `approval: "ask"` the bridge asks,
 * in this order: (1) the person at the host, through the host's elicitation (a form saying who asks, the
 * model and why, a preview of the prompt; approve or deny, and the prompt to edit), then the completion the
 * same way; (2) the approvals dashboard, through approval-route.ts, when that can reach one; (3) nobody:
 * the request is denied with a one-line reason that says how to enable approval. Never approves silently.
 */
import type { CompletionView, Prompter, RequestView } from '../../client/index.js';
import { lastUserText } from '../../policy/approval.js';
import { noDashboardReason, type ApprovalWays } from '../../ui/link.js';
import { approvalPrompter } from '../approval-route.js';

/** How much of the prompt or completion the form shows. */
const PREVIEW_CHARS = 1200;

/** A form the host can show: the message and the fields (a flat object of primitives, as elicitation allows). */
export interface HostForm {
  message: string;
  requestedSchema: {
    type: 'object';
    properties: Record<string, Record<string, unknown>>;
    required?: string[];
  };
}

/** The host's answer to a form. */
export type HostAnswer = { action: 'accept'; content: Record<string, unknown> } | { action: 'decline' | 'cancel' };

/**
 * Why a form that was cancelled counts as a refusal: the person dismissed it, or it was never answered (the
 * host's call ended or timed out between rounds). Never approval.
 */
const UNANSWERED = 'not approved: the form at the host was cancelled or went unanswered';

/** Asks the person at the host through its elicitation; undefined when the host cannot be asked now. */
export type AskHost = (form: HostForm, signal: AbortSignal) => Promise<HostAnswer> | undefined;

function preview(text: string): string {
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}… (${text.length} characters in all)` : text;
}

/** What the person is shown about a request. */
export function requestForm(view: RequestView): HostForm {
  const lines = [
    `mcp-sampling: the server "${view.server}" asks to run a model.`,
    `Model: ${view.model.provider}/${view.model.id} (${view.model.reason}); at most ${view.maxTokens} tokens.`,
    ...(view.systemPrompt !== undefined && view.systemPrompt !== ''
      ? [`System prompt: ${preview(view.systemPrompt)}`]
      : []),
    ...(view.tools !== undefined && view.tools.length > 0
      ? [`Tools offered: ${view.tools.map((t) => t.name).join(', ')}`]
      : []),
    `Prompt: ${preview(lastUserText(view.messages))}`,
  ];
  return decisionForm(lines, 'Run this request?', ['approve', 'deny'], {
    key: 'prompt',
    title: 'Prompt (edit it to send your version)',
    text: lastUserText(view.messages),
  });
}

/** What the person is shown about a completion. */
export function completionForm(view: CompletionView): HostForm {
  const calls = view.toolCalls ?? [];
  const lines = [
    `mcp-sampling: ${view.model.provider}/${view.model.id} answered the server "${view.server}".`,
    `Completion: ${preview(view.completion)}`,
    ...calls.map((call) => `Tool call: ${call.name} ${preview(JSON.stringify(call.input))}`),
  ];
  return decisionForm(lines, 'Return this completion to the server?', ['approve', 'reject'], {
    key: 'completion',
    title: 'Completion (edit it to return your version)',
    text: view.completion,
  });
}

/** A form with the shown `lines`, a decision (the first choice by default) and one editable text field. */
function decisionForm(
  lines: readonly string[],
  question: string,
  choices: readonly [string, string],
  edit: { key: string; title: string; text: string },
): HostForm {
  return {
    message: lines.join('\n'),
    requestedSchema: {
      type: 'object',
      properties: {
        decision: { type: 'string', title: question, enum: [...choices], default: choices[0] },
        [edit.key]: { type: 'string', title: edit.title, default: edit.text },
      },
      required: ['decision'],
    },
  };
}

/** Why the bridge asks the dashboard, and its other ways to enable approval (the refusal names them). */
export const BRIDGE_APPROVAL_WAYS: ApprovalWays = {
  unavailable: 'nobody can be asked: the host did not declare elicitation',
  otherWays: ['use a host that supports elicitation', 'set approval to "auto" for this server'],
};

/** The one-line reason when nobody can be asked (`why`: what the dashboard link found, by default none running). */
export function noApproverReason(server: string, why = 'no dashboard is running'): string {
  return noDashboardReason(server, why, BRIDGE_APPROVAL_WAYS);
}

/**
 * The bridge's prompter: the host's elicitation when `askHost` can reach it, otherwise the dashboard
 * (`approvalPrompter({ interactive: false })`), otherwise a denial that says how to enable approval.
 */
export function createHostPrompter(
  askHost: AskHost,
  fallback: Prompter | undefined = approvalPrompter({ interactive: false, ways: BRIDGE_APPROVAL_WAYS }),
): Prompter {
  return {
    async reviewRequest(view, signal) {
      const asked = askHost(requestForm(view), signal);
      if (asked === undefined) {
        if (fallback !== undefined) return fallback.reviewRequest(view, signal);
        return { action: 'deny', reason: noApproverReason(view.server) };
      }
      const answer = await asked;
      if (answer.action === 'cancel') return { action: 'deny', reason: UNANSWERED };
      if (answer.action !== 'accept' || answer.content['decision'] !== 'approve') {
        return { action: 'deny', reason: 'denied by the user at the host' };
      }
      const edited = answer.content['prompt'];
      if (typeof edited === 'string' && edited !== lastUserText(view.messages)) {
        return { action: 'edit', lastUserText: edited };
      }
      return { action: 'approve' };
    },
    async reviewCompletion(view, signal) {
      const asked = askHost(completionForm(view), signal);
      if (asked === undefined) {
        if (fallback !== undefined) return fallback.reviewCompletion(view, signal);
        return { action: 'reject', reason: noApproverReason(view.server) };
      }
      const answer = await asked;
      if (answer.action === 'cancel') return { action: 'reject', reason: UNANSWERED };
      if (answer.action !== 'accept' || answer.content['decision'] !== 'approve') {
        return { action: 'reject', reason: 'rejected by the user at the host' };
      }
      const edited = answer.content['completion'];
      if (typeof edited === 'string' && edited !== view.completion) return { action: 'edit', text: edited };
      return { action: 'approve' };
    },
  };
}
