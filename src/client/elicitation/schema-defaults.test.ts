import { describe, expect, it } from 'vitest';

import { elicitationDefaults } from './schema-defaults.js';

describe('elicitationDefaults', () => {
  it("takes each field's default that fits its type, and leaves out the rest", () => {
    const values = elicitationDefaults({
      type: 'object',
      properties: {
        name: { type: 'string', default: 'John Doe' },
        age: { type: 'integer', default: 30 },
        score: { type: 'number', default: 95.5 },
        status: { type: 'string', enum: ['active', 'inactive'], default: 'active' },
        verified: { type: 'boolean', default: true },
        email: { type: 'string' },
        wrong: { type: 'integer', default: 1.5 },
      },
    });
    expect(values).toEqual({ name: 'John Doe', age: 30, score: 95.5, status: 'active', verified: true });
  });
});
