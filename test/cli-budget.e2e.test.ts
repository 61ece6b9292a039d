/**
 * The built CLI with a corrupt budget state file: runs without a day budget are not blocked, a day budget
 * refuses with one line that names the fix, and `mcp-sampling budget reset` is that fix. Every run has its
 * own temporary HOME, so the state file is never the user's.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { beforeEach, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const SAMPLE_PATH = fileURLToPath(new URL('../sample.txt', import.meta.url));
const CORRUPT = '{"version": 1, "days": {';

let home: string;
let statePath: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'mcp-sampling-budget-cli-'));
  statePath = join(home, '.mcp-sampling', 'state.json');
  mkdirSync(join(home, '.mcp-sampling'));
  writeFileSync(statePath, CORRUPT);
  writeFileSync(join(home, 'day.json'), JSON.stringify({ servers: { '*': { budget: { day: { tokens: 100_000 } } } } }));
});

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/API_KEY|BASE_URL|MCP_SAMPLING/.test(name)),
  ) as Record<string, string>;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd: home, env: { ...base, HOME: home }, timeout: 60_000 },
      (error, stdout, stderr) => {
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
      },
    );
  });
}

describe('a corrupt budget state file', () => {
  it('does not block a run with no day budget; says once, on stderr, how to reset it', async () => {
    const { code, stdout, stderr } = await run(['summarize', SAMPLE_PATH, '--era', 'legacy', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ ok: true });
    expect(stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^mcp-sampling: warning: budget state file .*state\.json is corrupt \(.+\): run `mcp-sampling budget reset` to reset it, or fix it by hand$/,
      ),
    ]);
    // Not written over: it is the person's to reset or fix.
    expect(readFileSync(statePath, 'utf8')).toBe(CORRUPT);
  });

  it('under a day budget, refuses with one line naming the file and the reset command; the reset fixes it', async () => {
    const refused = await run(['summarize', SAMPLE_PATH, '--era', 'legacy', '--config', join(home, 'day.json')]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`budget state file ${statePath} is corrupt`);
    expect(refused.stderr).toContain('run `mcp-sampling budget reset` to reset it');

    const reset = await run(['budget', 'reset']);
    expect(reset.code).toBe(0);
    expect(reset.stdout).toContain(`budget state reset: ${statePath}`);
    expect(readFileSync(`${statePath}.corrupt`, 'utf8')).toBe(CORRUPT);
    expect(JSON.parse(readFileSync(statePath, 'utf8'))).toEqual({ version: 1, days: {} });

    const after = await run([
      'summarize',
      SAMPLE_PATH,
      '--era',
      'legacy',
      '--config',
      join(home, 'day.json'),
      '--json',
    ]);
    expect(after.stderr).toBe('');
    expect(after.code).toBe(0);
    const days = (JSON.parse(readFileSync(statePath, 'utf8')) as { days: Record<string, unknown> }).days;
    expect(Object.values(days)).toEqual([{ 'document-assistant': expect.objectContaining({ costUsd: 0 }) }]);
  });

  it('budget reset with no state file says so, and --json reports it', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'mcp-sampling-budget-cli-'));
    home = fresh;
    const { code, stdout } = await run(['budget', 'reset', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      ok: true,
      statePath: join(fresh, '.mcp-sampling', 'state.json'),
      existed: false,
      corruptCopy: null,
    });
    expect(existsSync(join(fresh, '.mcp-sampling'))).toBe(false);
  });
});
