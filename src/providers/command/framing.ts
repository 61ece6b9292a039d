/**
 * The `command` provider's framings, pure: what a local CLI model gets on stdin (`toCommandInput`) and how
 * its stdout becomes the completion (`fromCommandOutput`). docs/configuration.md documents both.
 *
 * - input `plain`: the system prompt, a blank line, then the conversation. A conversation of one user
 *   message is its text alone; a longer one gives each message as `User: …` / `Assistant: …` paragraphs,
 *   so a CLI that reads one prompt (`llm`, `ollama run`, `claude -p`) sees the whole exchange.
 * - input `json`: one JSON object `{ systemPrompt, messages: [{ role, content }], maxTokens, temperature,
 *   stopSequences }` (content as text), then a newline.
 * - output `plain`: stdout is the completion (one trailing newline removed).
 * - output `json`: stdout is one JSON object; the completion is the string at `outputField` (a dotted
 *   path, `result` by default: what `claude -p --output-format json` prints).
 */
import type { LanguageModelV3CallOptions, LanguageModelV3Prompt } from '@ai-sdk/provider';

import type { CommandSettings } from '../provider.js';

/** One message as a command sees it: its role and its text. */
export interface CommandMessage {
  role: 'user' | 'assistant';
  content: string;
}

/** The `json` input framing. */
export interface CommandJsonInput {
  systemPrompt?: string;
  messages: CommandMessage[];
  maxTokens?: number;
  temperature?: number;
  stopSequences?: string[];
}

/** The prompt read as text: the system prompt, the messages, and how many non-text parts were left out. */
export function readPrompt(prompt: LanguageModelV3Prompt): {
  systemPrompt: string | undefined;
  messages: CommandMessage[];
  omitted: number;
} {
  const system: string[] = [];
  const messages: CommandMessage[] = [];
  let omitted = 0;
  for (const message of prompt) {
    if (message.role === 'system') {
      system.push(message.content);
      continue;
    }
    if (message.role === 'tool') {
      omitted += message.content.length;
      continue;
    }
    const texts: string[] = [];
    for (const part of message.content) {
      if (part.type === 'text') texts.push(part.text);
      else omitted++;
    }
    messages.push({ role: message.role, content: texts.join('\n\n') });
  }
  return { systemPrompt: system.length > 0 ? system.join('\n\n') : undefined, messages, omitted };
}

/** What is written to the command's stdin. */
export function toCommandInput(call: LanguageModelV3CallOptions, framing: CommandSettings['input']): string {
  const { systemPrompt, messages } = readPrompt(call.prompt);
  if (framing === 'json') {
    const input: CommandJsonInput = {
      ...(systemPrompt !== undefined && { systemPrompt }),
      messages,
      ...(call.maxOutputTokens !== undefined && { maxTokens: call.maxOutputTokens }),
      ...(call.temperature !== undefined && { temperature: call.temperature }),
      ...(call.stopSequences !== undefined && call.stopSequences.length > 0 && { stopSequences: call.stopSequences }),
    };
    return `${JSON.stringify(input)}\n`;
  }
  const only = messages.length === 1 && messages[0]!.role === 'user';
  const conversation = only
    ? messages[0]!.content
    : messages.map((m) => `${m.role === 'user' ? 'User' : 'Assistant'}: ${m.content}`).join('\n\n');
  return `${systemPrompt === undefined ? '' : `${systemPrompt}\n\n`}${conversation}\n`;
}

/** The value at a dotted path (`result`, `choices.0.text`) of a parsed JSON value. */
function at(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** The completion in the command's stdout; throws one line when a `json` stdout does not hold one. */
export function fromCommandOutput(stdout: string, settings: Pick<CommandSettings, 'output' | 'outputField'>): string {
  if (settings.output === 'plain') return stdout.endsWith('\n') ? stdout.replace(/\r?\n$/, '') : stdout;
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    throw new Error(`its stdout is not JSON (output: "json"): starts with ${JSON.stringify(stdout.slice(0, 60))}`);
  }
  const text = at(parsed, settings.outputField);
  if (typeof text !== 'string') {
    throw new Error(`its JSON output has no string at "${settings.outputField}" (set "outputField" to its path)`);
  }
  return text;
}
