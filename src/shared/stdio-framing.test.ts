import { describe, expect, it } from 'vitest';

import { LineReadBuffer, MessageTooLargeError, useLineFraming } from './stdio-framing.js';

const parse = (line: string): unknown => JSON.parse(line);

function buffer(maxMessageBytes = 1024, onTooLarge?: (error: MessageTooLargeError) => void) {
  return new LineReadBuffer({ maxMessageBytes, from: 'the client', parse, ...(onTooLarge && { onTooLarge }) });
}

function readAll(reader: LineReadBuffer<unknown>): unknown[] {
  const out: unknown[] = [];
  for (let message = reader.readMessage(); message !== null; message = reader.readMessage()) out.push(message);
  return out;
}

describe('LineReadBuffer', () => {
  it('puts a message split over many chunks back together, and reads several from one chunk', () => {
    const reader = buffer();
    const bytes = Buffer.from('{"a":"hello world"}\n{"b":2}\r\n{"c":');
    for (let i = 0; i < bytes.length; i += 3) reader.append(bytes.subarray(i, i + 3));
    expect(readAll(reader)).toEqual([{ a: 'hello world' }, { b: 2 }]);
    reader.append(Buffer.from('3}\n'));
    expect(readAll(reader)).toEqual([{ c: 3 }]);
  });

  it('keeps multi-byte characters split between chunks intact', () => {
    const reader = buffer();
    const bytes = Buffer.from('{"text":"é€😀"}\n');
    for (let i = 0; i < bytes.length; i++) reader.append(bytes.subarray(i, i + 1));
    expect(readAll(reader)).toEqual([{ text: 'é€😀' }]);
  });

  it('skips a line that is not JSON, as the SDK does', () => {
    const reader = buffer();
    reader.append(Buffer.from('not json\n{"ok":true}\n'));
    expect(readAll(reader)).toEqual([{ ok: true }]);
  });

  it('refuses a message over the limit with an error naming the sender, the size and the limit', () => {
    const seen: MessageTooLargeError[] = [];
    const reader = buffer(100, (error) => seen.push(error));
    reader.append(Buffer.from(`{"a":"${'x'.repeat(50)}`));
    expect(() => reader.append(Buffer.from('x'.repeat(60)))).toThrow(
      'stdio: a message from the client is larger than the limit of 100 bytes (116 bytes received without a newline); closing the connection',
    );
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeInstanceOf(MessageTooLargeError);
    // Nothing of the refused message is kept.
    expect(reader.readMessage()).toBeNull();
  });

  it('accepts a message of exactly the limit, newline not counted', () => {
    const reader = buffer(10);
    reader.append(Buffer.from('"12345678"\n'));
    expect(readAll(reader)).toEqual(['12345678']);
  });
});

describe('useLineFraming', () => {
  it('fails with a clear message when the transport has no read buffer to replace', () => {
    expect(() => useLineFraming({}, buffer())).toThrow(/no longer has the read buffer/);
  });
});
