/**
 * A provider key in the client's environment (or its .env file) never reaches the server process.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { afterEach, expect, it } from 'vitest';

import { connectStdio, type StdioConnection } from '../src/client/connect/stdio.js';
import { testHandler } from './helpers/runtime.js';

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
let connection: StdioConnection | undefined;
const saved = { ...process.env };
afterEach(async () => {
  await connection?.close();
  process.env = { ...saved };
});

it.skipIf(!existsSync('/proc/self/environ'))('the spawned server has no provider key in its environment', async () => {
  process.env['OPENAI_API_KEY'] = 'sk-must-not-leak';
  process.env['ANTHROPIC_API_KEY'] = 'sk-ant-must-not-leak';
  process.env['MY_SERVICE_TOKEN'] = 'token-must-not-leak';
  connection = await connectStdio({
    command: process.execPath,
    args: [CLI, 'serve'],
    era: 'legacy',
    handler: testHandler({ env: process.env }),
  });
  const pid = connection.transport.pid;
  expect(pid).toBeGreaterThan(0);
  const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
  const names = environ.map((entry) => entry.split('=')[0]);
  expect(names).toContain('PATH');
  expect(environ.join('\n')).not.toMatch(/must-not-leak/);
  expect(names.filter((name) => /KEY|TOKEN|SECRET/.test(name ?? ''))).toEqual([]);
});
