/**
 * A reader that closes the pipe before the CLI has written (`mcp-sampling summarize notes.txt | head -1`):
 * the CLI stops quietly with exit 0, not with an unhandled EPIPE and a stack trace.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const SAMPLE = fileURLToPath(new URL('../sample.txt', import.meta.url));

it('exits 0 without a stack trace when stdout is closed before the summary is written', async () => {
  const home = mkdtempSync(join(tmpdir(), 'mcp-sampling-epipe-'));
  const child = spawn(process.execPath, [CLI, 'summarize', SAMPLE], {
    cwd: home,
    env: { PATH: process.env['PATH'] ?? '', HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Close our end of the pipe at once: every write the CLI makes to stdout now fails with EPIPE.
  child.stdout.destroy();
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  try {
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(stderr).not.toMatch(/EPIPE|Unhandled|at \w+ \(/);
    expect(code).toBe(0);
  } finally {
    child.kill();
  }
});
