/**
 * Start-up loads only what the command runs (B4 of the benchmarks): `summarize` over stdio with the
 * embedded model loads neither the AI SDK nor any vendor package, nor the HTTP stack, OAuth, the
 * dashboard or the prompts library; the `serve` it spawns loads none of the client's side. Checked on the
 * built CLI, with a module hook (test/fixtures/module-trace/) in NODE_OPTIONS recording what each process
 * loads.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { beforeAll, describe, expect, it } from 'vitest';

import { alive } from './helpers/process.js';

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const SAMPLE = fileURLToPath(new URL('../sample.txt', import.meta.url));
const REGISTER = new URL('./fixtures/module-trace/register.mjs', import.meta.url);

/** What neither process of a stdio, embedded-model `summarize` may load. */
const NEVER_ON_STDIO = [
  /\/node_modules\/ai\//,
  /\/node_modules\/@ai-sdk\/(anthropic|openai|openai-compatible|google|gateway|provider-utils)\//,
  /\/node_modules\/@opentelemetry\//,
  /\/node_modules\/@clack\//,
  /\/node_modules\/(hono|@hono\/node-server)\//,
  /\/dist\/client\/connect\/http\.js$/,
  /\/dist\/client\/auth\//,
  /\/dist\/cli\/(oauth-route|progress-bar|terminal-prompter|terminal-elicitation)\.js$/,
  /\/dist\/ui\/(start|app|pages|usage)\.js$/,
  /\/dist\/server\/transports\/http\//,
];

/** What the server may not load besides: the client's side. */
const NEVER_IN_SERVER = [
  /\/node_modules\/@modelcontextprotocol\/client\//,
  /\/dist\/(client|policy|providers)\//,
  /\/dist\/cli\/(summarize|client-session|document-session)\.js$/,
];

interface Traced {
  code: number;
  stdout: string;
  /** The modules each process loaded, by pid; the CLI's is the one whose trace names dist/cli/summarize.js. */
  processes: string[][];
}

function runTraced(args: string[], work: string): Promise<Traced> {
  const dir = join(work, `trace-${Math.random().toString(36).slice(2)}`);
  mkdirSync(dir);
  const hook = `${REGISTER.href}#dir=${encodeURIComponent(dir)}`;
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/API_KEY|BASE_URL|MCP_SAMPLING|NODE_OPTIONS/.test(name)),
  ) as Record<string, string>;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd: work, env: { ...env, HOME: work, NODE_OPTIONS: `--import=${JSON.stringify(hook)}` }, timeout: 60_000 },
      (error, stdout) => {
        const processes = readdirSync(dir).map((name) =>
          readFileSync(join(dir, name), 'utf8')
            .split('\n')
            .filter((line) => line !== ''),
        );
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, processes });
      },
    );
  });
}

const matching = (modules: readonly string[], patterns: readonly RegExp[]) =>
  modules.filter((module) => patterns.some((pattern) => pattern.test(module)));

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'mcp-sampling-lazy-'));
});

describe.each(['legacy', 'modern'] as const)('mcp-sampling summarize --era %s, embedded model', (era) => {
  it('loads no AI SDK, vendor package, HTTP stack, OAuth, dashboard or prompts, in the CLI or the server', async () => {
    const { code, stdout, processes } = await runTraced(['summarize', SAMPLE, '--era', era], work);
    expect(code).toBe(0);
    expect(stdout).toContain('Summary:');
    const cli = processes.find((modules) => modules.some((m) => m.endsWith('/dist/cli/summarize.js')));
    const servers = processes.filter((modules) => modules !== cli);
    expect(cli).toBeDefined();
    expect(servers).toHaveLength(1);
    const [server] = servers as [string[]];
    // The trace works: each process shows what it must have loaded.
    expect(cli!.some((m) => m.includes('/@modelcontextprotocol/client/'))).toBe(true);
    expect(cli!.some((m) => m.endsWith('/dist/providers/embedded/extractive-model.js'))).toBe(true);
    expect(server.some((m) => m.includes('/@modelcontextprotocol/server/'))).toBe(true);
    expect(server.some((m) => m.endsWith(`${pathToFileURL(CLI).pathname}`))).toBe(true);

    expect(matching(cli!, NEVER_ON_STDIO)).toEqual([]);
    expect(matching(server, [...NEVER_ON_STDIO, ...NEVER_IN_SERVER])).toEqual([]);
  });

  it('starts its server before it loads the MCP client SDK, and spawns no other process', async () => {
    const { code, processes } = await runTraced(['summarize', SAMPLE, '--era', era], work);
    expect(code).toBe(0);
    const cli = processes.find((modules) => modules.some((m) => m.endsWith('/dist/cli/summarize.js')))!;
    const spawns = cli.filter((line) => line.startsWith('spawn '));
    expect(spawns).toHaveLength(1);
    expect(spawns[0]).toMatch(/^spawn \d+ \S+ \S+\/dist\/cli\/main\.js serve$/);
    const firstSdkModule = cli.findIndex((m) => m.includes('/@modelcontextprotocol/client/'));
    expect(firstSdkModule).toBeGreaterThan(cli.indexOf(spawns[0]!));
    // The server it started is the one that served: its pid is the other trace's.
    const servedBy = processes.filter((modules) => modules !== cli);
    expect(servedBy).toHaveLength(1);
  });
});

describe('mcp-sampling summarize, failing before it connects', () => {
  const spawnedPids = (modules: readonly string[]) =>
    modules.filter((line) => line.startsWith('spawn ')).map((line) => Number(line.split(' ')[1]));

  it('a file that does not exist: exit 2, and no server is started', async () => {
    const { code, processes } = await runTraced(['summarize', join(work, 'missing.txt')], work);
    expect(code).toBe(2);
    expect(processes.flatMap(spawnedPids)).toEqual([]);
  });

  it('a config that does not load: exit 2, and the server started early is gone when it exits', async () => {
    const { code, processes } = await runTraced(['summarize', SAMPLE, '--config', join(work, 'none.json')], work);
    expect(code).toBe(2);
    const pids = processes.flatMap(spawnedPids);
    expect(pids).toHaveLength(1);
    for (let waited = 0; alive(pids[0]!) && waited < 5000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(alive(pids[0]!)).toBe(false);
  });
});
