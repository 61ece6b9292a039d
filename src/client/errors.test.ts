import { describe, expect, it } from 'vitest';

import { PolicyRefusal } from '../policy/gate.js';
import { toWireError, USER_REJECTED_CODE } from './errors.js';

describe('toWireError for policy refusals', () => {
  it('a person or the configuration said no: the spec’s user-rejected error, without data', () => {
    for (const kind of ['denied', 'rejected']) {
      const wire = toWireError(new PolicyRefusal('the user denied the sampling request', kind));
      expect(wire.code).toBe(USER_REJECTED_CODE);
      expect(wire.message).toContain('the user denied the sampling request');
      expect(wire.data).toBeUndefined();
    }
  });

  it('content the policy does not allow: -32602 naming the kind', () => {
    expect(toWireError(new PolicyRefusal("server 's': server sent image content", 'limits'))).toMatchObject({
      code: -32602,
      data: { policy: 'limits' },
    });
  });

  it('any other refusal, a new gate’s kind included: -32603 naming the kind', () => {
    for (const kind of ['no-model', 'budget', 'rate-limited', 'a-new-rule']) {
      expect(toWireError(new PolicyRefusal('refused', kind))).toMatchObject({ code: -32603, data: { policy: kind } });
    }
  });
});
