/**
 * The terminal prompter driven through streams, as a person at a keyboard would: arrow keys and Enter.
 */
import { PassThrough } from 'node:stream';

import { describe, expect, it } from 'vitest';

import type { RequestView } from '../policy/approval.js';
import { createTerminalPrompter } from './terminal-prompter.js';

const ENTER = '\r';
const DOWN = '\u001b[B';

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

function terminal() {
  const input = new PassThrough();
  const output = new PassThrough();
  let screen = '';
  output.on('data', (chunk: Buffer) => (screen += chunk.toString('utf8')));
  /** Types keys one at a time, each after the prompt has had a moment to draw. */
  const type = async (...keys: string[]) => {
    for (const key of keys) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      input.write(key);
    }
  };
  return { input, output, type, screen: () => screen };
}

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
