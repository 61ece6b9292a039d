import type { CreateMessageRequestParams, SamplingMessage } from '@modelcontextprotocol/client';
import { describe, expect, it } from 'vitest';

import type { ServerPolicy } from '../config/schema.js';
import { applyLimits, resolveServerPolicy } from './limits.js';

function request(overrides: Partial<CreateMessageRequestParams> = {}): CreateMessageRequestParams {
  return {
    messages: [{ role: 'user', content: { type: 'text', text: 'Summarize the minutes of the parish council.' } }],
    maxTokens: 800,
    ...overrides,
  };
}

const image: SamplingMessage = {
  role: 'user',
  content: [
    { type: 'text', text: 'What is on this map?' },
    { type: 'image', data: 'iVBORw0KGgo=', mimeType: 'image/png' },
  ],
};
const audio: SamplingMessage = { role: 'user', content: { type: 'audio', data: 'UklGRg==', mimeType: 'audio/wav' } };

function expectOk(outcome: ReturnType<typeof applyLimits>) {
  if (!outcome.ok) throw new Error(`expected ok, got: ${outcome.reason}`);
  return outcome;
}

describe('applyLimits: maxTokens', () => {
  it('keeps the request as it is when nothing caps it', () => {
    const params = request({ temperature: 0.3 });
    const outcome = expectOk(applyLimits(params, {}));
    expect(outcome.params).toEqual(params);
    expect(outcome.params).not.toBe(params);
    expect(outcome.notes).toEqual([]);
  });

  it('never raises maxTokens above the request, whatever the policy or the model allow', () => {
    const outcome = expectOk(applyLimits(request({ maxTokens: 200 }), { maxTokens: 4000 }, { maxOutputTokens: 8192 }));
    expect(outcome.params.maxTokens).toBe(200);
    expect(outcome.notes).toEqual([]);
  });

  it('lowers maxTokens to the policy cap and says so', () => {
    const params = request({ maxTokens: 4000 });
    const outcome = expectOk(applyLimits(params, { maxTokens: 1000 }));
    expect(outcome.params.maxTokens).toBe(1000);
    expect(outcome.notes).toEqual(['maxTokens lowered from 4,000 to 1,000 (server policy maxTokens)']);
    expect(params.maxTokens).toBe(4000);
  });

  it("lowers maxTokens to the model's maxOutputTokens when that is the smallest", () => {
    const outcome = expectOk(
      applyLimits(request({ maxTokens: 20_000 }), { maxTokens: 10_000 }, { maxOutputTokens: 4096 }),
    );
    expect(outcome.params.maxTokens).toBe(4096);
    expect(outcome.notes).toEqual([
      'maxTokens lowered from 20,000 to 10,000 (server policy maxTokens)',
      "maxTokens lowered from 10,000 to 4,096 (the model's maxOutputTokens)",
    ]);
  });

  it('caps by the model alone, and ignores a model without maxOutputTokens', () => {
    expect(expectOk(applyLimits(request({ maxTokens: 9000 }), {}, { maxOutputTokens: 2048 })).params.maxTokens).toBe(
      2048,
    );
    expect(expectOk(applyLimits(request({ maxTokens: 9000 }), {}, {})).params.maxTokens).toBe(9000);
  });
});

describe('applyLimits: temperature', () => {
  const policy: ServerPolicy = { temperature: { min: 0, max: 0.7 } };

  it('clamps a temperature above the range and notes it', () => {
    const outcome = expectOk(applyLimits(request({ temperature: 1.4 }), policy));
    expect(outcome.params.temperature).toBe(0.7);
    expect(outcome.notes).toEqual(['temperature 1.4 clamped to 0.7 (server policy allows 0..0.7)']);
  });

  it('clamps a temperature below the range', () => {
    const outcome = expectOk(applyLimits(request({ temperature: 0.1 }), { temperature: { min: 0.2, max: 1 } }));
    expect(outcome.params.temperature).toBe(0.2);
    expect(outcome.notes).toHaveLength(1);
  });

  it('leaves a temperature inside the range, and an absent one absent', () => {
    const inside = expectOk(applyLimits(request({ temperature: 0.5 }), policy));
    expect(inside.params.temperature).toBe(0.5);
    expect(inside.notes).toEqual([]);
    const absent = expectOk(applyLimits(request(), policy));
    expect('temperature' in absent.params).toBe(false);
  });

  it('does not touch the temperature without a policy range', () => {
    expect(expectOk(applyLimits(request({ temperature: 1.9 }), {})).params.temperature).toBe(1.9);
  });
});

