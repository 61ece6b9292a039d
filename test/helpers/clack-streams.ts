/**
 * A terminal for @clack/prompts made of two streams, for tests that drive a prompt as a person at a
 * keyboard would: `input` takes the keys (`type()` sends them one at a time, each after the prompt has had
 * a moment to draw), and `screen()` is everything drawn to `output` so far. The keys are the raw bytes a
 * terminal sends.
 */
import { PassThrough } from 'node:stream';

export const KEYS = {
  ENTER: '\r',
  DOWN: '\u001b[B',
  LEFT: '\u001b[D',
  SPACE: ' ',
  ESC: '\u001b',
  BACKSPACE: '\u007f',
} as const;

export interface StreamTerminal {
  input: PassThrough;
  output: PassThrough;
  type(...keys: string[]): Promise<void>;
  screen(): string;
}

export function streamTerminal(): StreamTerminal {
  const input = new PassThrough();
  const output = new PassThrough();
  let screen = '';
  output.on('data', (chunk: Buffer) => (screen += chunk.toString('utf8')));
  const type = async (...keys: string[]) => {
    for (const key of keys) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      input.write(key);
    }
  };
  return { input, output, type, screen: () => screen };
}
