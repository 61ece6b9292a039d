import { describe, expect, it } from 'vitest';

import { elicitContentProblems, fieldProblem, multiChoices, singleChoices } from './validate-content.js';

describe('elicitContentProblems', () => {
  const schema = {
    type: 'object' as const,
    properties: {
      email: { type: 'string' as const, format: 'email' as const },
      name: { type: 'string' as const, minLength: 2, maxLength: 5 },
      age: { type: 'integer' as const, minimum: 0, maximum: 150 },
      plan: { type: 'string' as const, oneOf: [{ const: 'pro', title: 'Pro' }] },
      tags: {
        type: 'array' as const,
        maxItems: 2,
        items: { type: 'string' as const, enum: ['a', 'b', 'c'] },
      },
      ok: { type: 'boolean' as const },
    },
    required: ['email', 'age'],
  };

  it('accepts an answer that fits the form', () => {
    expect(
      elicitContentProblems(schema, { email: 'ana@example.org', age: 30, plan: 'pro', tags: ['a'], ok: false }),
    ).toEqual([]);
  });

  it('names each field that is missing, of the wrong type, out of bounds or not in the form', () => {
    expect(
      elicitContentProblems(schema, { email: 'nope', name: 'x', plan: 'free', tags: ['a', 'b', 'c'], extra: 'y' }),
    ).toEqual([
      'age: is required',
      'email: is not an email address',
      'name: must be at least 2 characters',
      'plan: must be one of pro',
      'tags: allows at most 2 choice(s)',
      'extra: is not a field of the form',
    ]);
    expect(elicitContentProblems(schema, { email: 'a@b.co', age: 1.5 })).toEqual(['age: must be a whole number']);
    expect(elicitContentProblems(schema, { email: 'a@b.co', age: 200 })).toEqual(['age: must be at most 150']);
  });

  it('checks the string formats', () => {
    expect(fieldProblem({ type: 'string', format: 'uri' }, 'https://example.org/x')).toBeUndefined();
    expect(fieldProblem({ type: 'string', format: 'uri' }, 'not a uri')).toBe('is not an absolute URI');
    expect(fieldProblem({ type: 'string', format: 'date' }, '2026-07-28')).toBeUndefined();
    expect(fieldProblem({ type: 'string', format: 'date' }, '2026-02-30')).toMatch(/not a date/);
    expect(fieldProblem({ type: 'string', format: 'date-time' }, '2026-07-28T09:30:00Z')).toBeUndefined();
    expect(fieldProblem({ type: 'string', format: 'date-time' }, '2026-07-28')).toMatch(/date and time/);
  });

  it('reads the choices of every enum shape, titled or not', () => {
    expect(singleChoices({ type: 'string', enum: ['x', 'y'], enumNames: ['Ex', 'Why'] })).toEqual([
      { value: 'x', label: 'Ex' },
      { value: 'y', label: 'Why' },
    ]);
    expect(singleChoices({ type: 'string' })).toBeUndefined();
    expect(multiChoices({ type: 'array', items: { anyOf: [{ const: 'v', title: 'Vee' }] } })).toEqual([
      { value: 'v', label: 'Vee' },
    ]);
  });
});
