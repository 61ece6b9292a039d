/**
 * The approval prompter for a terminal, on @clack/prompts. It writes to stderr so that stdout stays the
 * command's output (and `--json` stays one object). Long text is shown truncated with a way to see all.
 */
import type { Readable, Writable } from 'node:stream';

import { isCancel, multiline, note, select } from '@clack/prompts';

import {
  lastUserText,
  type CompletionDecision,
  type Prompter,
  type RequestDecision,
  type RequestView,
} from '../policy/approval.js';

const PREVIEW_CHARS = 600;

function preview(text: string, full: boolean): string {
  if (full || text.length <= PREVIEW_CHARS) return text;
  return `${text.slice(0, PREVIEW_CHARS)}… [${(text.length - PREVIEW_CHARS).toLocaleString('en-US')} more characters]`;
}

function describe(view: RequestView, full: boolean): string {
  const lines = [
    `server:      ${view.server}`,
    `model:       ${view.model.provider}/${view.model.id} (${view.model.reason})`,
    `max tokens:  ${view.maxTokens}${view.temperature !== undefined ? `, temperature ${view.temperature}` : ''}`,
    `system:      ${view.systemPrompt === undefined ? '(none)' : preview(view.systemPrompt, full)}`,
  ];
  view.messages.forEach((message, index) => {
    const blocks = Array.isArray(message.content) ? message.content : [message.content];
    const text = blocks.map((block) => (block.type === 'text' ? block.text : `[${block.type}]`)).join('\n');
    lines.push(`message ${index + 1} (${message.role}): ${preview(text, full)}`);
  });
  return lines.join('\n');
}

export function createTerminalPrompter(
  streams: { input?: NodeJS.ReadableStream & Readable; output?: Writable } = {},
): Prompter {
  const output = streams.output ?? process.stderr;
  const io = { output, ...(streams.input !== undefined && { input: streams.input }) };
  return {
    async reviewRequest(view, signal): Promise<RequestDecision> {
      let full = false;
      for (;;) {
        note(describe(view, full), 'A server asks for a completion', { output });
        const choice = await select({
          message: 'Send this request to the model?',
          options: [
            { value: 'approve', label: 'Approve' },
            { value: 'edit', label: 'Edit the prompt' },
            ...(full ? [] : [{ value: 'full', label: 'Show everything' }]),
            { value: 'deny', label: 'Deny' },
          ],
          ...io,
          signal,
        });
        if (isCancel(choice) || choice === 'deny') return { action: 'deny', reason: 'denied by the user' };
        if (choice === 'approve') return { action: 'approve' };
        if (choice === 'full') {
          full = true;
          continue;
        }
        const system = await multiline({
          message: 'System prompt (Enter twice to finish)',
          initialValue: view.systemPrompt ?? '',
          ...io,
          signal,
        });
        if (isCancel(system)) return { action: 'deny', reason: 'denied by the user' };
        const user = await multiline({
          message: 'Last user message (Enter twice to finish)',
          initialValue: lastUserText(view.messages),
          ...io,
          signal,
        });
        if (isCancel(user)) return { action: 'deny', reason: 'denied by the user' };
        return { action: 'edit', systemPrompt: system, lastUserText: user };
      }
    },

    async reviewCompletion(view, signal): Promise<CompletionDecision> {
      let full = false;
      for (;;) {
        note(preview(view.completion, full), `Completion from ${view.model.provider}/${view.model.id}`, { output });
        const choice = await select({
          message: `Return this completion to '${view.server}'?`,
          options: [
            { value: 'approve', label: 'Approve' },
            { value: 'edit', label: 'Edit it' },
            ...(full ? [] : [{ value: 'full', label: 'Show everything' }]),
            { value: 'reject', label: 'Reject' },
          ],
          ...io,
          signal,
        });
        if (isCancel(choice) || choice === 'reject') return { action: 'reject', reason: 'rejected by the user' };
        if (choice === 'approve') return { action: 'approve' };
        if (choice === 'full') {
          full = true;
          continue;
        }
        const text = await multiline({
          message: 'Completion (Enter twice to finish)',
          initialValue: view.completion,
          ...io,
          signal,
        });
        if (isCancel(text)) return { action: 'reject', reason: 'rejected by the user' };
        return { action: 'edit', text };
      }
    },
  };
}
