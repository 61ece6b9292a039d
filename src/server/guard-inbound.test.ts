/**
 * The stdio line screen: responses with a non-object result become error responses; everything else,
 * long lines included, passes through byte for byte, however the input is cut into chunks.
 */
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';

import { describe, expect, it } from 'vitest';

import { screenStdioLines } from './guard-inbound.js';

async function screen(chunks: string[]): Promise<string> {
  return text(Readable.from(chunks.map((chunk) => Buffer.from(chunk))).pipe(screenStdioLines()));
}

describe('screenStdioLines', () => {
  it('rewrites a response whose result is null as an error response for the same id, even when cut in two', async () => {
    const out = await screen(['{"jsonrpc":"2.0","id":7,"res', 'ult":null}\n']);
    expect(JSON.parse(out)).toMatchObject({
      jsonrpc: '2.0',
      id: 7,
      error: { code: -32603, message: 'expected an object as the result, got null' },
    });
  });

  it('passes every other line unchanged, a 3 MB one included', async () => {
    const long = `{"jsonrpc":"2.0","id":1,"result":{"text":"${'x'.repeat(3 * 1024 * 1024)}"}}\n`;
    const lines = ['{"jsonrpc":"2.0","id":2,"result":{"ok":true}}\n', long, '{"jsonrpc":"2.0","method":"ping"}\n'];
    const input = lines.join('');
    const chunks = Array.from({ length: Math.ceil(input.length / 65536) }, (_, i) =>
      input.slice(i * 65536, (i + 1) * 65536),
    );
    expect(await screen(chunks)).toBe(input);
  });
});
