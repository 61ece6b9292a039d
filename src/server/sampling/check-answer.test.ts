/**
 * The sampling answer check: the common one-text-block answer is accepted without the schema, and every
 * near miss of that shape is still refused with the schema's one-line reason, with and without tools.
 */
import { describe, expect, it } from 'vitest';

import { checkSamplingAnswer } from './check-answer.js';

const TEXT = { role: 'assistant', model: 'm', stopReason: 'endTurn', content: { type: 'text', text: 'hi' } };

describe('checkSamplingAnswer', () => {
  it.each([true, false])('accepts a one-text-block answer, extra keys and all, as it is (tools: %s)', (tools) => {
    for (const value of [
      TEXT,
      { ...TEXT, stopReason: undefined },
      { role: 'user', model: 'm', content: { type: 'text', text: '', extra: 1 }, _meta: { a: 1 } },
    ]) {
      const check = checkSamplingAnswer(value, { tools });
      expect(check).toEqual({ ok: true, result: value });
      if (check.ok) expect(check.result).toBe(value);
    }
  });

  it.each([
    [{ ...TEXT, role: 'system' }, /^role: /],
    [{ ...TEXT, model: 7 }, /^model: /],
    [{ ...TEXT, stopReason: 3 }, /^stopReason: /],
    [{ ...TEXT, content: { type: 'text', text: 5 } }, /text/],
    [{ ...TEXT, content: { type: 'text' } }, /text/],
    [{ ...TEXT, content: null }, /^content: /],
    [{ ...TEXT, content: 'hi' }, /^content: /],
  ])('refuses a near miss of that shape with the reason: %j', (value, reason) => {
    for (const tools of [true, false]) {
      const check = checkSamplingAnswer(value, { tools });
      expect(check.ok).toBe(false);
      if (!check.ok) expect(check.reason).toMatch(reason);
    }
  });

  it('still takes content arrays only with tools', () => {
    const value = { ...TEXT, content: [{ type: 'text', text: 'a' }] };
    expect(checkSamplingAnswer(value, { tools: true }).ok).toBe(true);
    expect(checkSamplingAnswer(value, { tools: false }).ok).toBe(false);
  });
});
