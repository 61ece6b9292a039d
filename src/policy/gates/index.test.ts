import { describe, expect, it } from 'vitest';

import { createBudgetTracker } from '../budget.js';
import { ConfigSchema } from '../../config/schema.js';
import { PolicyRefusal } from '../gate.js';
import { createGates } from './index.js';

describe('the policy gates', () => {
  it('run in the documented order', () => {
    const gates = createGates({
      config: ConfigSchema.parse({}),
      aliases: {},
      budget: createBudgetTracker({ statePath: '/nonexistent/state.json' }),
    });
    expect(gates.map((gate) => gate.name)).toEqual(['server-policy', 'limits', 'budget', 'rate-limit', 'approval']);
  });
});

describe('PolicyRefusal', () => {
  it('answers a person’s no as user-rejected, the limits as invalid params, any other kind as refused', () => {
    expect(new PolicyRefusal('no', 'denied').answer).toBe('user-rejected');
    expect(new PolicyRefusal('no', 'rejected').answer).toBe('user-rejected');
    expect(new PolicyRefusal('too big', 'limits').answer).toBe('invalid-params');
    for (const kind of ['no-model', 'budget', 'rate-limited', 'a-new-rule']) {
      expect(new PolicyRefusal('no', kind).answer).toBe('refused');
    }
    expect(new PolicyRefusal('no', 'a-new-rule', { answer: 'invalid-params' }).answer).toBe('invalid-params');
  });

  it('keeps its cause, and its kind', () => {
    const cause = new Error('window full');
    const refusal = new PolicyRefusal('rate limited', 'rate-limited', { cause });
    expect(refusal).toMatchObject({ name: 'PolicyRefusal', kind: 'rate-limited', cause });
  });
});
