/**
 * `--era auto` with a server that speaks 2026-07-28 but pushes 2025-style sampling requests from inside a
 * tool (the TypeScript SDK v2's deprecated `ctx.mcpReq.requestSampling`): `auto` lands on 2026, the push
 * fails there, and `call` says in one line what happened and to use `--era legacy`, which then works.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const SERVER = fileURLToPath(new URL('./fixtures/interop/sdk-v2-server.mjs', import.meta.url));
const PARAMS = JSON.stringify({
  params: JSON.stringify({
    messages: [{ role: 'user', content: { type: 'text', text: 'Street trees cool cities. They hold rain.' } }],
    maxTokens: 50,
  }),
});

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'mcp-sampling-era-hint-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function call(era: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/API_KEY|BASE_URL|MCP_SAMPLING|TOKEN/.test(name)),
  );
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, 'call', 'sample_push', '--era', era, '--args', PARAMS, '--', process.execPath, SERVER],
      { cwd: work, env: { ...env, HOME: work }, timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr }),
    );
  });
}

describe('a 2026-capable server that pushes sampling requests', () => {
  it.each(['auto', 'modern'])(
    '--era %s: one line says the server pushes 2025-style requests and suggests --era legacy',
    async (era) => {
      const result = await call(era);
      expect(result.code).toBe(1);
      expect(result.stdout).toContain('era modern (protocol 2026-07-28)');
      const lines = result.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        /^mcp-sampling: error: sample_push failed: the server pushes 2025-style requests .*run again with --era legacy/,
      );
    },
  );

  it('--era legacy: the pushed request is answered', async () => {
    const result = await call('legacy');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('"stopReason":"endTurn"');
    expect(result.stdout).toContain('Street trees cool cities.');
  });
});
