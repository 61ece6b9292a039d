/**
 * The terminal prompter driven through streams, as a person at a keyboard would: arrow keys and Enter.
 */
import { describe, expect, it } from 'vitest';

import { KEYS, streamTerminal } from '../../test/helpers/clack-streams.js';
import type { RequestView } from '../policy/approval.js';
import { createTerminalPrompter } from './terminal-prompter.js';

const { ENTER, DOWN, BACKSPACE } = KEYS;

const view: RequestView = {
  server: 'document-assistant',
  model: { provider: 'openai', id: 'gpt-4o', reason: "hint 'gpt-4o' matched openai/gpt-4o" },
  systemPrompt: 'You are an expert summarizer.',
  messages: [
    { role: 'user', content: { type: 'text', text: `Street trees cool cities. ${'More text. '.repeat(100)}` } },
  ],
  maxTokens: 300,
  temperature: 0.7,
};

const terminal = streamTerminal;

describe('terminal prompter', () => {
  it('shows the server, the model and why, the prompt (truncated), and approves on Enter', async () => {
    const t = terminal();
    const prompter = createTerminalPrompter({ input: t.input, output: t.output });
    const decision = prompter.reviewRequest(view, new AbortController().signal);
    await t.type(ENTER);
    expect(await decision).toEqual({ action: 'approve' });
    expect(t.screen()).toContain('document-assistant');
    expect(t.screen()).toContain("hint 'gpt-4o' matched openai/gpt-4o");
    expect(t.screen()).toContain('You are an expert summarizer.');
    expect(t.screen()).toMatch(/more characters/);
  });

  it('"Show everything" shows the whole prompt, then asks again', async () => {
    const t = terminal();
    const prompter = createTerminalPrompter({ input: t.input, output: t.output });
    const decision = prompter.reviewRequest(view, new AbortController().signal);
    await t.type(DOWN, DOWN, ENTER);
    await t.type(ENTER);
    expect(await decision).toEqual({ action: 'approve' });
    expect(t.screen()).toContain('More text. More text. More text.'.repeat(1));
    expect(t.screen().split('more characters').length).toBe(2); // truncated once, then shown in full
  });

  it('edits the prompt: the system prompt and the last user message, starting from what the server sent', async () => {
    const t = terminal();
    const prompter = createTerminalPrompter({ input: t.input, output: t.output });
    const short = {
      ...view,
      messages: [{ role: 'user' as const, content: { type: 'text' as const, text: 'Trees.' } }],
    };
    const decision = prompter.reviewRequest(short, new AbortController().signal);
    await t.type(DOWN, ENTER); // Edit the prompt
    await t.type(' Be brief.', ENTER, ENTER); // system prompt: appended to, then submitted
    await t.type(ENTER, ENTER); // user message: kept as it was
    const edited = await decision;
    expect(edited).toMatchObject({ action: 'edit', lastUserText: 'Trees.' });
    expect(edited.action === 'edit' && edited.systemPrompt).toMatch(/You are an expert summarizer\.\s*Be brief\./);
  });

  it('denies, and rejects a completion', async () => {
    const t = terminal();
    const prompter = createTerminalPrompter({ input: t.input, output: t.output });
    const denied = prompter.reviewRequest(view, new AbortController().signal);
    await t.type(DOWN, DOWN, DOWN, ENTER);
    expect(await denied).toMatchObject({ action: 'deny' });
    const rejected = prompter.reviewCompletion(
      { ...view, completion: 'Trees cool cities.' },
      new AbortController().signal,
    );
    await t.type(DOWN, DOWN, DOWN, ENTER);
    expect(await rejected).toMatchObject({ action: 'reject' });
    expect(t.screen()).toContain('Trees cool cities.');
  });

  it('a prompt nobody answers in time is a denial', async () => {
    const t = terminal();
    const prompter = createTerminalPrompter({ input: t.input, output: t.output });
    const decision = await prompter.reviewRequest(view, AbortSignal.timeout(50));
    expect(decision).toMatchObject({ action: 'deny' });
  });
});

describe('terminal prompter with tools', () => {
  const withTools: RequestView = {
    ...view,
    messages: [
      { role: 'user', content: { type: 'text', text: 'Weather in Paris?' } },
      {
        role: 'assistant',
        content: { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
      },
      {
        role: 'user',
        content: { type: 'tool_result', toolUseId: 'call_1', content: [{ type: 'text', text: '18°C' }] },
      },
    ],
    tools: [
      {
        name: 'get_weather',
        description: 'Current weather for a city',
        inputSchema: { type: 'object', properties: { city: { type: 'string' } } },
      },
    ],
    toolChoice: 'required',
  };
  const call = { id: 'call_1', name: 'get_weather', input: { city: 'Paris' } };

  it('shows the tools offered and the tool loop so far; editing the prompt leaves the tool results alone', async () => {
    const t = terminal();
    const prompter = createTerminalPrompter({ input: t.input, output: t.output });
    const decision = prompter.reviewRequest(withTools, new AbortController().signal);
    await t.type(DOWN, ENTER); // Edit the prompt
    await t.type(ENTER, ENTER); // system prompt kept; no user text to edit (tool results only)
    expect(await decision).toEqual({ action: 'edit', systemPrompt: 'You are an expert summarizer.' });
    expect(t.screen()).toContain('1 offered, tool choice required');
    expect(t.screen()).toContain('get_weather - Current weather for a city');
    expect(t.screen()).toContain('[tool call get_weather {"city":"Paris"}]');
    expect(t.screen()).toContain('[tool result for call_1: 18°C]');
  });

  it('shows each tool call with its input and approves them on Enter', async () => {
    const t = terminal();
    const prompter = createTerminalPrompter({ input: t.input, output: t.output });
    const decision = prompter.reviewCompletion(
      { ...withTools, completion: '', toolCalls: [call] },
      new AbortController().signal,
    );
    await t.type(ENTER);
    expect(await decision).toEqual({ action: 'approve' });
    expect(t.screen()).toContain('tool call 1: get_weather {"city":"Paris"}');
    expect(t.screen()).toContain('its 1 tool call(s)');
  });

  it("edits a tool call's input as JSON", async () => {
    const t = terminal();
    const prompter = createTerminalPrompter({ input: t.input, output: t.output });
    const decision = prompter.reviewCompletion(
      { ...withTools, completion: '', toolCalls: [call] },
      new AbortController().signal,
    );
    await t.type(DOWN, ENTER); // Edit it
    const initial = JSON.stringify(call.input, null, 2);
    await t.type(...Array.from({ length: initial.length }, () => BACKSPACE));
    await t.type('{"city": "Lyon"}', ENTER, ENTER);
    expect(await decision).toEqual({ action: 'edit', text: '', toolInputs: { call_1: { city: 'Lyon' } } });
  });

  it('refuses an input that is not a JSON object and asks again', async () => {
    const t = terminal();
    const prompter = createTerminalPrompter({ input: t.input, output: t.output });
    const decision = prompter.reviewCompletion(
      { ...withTools, completion: '', toolCalls: [call] },
      new AbortController().signal,
    );
    await t.type(DOWN, ENTER); // Edit it
    const initial = JSON.stringify(call.input, null, 2);
    await t.type(...Array.from({ length: initial.length }, () => BACKSPACE));
    await t.type('[1]', ENTER, ENTER);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(t.screen()).toContain('the input must be a JSON object');
    await t.type(BACKSPACE, BACKSPACE, BACKSPACE);
    await t.type('{}', ENTER, ENTER);
    expect(await decision).toEqual({ action: 'edit', text: '', toolInputs: { call_1: {} } });
  });
});
