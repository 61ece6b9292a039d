/**
 * Starts the built `mcp-sampling ui` (dist/cli/main.js) in a temporary HOME on a free port and returns its
 * printed URL; runs `mcp-sampling call` with no terminal in the same HOME. For the dashboard's HTTP and
 * browser tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/** The environment of a CLI child: no keys or settings of ours from the test's environment, HOME as given. */
export function cliEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/API_KEY|BASE_URL|MCP_SAMPLING/.test(name)),
  ) as Record<string, string>;
  return { ...base, HOME: home, ...extra };
}

export interface RunningDashboard {
  home: string;
  url: string;
  origin: string;
  port: number;
  /** The one-time login code of the printed URL. */
  code: string;
  token: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export async function startDashboardCli(
  home = mkdtempSync(join(tmpdir(), 'mcp-sampling-ui-')),
): Promise<RunningDashboard> {
  const child = spawn(process.execPath, [CLI, 'ui', '--port', '0', '--no-open'], {
    cwd: home,
    env: cliEnv(home),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => resolve(line));
    child.once('exit', (code) => reject(new Error(`mcp-sampling ui exited ${code}: ${stderr}`)));
  });
  const parsed = new URL(url);
  return {
    home,
    url,
    origin: parsed.origin,
    port: Number(parsed.port),
    code: parsed.searchParams.get('code') ?? '',
    // The long-lived token is never in the URL: client processes read it from its 0600 file.
    token: readFileSync(join(home, '.mcp-sampling', 'ui-token'), 'utf8').trim(),
    child,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

export interface CallRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `mcp-sampling call <tool> --args <json> --json --era <era> -- node <cli> serve`, with no terminal. */
export function runCall(
  home: string,
  cwd: string,
  tool: string,
  args: unknown,
  era: string,
  env: Record<string, string> = {},
): { done: Promise<CallRun>; child: ChildProcess } {
  const child = spawn(
    process.execPath,
    [CLI, 'call', tool, '--args', JSON.stringify(args), '--json', '--era', era, '--', process.execPath, CLI, 'serve'],
    { cwd, env: cliEnv(home, env), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<CallRun>((resolve) =>
    child.once('exit', (code) => resolve({ code: code ?? -1, stdout, stderr })),
  );
  return { done, child };
}

export function removeHome(home: string): void {
  rmSync(home, { recursive: true, force: true });
}
