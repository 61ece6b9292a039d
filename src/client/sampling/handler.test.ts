import { getMaxListeners } from 'node:events';

import type { ClientContext, CreateMessageRequest } from '@modelcontextprotocol/client';
import { afterEach, describe, expect, it } from 'vitest';

import { readAuditLog } from '../../policy/audit-log.js';
import { scriptedModel } from '../../../test/helpers/scripted-model.js';
import { scriptedModelHandler } from '../../../test/helpers/runtime.js';

const request: CreateMessageRequest = {
  method: 'sampling/createMessage',
  params: { messages: [{ role: 'user', content: { type: 'text', text: 'Summarize: trees.' } }], maxTokens: 50 },
};

const contextOf = (signal: AbortSignal) => ({ mcpReq: { signal } }) as unknown as ClientContext;

const warnings: Error[] = [];
const onWarning = (warning: Error) => warnings.push(warning);
afterEach(() => {
  process.off('warning', onWarning);
  warnings.length = 0;
});

describe('the sampling handler on a shared signal (a 2026-era round)', () => {
  it("leaves one request's signal at its listener limit, lifts it from the second request on, and warns of no leak", async () => {
    process.on('warning', onWarning);
    const handler = scriptedModelHandler(scriptedModel([{ text: 'Trees.' }]));
    const lone = new AbortController().signal;
    const defaultLimit = getMaxListeners(lone);
    await expect(handler(request, contextOf(lone))).resolves.toMatchObject({ content: { text: 'Trees.' } });
    expect(getMaxListeners(lone)).toBe(defaultLimit);

    const shared = new AbortController().signal;
    const answers = await Promise.all(Array.from({ length: 40 }, () => handler(request, contextOf(shared))));
    expect(answers.every((a) => a.content && !Array.isArray(a.content) && a.content.type === 'text')).toBe(true);
    // (Node 20's getMaxListeners cannot read a limit of 0 back; the absence of the warning below shows it.)
    await handler.test.flush();
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    const { records } = await readAuditLog(handler.test.auditPath);
    expect(records).toHaveLength(41);
    expect(records.every((r) => r.outcome === 'ok' && r.usage?.inputTokens === 10)).toBe(true);
  });
});

describe('the provider slot of a request', () => {
  it('is given back when every attempt failed, so the next request of the server runs', async () => {
    let n = 0;
    const model = scriptedModel(() => {
      n += 1;
      if (n === 1) throw Object.assign(new Error('bad request'), { name: 'AI_APICallError' });
      return { text: 'Second.' };
    });
    const handler = scriptedModelHandler(model, {
      config: { servers: { '*': { maxConcurrent: 1 } }, retry: { maxRetries: 0 } },
    });
    await expect(handler(request, contextOf(new AbortController().signal))).rejects.toThrow(/bad request/);
    await expect(handler(request, contextOf(new AbortController().signal))).resolves.toMatchObject({
      content: { text: 'Second.' },
    });
    await handler.test.flush();
    const { records } = await readAuditLog(handler.test.auditPath);
    expect(records.map((r) => r.outcome)).toEqual(['error', 'ok']);
  });

  it('under a budget: the real usage replaces the reservation once the answer is in, and nothing stays reserved', async () => {
    const handler = scriptedModelHandler(scriptedModel([{ text: 'Fits.' }]), {
      config: {
        models: [{ provider: 'scripted', id: 'scripted-model', price: { input: 1, output: 1 } }],
        servers: { '*': { maxConcurrent: 1, budget: { session: { costUsd: 0.001 } } } },
      },
    });
    // The worst case (50 output tokens at $1 per million, and the prompt) fits: answered and paid for.
    await expect(handler(request, contextOf(new AbortController().signal))).resolves.toMatchObject({
      content: { text: 'Fits.' },
    });
    const usage = handler.test.runtime.budget.usage('test-server');
    expect(usage.session.tokens).toBe(15);
    expect(usage.reserved.requests).toBe(0);
  });
});
