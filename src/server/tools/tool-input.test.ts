/**
 * The tool input wrapper: its JSON Schema is zod's own, converted once per target and shared (frozen), and
 * its refusals read one problem per line.
 */
import * as z from 'zod/v4';
import { describe, expect, it, vi } from 'vitest';

import { toolInput } from './tool-input.js';

const OPTIONS = { target: 'draft-2020-12' } as const;

describe('toolInput', () => {
  it('advertises the JSON Schema zod makes, converting it once per target', () => {
    const schema = z.object({ text: z.string().min(1), n: z.number().int().optional() });
    const spy = vi.spyOn(schema['~standard'].jsonSchema, 'input');
    const wrapped = toolInput(schema);
    const first = wrapped['~standard'].jsonSchema.input(OPTIONS);
    expect(first).toEqual(z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' }));
    expect(wrapped['~standard'].jsonSchema.input(OPTIONS)).toBe(first);
    expect(spy).toHaveBeenCalledTimes(1);
    const other = wrapped['~standard'].jsonSchema.input({ target: 'draft-07' });
    expect(other).not.toBe(first);
    expect(spy).toHaveBeenCalledTimes(2);
  });

  it('shares a frozen conversion, so that no caller can change what the next one gets', () => {
    const json = toolInput(z.object({ a: z.object({ b: z.string() }) }))['~standard'].jsonSchema.input(OPTIONS);
    expect(Object.isFrozen(json)).toBe(true);
    expect(Object.isFrozen((json['properties'] as Record<string, object>)['a'])).toBe(true);
  });

  it('refuses with every problem on its own line', async () => {
    const wrapped = toolInput(z.object({ a: z.string(), b: z.number() }));
    const result = await wrapped['~standard'].validate({});
    expect(result).toMatchObject({ issues: [{ message: expect.stringMatching(/^2 problems:\n {2}a: .*\n {2}b: /) }] });
  });
});
