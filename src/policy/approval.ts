/**
 * Human in the loop. Per server, approval is `auto`, `ask` or `deny`. In `ask` mode a `Prompter` shows the
 * request (server, model and why, system prompt, messages, maxTokens, the tools offered) and the person
 * approves, edits the prompt, or denies; then it shows the completion, with each tool call the model made
 * (name and input), which they approve, edit (the text and each call's input) or reject before it is
 * returned. The prompter is injected: the CLI uses a terminal one, tests a scripted one.
 */
import type { SamplingMessage } from '@modelcontextprotocol/client';

import { blocksOf, type SamplingBlock } from '../shared/mcp-content.js';
import type { ApprovalMode } from '../config/schema.js';

/**
 * A tool the server offers the model (what a person needs to judge it; the schema is for "show everything").
 *
 * @example
 * ```ts
 * const names = (tools: readonly ToolView[]) => tools.map((t) => t.name).join(', ');
 * ```
 */
export interface ToolView {
  name: string;
  description?: string | undefined;
  inputSchema?: Readonly<Record<string, unknown>> | undefined;
}

/**
 * What a person is shown about a request: the server, the chosen model and why, the prompt and its limits.
 *
 * @example
 * ```ts
 * const line = (view: RequestView) => `${view.server} -> ${view.model.provider}/${view.model.id}, ${view.maxTokens} tokens`;
 * ```
 */
export interface RequestView {
  server: string;
  model: { provider: string; id: string; reason: string };
  systemPrompt: string | undefined;
  messages: readonly SamplingMessage[];
  maxTokens: number;
  temperature: number | undefined;
  /** The tools offered to the model, when the request offers any. */
  tools?: readonly ToolView[] | undefined;
  /** With tools: whether the model may (`auto`), must (`required`) or must not (`none`) call one. */
  toolChoice?: 'auto' | 'required' | 'none' | undefined;
}

/**
 * A call the model wants the server to run. Nothing runs on the client: the server executes it.
 *
 * @example
 * ```ts
 * const line = (call: ToolCallView) => `${call.name}(${JSON.stringify(call.input)})`;
 * ```
 */
export interface ToolCallView {
  id: string;
  name: string;
  input: Readonly<Record<string, unknown>>;
}

/**
 * What a person is shown about a completion: the request's view, the text and the model's tool calls.
 *
 * @example
 * ```ts
 * const reviewCompletion = async (view: CompletionView) => (view.completion.includes('password') ? { action: 'reject' as const } : { action: 'approve' as const });
 * ```
 */
export interface CompletionView extends RequestView {
  completion: string;
  /** The model's tool calls, in order, when it made any. */
  toolCalls?: readonly ToolCallView[] | undefined;
}

/**
 * A person's decision on a request.
 *
 * @example
 * ```ts
 * const edit: RequestDecision = { action: 'edit', lastUserText: 'Summarize in one sentence.' };
 * ```
 */
export type RequestDecision =
  | { action: 'approve' }
  /**
   * Replaces the system prompt and/or the text of the last user message (its images, audio and tool results
   * are kept).
   */
  | { action: 'edit'; systemPrompt?: string | undefined; lastUserText?: string | undefined }
  | { action: 'deny'; reason?: string };

/**
 * A person's decision on a completion.
 *
 * @example
 * ```ts
 * const edit: CompletionDecision = { action: 'edit', text: 'A shorter answer.' };
 * ```
 */
export type CompletionDecision =
  | { action: 'approve' }
  /** The completion's text, and replacement inputs for tool calls by call id (calls not named stay as they are). */
  | { action: 'edit'; text: string; toolInputs?: Readonly<Record<string, Record<string, unknown>>> | undefined }
  /** Rejects the whole completion, tool calls included: the server gets the user-rejected error. */
  | { action: 'reject'; reason?: string };

/**
 * Asks a person about a request (before the model runs) and its completion (before the server sees it).
 *
 * @example
 * ```ts
 * const prompter: Prompter = {
 *   reviewRequest: async (view) => (view.maxTokens <= 500 ? { action: 'approve' } : { action: 'deny', reason: 'too long' }),
 *   reviewCompletion: async () => ({ action: 'approve' }),
 * };
 * ```
 */
export interface Prompter {
  reviewRequest(view: RequestView, signal: AbortSignal): Promise<RequestDecision>;
  reviewCompletion(view: CompletionView, signal: AbortSignal): Promise<CompletionDecision>;
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

/**
 * Applies an `edit` decision to the request's messages. The edited text takes the place of the last user
 * message's text blocks; its other blocks (images, audio, tool results) stay, so that editing the prompt of
 * a tool loop cannot break the pairing of tool calls and results.
 */
export function applyRequestEdit(
  messages: readonly SamplingMessage[],
  systemPrompt: string | undefined,
  edit: Extract<RequestDecision, { action: 'edit' }>,
): { messages: SamplingMessage[]; systemPrompt: string | undefined } {
  const next = messages.map((message) => ({ ...message }));
  const index = next.findLastIndex((message) => message.role === 'user');
  const message = next[index];
  if (edit.lastUserText !== undefined && message !== undefined) {
    const edited: SamplingBlock = { type: 'text', text: edit.lastUserText };
    const content: SamplingBlock[] = [];
    let placed = false;
    for (const block of blocksOf(message)) {
      if (block.type !== 'text') content.push(block);
      else if (!placed) {
        content.push(edited);
        placed = true;
      }
    }
    // No text before (tool results only): the new text goes after them, where the spec wants it.
    if (!placed) content.push(edited);
    const kept = edit.lastUserText === '' && content.length > 1 ? content.filter((b) => b !== edited) : content;
    next[index] = { ...message, content: kept.length === 1 ? kept[0]! : kept };
  }
  return { messages: next, systemPrompt: edit.systemPrompt ?? systemPrompt };
}

/** The text of the last user message (what an edit replaces); empty when it holds no text. */
export function lastUserText(messages: readonly SamplingMessage[]): string {
  const message = messages.findLast((m) => m.role === 'user');
  if (message === undefined) return '';
  return blocksOf(message)
    .flatMap((block) => (block.type === 'text' ? [block.text] : []))
    .join('\n');
}

/** Whether the last user message holds text a person could edit (a tool loop's last turn may hold only results). */
export function lastUserHasText(messages: readonly SamplingMessage[]): boolean {
  const message = messages.findLast((m) => m.role === 'user');
  return message !== undefined && blocksOf(message).some((block) => block.type === 'text');
}

/** Applies the edited inputs of a completion `edit` decision to the model's tool calls (unknown ids are ignored). */
export function applyToolInputEdits<T extends ToolCallView>(
  calls: readonly T[],
  inputs: Readonly<Record<string, Record<string, unknown>>> | undefined,
): T[] {
  if (inputs === undefined) return [...calls];
  return calls.map((call) => (Object.hasOwn(inputs, call.id) ? { ...call, input: inputs[call.id]! } : call));
}
