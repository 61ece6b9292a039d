/**
 * Human in the loop. Per server, approval is `auto`, `ask` or `deny`. In `ask` mode a `Prompter` shows the
 * request (server, model and why, system prompt, messages, maxTokens) and the person approves, edits the
 * prompt, or denies; then it shows the completion, which they approve, edit or reject before it is
 * returned. The prompter is injected: the CLI uses a terminal one, tests a scripted one.
 */
import type { SamplingMessage } from '@modelcontextprotocol/client';

import type { ApprovalMode } from './config-schema.js';

export interface RequestView {
  server: string;
  model: { provider: string; id: string; reason: string };
  systemPrompt: string | undefined;
  messages: readonly SamplingMessage[];
  maxTokens: number;
  temperature: number | undefined;
}

export type RequestDecision =
  | { action: 'approve' }
  /** Replaces the system prompt and/or the text of the last user message. */
  | { action: 'edit'; systemPrompt?: string | undefined; lastUserText?: string | undefined }
  | { action: 'deny'; reason?: string };

export type CompletionDecision =
  { action: 'approve' } | { action: 'edit'; text: string } | { action: 'reject'; reason?: string };

export interface Prompter {
  reviewRequest(view: RequestView, signal: AbortSignal): Promise<RequestDecision>;
  reviewCompletion(view: RequestView & { completion: string }, signal: AbortSignal): Promise<CompletionDecision>;
}

/** What happens to a request before any model runs. */
export type ApprovalGate = { kind: 'auto' } | { kind: 'ask'; prompter: Prompter } | { kind: 'deny'; reason: string };

export function resolveApprovalGate(mode: ApprovalMode, server: string, prompter: Prompter | undefined): ApprovalGate {
  if (mode === 'auto') return { kind: 'auto' };
  if (mode === 'deny') return { kind: 'deny', reason: `sampling is denied for server '${server}' by configuration` };
  if (prompter === undefined) {
    return {
      kind: 'deny',
      reason: `server '${server}' needs approval (approval: "ask") but there is no terminal to ask on; denied`,
    };
  }
  return { kind: 'ask', prompter };
}

/** Applies an `edit` decision to the request's messages. */
export function applyRequestEdit(
  messages: readonly SamplingMessage[],
  systemPrompt: string | undefined,
  edit: Extract<RequestDecision, { action: 'edit' }>,
): { messages: SamplingMessage[]; systemPrompt: string | undefined } {
  const next = messages.map((message) => ({ ...message }));
  if (edit.lastUserText !== undefined) {
    const index = next.findLastIndex((message) => message.role === 'user');
    if (index >= 0) next[index] = { role: 'user', content: { type: 'text', text: edit.lastUserText } };
  }
  return { messages: next, systemPrompt: edit.systemPrompt ?? systemPrompt };
}

/** The text of the last user message (what an edit replaces). */
export function lastUserText(messages: readonly SamplingMessage[]): string {
  const message = messages.findLast((m) => m.role === 'user');
  if (message === undefined) return '';
  const blocks = Array.isArray(message.content) ? message.content : [message.content];
  return blocks.map((block) => (block.type === 'text' ? block.text : `[${block.type}]`)).join('\n');
}
