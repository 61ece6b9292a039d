/**
 * The approval prompter for a terminal, on @clack/prompts. It writes to stderr so that stdout stays the
 * command's output (and `--json` stays one object). Long text is shown truncated with a way to see all.
 * With tools, the request shows the tools offered and the completion each tool call (name and input JSON),
 * whose input the person may edit before it goes to the server.
 */
import type { Readable, Writable } from 'node:stream';

import { isCancel, multiline, note, select } from '@clack/prompts';

import {
  lastUserHasText,
  lastUserText,
  type CompletionDecision,
  type CompletionView,
  type Prompter,
  type RequestDecision,
  type RequestView,
  type ToolCallView,
} from '../policy/approval.js';
import { blocksOf, type SamplingBlock } from '../shared/mcp-content.js';

const PREVIEW_CHARS = 600;

function preview(text: string, full: boolean): string {
  if (full || text.length <= PREVIEW_CHARS) return text;
  return `${text.slice(0, PREVIEW_CHARS)}… [${(text.length - PREVIEW_CHARS).toLocaleString('en-US')} more characters]`;
}

function describeBlock(block: SamplingBlock): string {
  switch (block.type) {
    case 'text':
      return block.text;
    case 'tool_use':
      return `[tool call ${block.name} ${JSON.stringify(block.input)}]`;
    case 'tool_result': {
      const text = block.content.map((inner) => (inner.type === 'text' ? inner.text : `[${inner.type}]`)).join(' ');
      return `[tool result for ${block.toolUseId}${block.isError === true ? ' (error)' : ''}: ${text}]`;
    }
    default:
      return `[${block.type}]`;
  }
}

function describeToolCall(call: ToolCallView, index: number, full: boolean): string {
  return `tool call ${index + 1}: ${call.name} ${preview(JSON.stringify(call.input), full)}`;
}

function describe(view: RequestView, full: boolean): string {
  const lines = [
    `server:      ${view.server}`,
    `model:       ${view.model.provider}/${view.model.id} (${view.model.reason})`,
    `max tokens:  ${view.maxTokens}${view.temperature !== undefined ? `, temperature ${view.temperature}` : ''}`,
    `system:      ${view.systemPrompt === undefined ? '(none)' : preview(view.systemPrompt, full)}`,
  ];
  if (view.tools !== undefined && view.tools.length > 0) {
    lines.push(`tools:       ${view.tools.length} offered, tool choice ${view.toolChoice ?? 'auto'}`);
    for (const tool of view.tools) {
      const about = tool.description === undefined ? '' : ` - ${preview(tool.description, full)}`;
      lines.push(`  ${tool.name}${about}`);
      if (full && tool.inputSchema !== undefined) lines.push(`    input: ${JSON.stringify(tool.inputSchema)}`);
    }
  }
  view.messages.forEach((message, index) => {
    const text = blocksOf(message).map(describeBlock).join('\n');
    lines.push(`message ${index + 1} (${message.role}): ${preview(text, full)}`);
  });
  return lines.join('\n');
}

function describeCompletion(view: CompletionView, full: boolean): string {
  const calls = view.toolCalls ?? [];
  if (calls.length === 0) return preview(view.completion, full);
  return [
    ...(view.completion === '' ? [] : [preview(view.completion, full), '']),
    ...calls.map((call, index) => describeToolCall(call, index, full)),
  ].join('\n');
}

/** A tool call's input as edited: a JSON object, or a message saying why not (shown under the prompt). */
function parseToolInput(text: string | undefined): Record<string, unknown> | string {
  try {
    const value: unknown = JSON.parse(text ?? '');
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
    return 'the input must be a JSON object ({ … })';
  } catch (error) {
    return `not valid JSON: ${(error as Error).message}`;
  }
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
        // A tool loop's last user message may hold only tool results: nothing there to edit.
        if (!lastUserHasText(view.messages)) return { action: 'edit', systemPrompt: system };
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
      const calls = view.toolCalls ?? [];
      let full = false;
      for (;;) {
        note(describeCompletion(view, full), `Completion from ${view.model.provider}/${view.model.id}`, { output });
        const what = calls.length === 0 ? 'this completion' : `this completion and its ${calls.length} tool call(s)`;
        const choice = await select({
          message: `Return ${what} to '${view.server}'?`,
          options: [
            { value: 'approve', label: 'Approve' },
            { value: 'edit', label: calls.length === 0 ? 'Edit it' : 'Edit it (the text and each tool input)' },
            ...(full ? [] : [{ value: 'full', label: 'Show everything' }]),
            { value: 'reject', label: calls.length === 0 ? 'Reject' : 'Reject (no tool runs)' },
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
        // With tool calls and no text, there is no text to edit: only the calls' inputs.
        let text = view.completion;
        if (calls.length === 0 || view.completion !== '') {
          const edited = await multiline({
            message: 'Completion (Enter twice to finish)',
            initialValue: view.completion,
            ...io,
            signal,
          });
          if (isCancel(edited)) return { action: 'reject', reason: 'rejected by the user' };
          text = edited;
        }
        const toolInputs: Record<string, Record<string, unknown>> = {};
        for (const [index, call] of calls.entries()) {
          const edited = await multiline({
            message: `Input of tool call ${index + 1} (${call.name}), JSON (Enter twice to finish)`,
            initialValue: JSON.stringify(call.input, null, 2),
            validate: (value) => {
              const parsed = parseToolInput(value);
              return typeof parsed === 'string' ? parsed : undefined;
            },
            ...io,
            signal,
          });
          if (isCancel(edited)) return { action: 'reject', reason: 'rejected by the user' };
          toolInputs[call.id] = parseToolInput(edited) as Record<string, unknown>;
        }
        return calls.length === 0 ? { action: 'edit', text } : { action: 'edit', text, toolInputs };
      }
    },
  };
}
