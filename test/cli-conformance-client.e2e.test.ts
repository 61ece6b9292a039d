/**
 * The hidden `mcp-sampling conformance-client <url>` (the conformance suite's client command): not listed
 * by `--help`, one line and exit 2 for a URL that is not one, and a scenario's tool calls made through the
 * real client against our own `serve --http` on both eras, its sampling answered by the embedded model
 * with the policy's state kept out of HOME.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterEach, beforeAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const SAMPLE = readFileSync(fileURLToPath(new URL('../sample.txt', import.meta.url)), 'utf8');

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'mcp-sampling-conformance-client-'));
});

function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/API_KEY|BASE_URL|MCP_SAMPLING|MCP_CONFORMANCE|TOKEN/.test(name)),
  ) as Record<string, string>;
  return { ...base, HOME: work, ...extra };
}

function run(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd: work, env: cleanEnv(env), timeout: 60_000 },
      (error, stdout, stderr) => {
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
      },
    );
  });
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

async function serveHttp(): Promise<string> {
  const child = spawn(process.execPath, [CLI, 'serve', '--http', '--port', '0'], {
    cwd: work,
    env: cleanEnv(),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  let log = '';
  return new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString('utf8');
      const match = /(http:\/\/\S+\/mcp)/.exec(log);
      if (match !== null) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`serve --http exited (${code}): ${log}`)));
  });
}

describe('mcp-sampling conformance-client', () => {
  it('is hidden from --help but has its own help', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('summarize');
    expect(help.stdout).not.toContain('conformance');
    const own = await run(['conformance-client', '--help']);
    expect(own.code).toBe(0);
    expect(own.stdout).toContain('conformance-client');
  });

  it.each(['not a url', 'ftp://example.com/mcp'])('exits 2 with one line for %j', async (url) => {
    const { code, stdout, stderr } = await run(['conformance-client', url]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^mcp-sampling: error: (not a URL|unsupported scheme)/);
  });

  it.each([
    ['2025-11-25', 'legacy'],
    ['2026-07-28', 'modern'],
  ])('makes the calls a scenario names against serve --http at %s (%s era)', async (revision, era) => {
    const url = await serveHttp();
    const context = { toolCalls: [{ name: 'summarize_document', arguments: { document_text: SAMPLE } }] };
    const { code, stdout, stderr } = await run(['conformance-client', url], {
      MCP_CONFORMANCE_SCENARIO: 'our-own-summary',
      MCP_CONFORMANCE_PROTOCOL_VERSION: revision,
      MCP_CONFORMANCE_CONTEXT: JSON.stringify(context),
    });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain(`connected: era ${era}, protocol ${revision}`);
    expect(stdout).toMatch(/tools\/list: \d+ tool\(s\): .*summarize_document/);
    // Answered by the embedded extractive model: the summary quotes the document.
    const summary = /tools\/call summarize_document: ok \(Summary:\s*(.+)\)$/m.exec(stdout)?.[1] ?? '';
    expect(SAMPLE).toContain(summary.split(/(?<=\.)\s/)[0]!);
    // The policy's state and audit went to a temporary directory, not HOME.
    expect(existsSync(join(work, '.mcp-sampling'))).toBe(false);
  });

  it('exits 1 with one line when nothing answers at the URL', async () => {
    const { code, stderr } = await run(['conformance-client', 'http://127.0.0.1:9/mcp'], {
      MCP_CONFORMANCE_SCENARIO: 'tools_call',
    });
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });
});
