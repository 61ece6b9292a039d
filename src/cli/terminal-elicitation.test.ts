/**
 * The terminal elicitation form driven through streams, as a person at a keyboard would.
 */
import { PassThrough } from 'node:stream';

import type { ElicitRequest } from '@modelcontextprotocol/client';
import { describe, expect, it } from 'vitest';

import { KEYS, streamTerminal } from '../../test/helpers/clack-streams.js';
import { elicitationHandler } from './elicitation-route.js';
import { createTerminalElicitation } from './terminal-elicitation.js';

const { ENTER, DOWN, SPACE, ESC, BACKSPACE, LEFT } = KEYS;

const terminal = streamTerminal;

const form = (requestedSchema: unknown, message = 'Tell us about you'): ElicitRequest =>
  ({ method: 'elicitation/create', params: { mode: 'form', message, requestedSchema } }) as ElicitRequest;

describe('terminal elicitation, form mode', () => {
  it('asks each field, starting from its default, and accepts with the typed values', async () => {
    const t = terminal();
    const elicit = createTerminalElicitation({ input: t.input, output: t.output });
    const answer = elicit(
      form({
        type: 'object',
        properties: {
          name: { type: 'string', title: 'Name', default: 'Ana' },
          age: { type: 'integer', minimum: 0, maximum: 150 },
          plan: {
            type: 'string',
            oneOf: [
              { const: 'free', title: 'Free' },
              { const: 'pro', title: 'Pro' },
            ],
          },
          tags: { type: 'array', items: { type: 'string', enum: ['red', 'green', 'blue'] }, default: ['red'] },
          agree: { type: 'boolean', default: true },
        },
        required: ['name', 'age', 'plan'],
      }),
    );
    await t.type(ENTER); // Fill in the form
    await t.type('-Maria', ENTER); // name: appended to the default
    await t.type('200', ENTER); // age: out of bounds, refused
    await t.type(BACKSPACE, BACKSPACE, BACKSPACE, '42', ENTER);
    await t.type(DOWN, ENTER); // plan: Pro
    await t.type(DOWN, DOWN, SPACE, ENTER); // tags: red (default) and blue
    await t.type(ENTER); // agree: kept at its default (yes)
    expect(await answer).toEqual({
      action: 'accept',
      content: { name: 'Ana-Maria', age: 42, plan: 'pro', tags: ['red', 'blue'], agree: true },
    });
    expect(t.screen()).toContain('Tell us about you');
    expect(t.screen()).toContain('must be at most 150');
    expect(t.screen()).toContain('Pro');
  });

  it('checks formats as they are typed and leaves an empty optional field out', async () => {
    const t = terminal();
    const elicit = createTerminalElicitation({ input: t.input, output: t.output });
    const answer = elicit(
      form({
        type: 'object',
        properties: {
          email: { type: 'string', format: 'email' },
          note: { type: 'string', description: 'anything else' },
          score: { type: 'number' },
          verified: { type: 'boolean' },
        },
        required: ['email'],
      }),
    );
    await t.type(ENTER);
    await t.type('ana', ENTER);
    await t.type('@example.org', ENTER);
    await t.type(ENTER); // note: empty, optional
    await t.type('9.5', ENTER);
    await t.type(LEFT, ENTER); // verified: default No; Left moves to Yes
    expect(await answer).toEqual({
      action: 'accept',
      content: { email: 'ana@example.org', score: 9.5, verified: true },
    });
    expect(t.screen()).toContain('is not an email address');
    expect(t.screen()).toContain('anything else (optional)');
  });

  it('declines when the person chooses Decline, and cancels on Esc', async () => {
    const schema = { type: 'object', properties: { name: { type: 'string' } } };
    const t = terminal();
    const elicit = createTerminalElicitation({ input: t.input, output: t.output });
    const declined = elicit(form(schema));
    await t.type(DOWN, ENTER);
    expect(await declined).toEqual({ action: 'decline' });
    const cancelled = elicit(form(schema));
    await t.type(ENTER, 'half', ESC);
    expect(await cancelled).toEqual({ action: 'cancel' });
  });

  it('shows no escape sequences a server put in its message', async () => {
    const t = terminal();
    const elicit = createTerminalElicitation({ input: t.input, output: t.output });
    const answer = elicit(form({ type: 'object', properties: {} }, 'Hello \u001b]0;pwned\u0007world'));
    await t.type(DOWN, ENTER);
    await answer;
    expect(t.screen()).toContain('Hello ]0;pwnedworld');
    expect(t.screen()).not.toContain('\u001b]0;');
  });
});

describe('terminal elicitation, URL mode', () => {
  const urlRequest = (url: string) =>
    ({
      method: 'elicitation/create',
      params: { mode: 'url', message: 'Sign in to continue', url, elicitationId: 'e1' },
    }) as ElicitRequest;

  /** A terminal form whose browser opens (`opens`) or not; `opened` lists what it was asked to open. */
  const urlForm = (opens: boolean) => {
    const t = terminal();
    const opened: string[] = [];
    const elicit = createTerminalElicitation({
      input: t.input,
      output: t.output,
      openUrl: async (url) => (opened.push(url), opens),
    });
    return { t, opened, elicit };
  };

  it('shows the address and opens it only after consent', async () => {
    const { t, opened, elicit } = urlForm(true);
    const answer = elicit(urlRequest('https://auth.example.org/login?x=1'));
    await t.type(ENTER);
    expect(await answer).toEqual({ action: 'accept' });
    expect(opened).toEqual(['https://auth.example.org/login?x=1']);
    expect(t.screen()).toContain('auth.example.org');
    expect(t.screen()).toContain('Sign in to continue');
  });

  it('prints the address when no browser can be opened; declines on Decline and a non-web address', async () => {
    const { t, opened, elicit } = urlForm(false);
    const printed = elicit(urlRequest('https://auth.example.org/a'));
    await t.type(ENTER);
    expect(await printed).toEqual({ action: 'accept' });
    expect(t.screen()).toContain('open this address: https://auth.example.org/a');
    const declined = elicit(urlRequest('https://auth.example.org/b'));
    await t.type(DOWN, ENTER);
    expect(await declined).toEqual({ action: 'decline' });
    expect(await elicit(urlRequest('file:///etc/passwd'))).toEqual({ action: 'decline' });
    expect(opened).toEqual(['https://auth.example.org/a']);
  });
});

describe('elicitation route without a terminal', () => {
  it('declines and says so in one line on stderr', async () => {
    const stderr = new PassThrough();
    let written = '';
    stderr.on('data', (chunk: Buffer) => (written += chunk.toString('utf8')));
    const elicit = elicitationHandler({ interactive: false, stderr });
    expect(await elicit(form({ type: 'object', properties: {} }, 'Your name?'))).toEqual({ action: 'decline' });
    expect(written).toBe('mcp-sampling: the server asked for input ("Your name?"); no terminal to ask on: declined\n');
  });
});
