import { describe, expect, it } from 'vitest';
import * as z from 'zod/v4';

import { formatProblems, issueLine, rewriteIssueDump } from './issue-lines.js';

/** How the MCP SDK words an invalid message: its own prefix, then zod's error message (the issues as JSON). */
function sdkMessage(prefix: string, schema: z.ZodType, value: unknown): string {
  const result = schema.safeParse(value);
  if (result.success) throw new Error('expected the value to be invalid');
  return `${prefix}: ${result.error.message}`;
}

const Result = z.object({
  role: z.literal('assistant'),
  model: z.string(),
  content: z.union([
    z.object({ type: z.literal('text'), text: z.string() }),
    z.object({ type: z.literal('image'), data: z.string(), mimeType: z.string() }),
  ]),
});

describe('rewriteIssueDump', () => {
  it('turns a JSON list of issues into one line per problem, with paths', () => {
    const message = sdkMessage('Invalid sampling result', Result, {
      role: 'assistant',
      model: 5,
      content: { type: 'text' },
    });
    expect(message).toContain('"code"'); // what the SDK shows today
    expect(rewriteIssueDump(message).split('\n')).toEqual([
      'Invalid sampling result (2 problems):',
      '  model: expected string, received number',
      '  content.text: missing (expected string)',
    ]);
  });

  it('keeps one problem on one line', () => {
    const message = sdkMessage('Invalid result for initialize', z.object({ protocolVersion: z.string() }), {});
    expect(rewriteIssueDump(message)).toBe('Invalid result for initialize: protocolVersion: missing (expected string)');
  });

  it('leaves a message without a list of issues alone', () => {
    for (const message of ['HTTP 401: Unauthorized', 'odd [ { not json', 'values [1, 2]', '[{"a":1}]']) {
      expect(rewriteIssueDump(message)).toBe(message);
    }
  });
});

describe('issueLine and formatProblems', () => {
  it('words unknown keys and missing fields as a person would', () => {
    expect(issueLine({ code: 'unrecognized_keys', keys: ['foo', 'bar'], path: ['servers', '*'], message: 'x' })).toBe(
      "servers.*: unknown keys 'foo', 'bar'",
    );
    expect(issueLine({ message: 'Too small: expected number to be >=512', path: ['context_tokens'] })).toBe(
      'context_tokens: must be >=512',
    );
    expect(formatProblems('invalid config a.json', ['x: bad'])).toBe('invalid config a.json: x: bad');
    expect(formatProblems('invalid config a.json', ['x: bad', 'y: worse'])).toBe(
      'invalid config a.json (2 problems):\n  x: bad\n  y: worse',
    );
  });
});
