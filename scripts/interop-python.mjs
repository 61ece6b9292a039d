/**
 * `npm run interop:python`: the opt-in interop test with the official Python SDK. Makes a virtual
 * environment in .cache/python-peer with a pinned `mcp` from the machine's package index (pip's own
 * configuration decides which), then runs test/interop-python.test.ts and the interop matrix (with its Python
 * rows) against it. `npm run interop` runs the same matrix and writes docs/interop.md. Needs python3 with venv.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';

const MCP_VERSION = '2.3.0';
const root = join(import.meta.dirname, '..');
const venv = join(root, '.cache', 'python-peer');
const python = join(venv, 'bin', 'python');

const run = (command, args, options = {}) => execFileSync(command, args, { stdio: 'inherit', cwd: root, ...options });

try {
  if (!existsSync(python)) {
    process.stderr.write(`interop:python: creating ${venv}\n`);
    run('python3', ['-m', 'venv', venv]);
  }
  run(python, ['-m', 'pip', 'install', '--quiet', `mcp==${MCP_VERSION}`]);
  if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) run('npm', ['run', 'build']);
  run(
    process.execPath,
    [
      join(root, 'node_modules', 'vitest', 'vitest.mjs'),
      'run',
      'test/interop-python.test.ts',
      'test/interop-matrix.test.ts',
    ],
    {
      env: { ...process.env, MCP_SAMPLING_PYTHON: python },
    },
  );
} catch (error) {
  process.stderr.write(`interop:python: ${error.message.split('\n')[0]}\n`);
  process.exit(1);
}
