/**
 * The engine's side of the fallback seam: the option checked at once, which calls go to the fallback, what
 * a body sees as capabilities, and one call's bound fallback (tools check, answer check, `_meta`, errors).
 */
import type { CreateMessageRequestParams } from '@modelcontextprotocol/server';
import { describe, expect, it } from 'vitest';

import { SAMPLED_BY_META_KEY } from '../../shared/contract.js';
import { bindFallback, checkFallback, fallbackFor, samplerCapabilities, type SamplingFallback } from './fallback.js';
import { SamplingRequestError, SamplingUnsupportedError, type SamplingResult } from './sampler.js';

const params: CreateMessageRequestParams = {
  messages: [{ role: 'user', content: { type: 'text', text: 'hi' } }],
  maxTokens: 10,
};
const answer: SamplingResult = { role: 'assistant', content: { type: 'text', text: 'ok' }, model: 'm1' };

function fallbackOf(sample: SamplingFallback['sample'], options: Partial<SamplingFallback> = {}): SamplingFallback {
  return { when: 'no-sampling', tools: true, sample, ...options };
}

describe('checkFallback', () => {
  it('takes a fallback or nothing, and refuses anything else in one line', () => {
    expect(checkFallback(undefined)).toBeUndefined();
    const ok = fallbackOf(async () => answer);
    expect(checkFallback(ok)).toBe(ok);
    expect(() => checkFallback('gpt-4o')).toThrow(/^createSamplingEngine: fallback must be a SamplingFallback/);
    expect(() => checkFallback({ ...ok, when: 'never' })).toThrow(
      `createSamplingEngine: fallback.when must be 'no-sampling' or 'always' (got "never")`,
    );
    expect(() => checkFallback({ ...ok, tools: 'yes' })).toThrow('fallback.tools must be a boolean');
  });
});

describe('fallbackFor and samplerCapabilities', () => {
  const noSampling = fallbackOf(async () => answer);
  const always = fallbackOf(async () => answer, { when: 'always' });

  it('uses a no-sampling fallback only for clients without sampling, an always one for every client', () => {
    expect(fallbackFor(undefined, undefined)).toBeUndefined();
    expect(fallbackFor(noSampling, undefined)).toBe(noSampling);
    expect(fallbackFor(noSampling, { roots: {} })).toBe(noSampling);
    expect(fallbackFor(noSampling, { sampling: {} })).toBeUndefined();
    expect(fallbackFor(always, { sampling: { tools: {} } })).toBe(always);
  });

  it("shows the fallback's sampling (tools when its model can) and keeps the rest of the client's", () => {
    expect(samplerCapabilities({ roots: {} }, undefined)).toEqual({ roots: {} });
    expect(samplerCapabilities({ roots: {} }, noSampling)).toEqual({ roots: {}, sampling: { tools: {} } });
    expect(
      samplerCapabilities(
        { sampling: { tools: {} } },
        fallbackOf(async () => answer, { tools: false }),
      ),
    ).toEqual({
      sampling: {},
    });
  });
});

describe('bindFallback', () => {
  const signal = new AbortController().signal;

  it('stamps _meta with the path and model, unless the fallback wrote its own', async () => {
    const bound = bindFallback(
      fallbackOf(async () => answer),
      'ask',
      2,
    );
    expect((await bound.sample(params, signal))._meta).toEqual({
      [SAMPLED_BY_META_KEY]: { path: 'direct', model: 'm1' },
    });
    const own = { ...answer, _meta: { [SAMPLED_BY_META_KEY]: { path: 'direct', model: 'x', provider: 'p' } } };
    expect(
      await bindFallback(
        fallbackOf(async () => own),
        'ask',
        2,
      ).sample(params, signal),
    ).toEqual(own);
  });

  it('refuses tools its model cannot call before calling it', async () => {
    let called = 0;
    const bound = bindFallback(
      fallbackOf(
        async () => {
          called += 1;
          return answer;
        },
        { tools: false },
      ),
      'ask',
      2,
    );
    const withTools = { ...params, tools: [{ name: 't', inputSchema: { type: 'object' as const } }] };
    await expect(bound.sample(withTools, signal)).rejects.toThrow(SamplingUnsupportedError);
    await expect(bound.sample(withTools, signal)).rejects.toThrow(
      "ask: the sampling fallback's model does not support tools",
    );
    expect(called).toBe(0);
  });

  it('turns a failure or a wrong answer into one line, and a cancellation into its reason', async () => {
    const failing = bindFallback(
      fallbackOf(async () => {
        throw new Error('boom\nstack line');
      }),
      'ask',
      1,
    );
    await expect(failing.sample(params, signal)).rejects.toThrow(
      new SamplingRequestError('the sampling fallback failed: boom', undefined),
    );
    // Whoever wrote the fallback, what it reports loses what looks like a credential.
    const leaky = bindFallback(
      fallbackOf(async () => {
        throw new Error('refused key sk-proj-abc123def456ghi at https://user:pw@llm.example/v1?key=1');
      }),
      'ask',
      1,
    );
    const leaked = await leaky.sample(params, signal).catch((error: Error) => error.message);
    expect(leaked).not.toMatch(/abc123def456ghi|user:pw|key=1/);
    expect(leaked).toMatch(/^the sampling fallback failed: refused key \*\*\*/);
    const wrong = bindFallback(
      fallbackOf(async () => ({ role: 'assistant', content: 'text' }) as unknown as SamplingResult),
      'ask',
      1,
    );
    await expect(wrong.sample(params, signal)).rejects.toThrow(/^the sampling fallback's answer is invalid: /);

    const controller = new AbortController();
    const reason = new Error('cancelled');
    const hanging = bindFallback(
      fallbackOf(
        (_params, { signal: inner }) =>
          new Promise((_, reject) => inner.addEventListener('abort', () => reject(new Error('aborted')))),
      ),
      'ask',
      1,
    );
    const pending = hanging.sample(params, controller.signal);
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });

  it('runs at most `concurrency` requests at once per call', async () => {
    let running = 0;
    let peak = 0;
    const bound = bindFallback(
      fallbackOf(async () => {
        running += 1;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setImmediate(resolve));
        running -= 1;
        return answer;
      }),
      'ask',
      2,
    );
    await Promise.all(Array.from({ length: 6 }, () => bound.sample(params, signal)));
    expect(peak).toBe(2);
  });
});
