/**
 * The stdio line parser: a response with a non-object result becomes an error response for its id; every
 * other message, long ones included, parses as it is; a line that is not JSON throws a SyntaxError (the
 * line framing skips it, as the SDK's reader does).
 */
import { describe, expect, it } from 'vitest';

import { parseStdioLine } from './guard-inbound.js';

describe('parseStdioLine', () => {
  it('turns a response whose result is null into an error response for the same id, however it is spelled', () => {
    for (const line of ['{"jsonrpc":"2.0","id":7,"result":null}', '{"jsonrpc":"2.0","id":7,"\\u0072esult":null}']) {
      expect(parseStdioLine(line)).toMatchObject({
        jsonrpc: '2.0',
        id: 7,
        error: { code: -32603, message: 'expected an object as the result, got null' },
      });
    }
  });

  it('parses every other message as it is, a 3 MB one included, and refuses a line that is not JSON', () => {
    const long = { jsonrpc: '2.0', id: 1, result: { text: 'x'.repeat(3 * 1024 * 1024) } };
    expect(parseStdioLine(JSON.stringify(long))).toEqual(long);
    expect(parseStdioLine('{"jsonrpc":"2.0","method":"ping"}')).toEqual({ jsonrpc: '2.0', method: 'ping' });
    expect(() => parseStdioLine('{"result": not json')).toThrow(SyntaxError);
  });
});
