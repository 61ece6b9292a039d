/** The bridge's prompter: what each answer of the host's form becomes (never approval unless approved). */
import { describe, expect, it } from 'vitest';

import type { CompletionView, RequestView } from '../../policy/approval.js';
import { createHostPrompter, type HostAnswer } from './host-prompter.js';

const view: RequestView = {
  server: 'document-assistant',
  model: { provider: 'embedded', id: 'extractive-summarizer', reason: 'the default' },
  systemPrompt: undefined,
  messages: [{ role: 'user', content: { type: 'text', text: 'Summarize this.' } }],
  maxTokens: 100,
  temperature: undefined,
};
const completion: CompletionView = { ...view, completion: 'A summary.' };

const answering = (answer: HostAnswer) => createHostPrompter(() => Promise.resolve(answer), undefined);
const signal = new AbortController().signal;

describe('createHostPrompter', () => {
  it('approves only an accepted form whose decision is approve', async () => {
    const approved = answering({ action: 'accept', content: { decision: 'approve' } });
    expect(await approved.reviewRequest(view, signal)).toEqual({ action: 'approve' });
    expect(await approved.reviewCompletion(completion, signal)).toEqual({ action: 'approve' });
  });

  it('a declined form, or one answered deny, is the user refusing', async () => {
    for (const answer of [{ action: 'decline' }, { action: 'accept', content: { decision: 'deny' } }] as const) {
      const prompter = answering(answer as HostAnswer);
      expect(await prompter.reviewRequest(view, signal)).toEqual({
        action: 'deny',
        reason: 'denied by the user at the host',
      });
      expect(await prompter.reviewCompletion(completion, signal)).toEqual({
        action: 'reject',
        reason: 'rejected by the user at the host',
      });
    }
  });

  it('a cancelled or unanswered form refuses, and does not claim the user decided', async () => {
    const prompter = answering({ action: 'cancel' });
    const request = await prompter.reviewRequest(view, signal);
    expect(request.action).toBe('deny');
    expect(request).toMatchObject({ reason: expect.stringMatching(/cancelled or went unanswered/) });
    const answer = await prompter.reviewCompletion(completion, signal);
    expect(answer.action).toBe('reject');
    expect(answer).toMatchObject({ reason: expect.not.stringMatching(/by the user/) });
  });

  it('an edited prompt is an edit', async () => {
    const prompter = answering({ action: 'accept', content: { decision: 'approve', prompt: 'Be brief.' } });
    expect(await prompter.reviewRequest(view, signal)).toEqual({ action: 'edit', lastUserText: 'Be brief.' });
  });
});
