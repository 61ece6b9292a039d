/**
 * The stdio line screen: a response with a non-object result becomes an error response for its id;
 * every other line, long ones included, is returned unchanged.
 */
import { describe, expect, it } from 'vitest';

import { screenJsonLine } from './guard-inbound.js';

describe('screenJsonLine', () => {
  it('rewrites a response whose result is null as an error response for the same id', () => {
    expect(JSON.parse(screenJsonLine('{"jsonrpc":"2.0","id":7,"result":null}'))).toMatchObject({
      jsonrpc: '2.0',
      id: 7,
      error: { code: -32603, message: 'expected an object as the result, got null' },
    });
  });

  it('returns every other line unchanged, a 3 MB one and one that is not JSON included', () => {
    const lines = [
      '{"jsonrpc":"2.0","id":2,"result":{"ok":true}}',
      `{"jsonrpc":"2.0","id":1,"result":"${'x'.repeat(3 * 1024 * 1024)}"}`,
      '{"jsonrpc":"2.0","method":"ping"}',
      '{"result": not json',
    ];
    for (const line of lines) expect(screenJsonLine(line)).toBe(line);
  });
});