describe('applyLimits: content types', () => {
  it('allows text, image and audio when the policy does not say', () => {
    expect(applyLimits(request({ messages: [image, audio] }), {}).ok).toBe(true);
  });

  it('refuses audio when the policy allows only images besides text', () => {
    const outcome = applyLimits(request({ messages: [image, audio] }), { contentTypes: ['image'] });
    expect(outcome).toEqual({ ok: false, reason: 'server sent audio content; this server may send only: text, image' });
  });

  it('always allows text: an empty list means text only', () => {
    expect(applyLimits(request(), { contentTypes: [] }).ok).toBe(true);
    expect(applyLimits(request({ messages: [image] }), { contentTypes: [] })).toEqual({
      ok: false,
      reason: 'server sent image content; this server may send only: text',
    });
  });

  it('finds media inside a tool result too', () => {
    const messages: SamplingMessage[] = [
      {
        role: 'user',
        content: [
          {
            type: 'tool_result',
            toolUseId: 'call-1',
            content: [{ type: 'image', data: 'iVBORw0KGgo=', mimeType: 'image/png' }],
          },
        ],
      },
    ];
    expect(applyLimits(request({ messages }), { contentTypes: ['audio'] })).toEqual({
      ok: false,
      reason: 'server sent image content; this server may send only: text, audio',
    });
  });
});

describe('resolveServerPolicy', () => {
  const servers: Record<string, ServerPolicy> = {
    '*': {
      approval: 'ask',
      maxTokens: 2000,
      contentTypes: ['image'],
      rateLimit: { requestsPerMinute: 30, tokensPerMinute: 60_000, onLimit: 'reject' },
      budget: { day: { tokens: 200_000, costUsd: 2 }, session: { tokens: 50_000 } },
    },
    'document-assistant': {
      approval: 'auto',
      models: ['openai/gpt-4o-mini'],
      rateLimit: { requestsPerMinute: 10, onLimit: 'wait' },
      budget: { day: { costUsd: 0.5 } },
    },
    'node /opt/tools/server.js': { approval: 'deny' },
  };

  it('overlays the named entry on the defaults, field by field and one level into nested objects', () => {
    expect(resolveServerPolicy(servers, ['document-assistant'])).toEqual({
      approval: 'auto',
      models: ['openai/gpt-4o-mini'],
      maxTokens: 2000,
      contentTypes: ['image'],
      rateLimit: { requestsPerMinute: 10, tokensPerMinute: 60_000, onLimit: 'wait' },
      budget: { day: { tokens: 200_000, costUsd: 0.5 }, session: { tokens: 50_000 } },
    });
  });

  it('takes the first identity that has an entry (name before command line)', () => {
    expect(resolveServerPolicy(servers, ['unknown-name', 'node /opt/tools/server.js']).approval).toBe('deny');
    expect(resolveServerPolicy(servers, ['document-assistant', 'node /opt/tools/server.js']).approval).toBe('auto');
  });

  it('falls back to the defaults, or to an empty policy without them', () => {
    expect(resolveServerPolicy(servers, ['someone-else'])).toEqual(servers['*']);
    expect(resolveServerPolicy({}, ['someone-else'])).toEqual({});
    expect(resolveServerPolicy({ solo: { maxTokens: 100 } }, ['solo'])).toEqual({ maxTokens: 100 });
  });

  it('never treats an identity of "*" as a named entry, and does not mutate the table', () => {
    const before = structuredClone(servers);
    const policy = resolveServerPolicy(servers, ['*']);
    expect(policy).toEqual(servers['*']);
    policy.rateLimit!.requestsPerMinute = 1;
    policy.budget!.day!.tokens = 1;
    expect(servers).toEqual(before);
  });
});
