/**
 * The package as users meet it: `npm pack`, then `npm i ./mcp-sampling-<version>.tgz` into a temporary
 * project that holds nothing else of ours (plus what a consumer brings: the peers, TypeScript, @types/node),
 * a TypeScript consumer (test/fixtures/consumer) compiled under nodenext, strict, skipLibCheck false, and:
 *   (a) a server on `mcp-sampling/server` against the official SDK client, on both eras;
 *   (b) a host on `mcp-sampling/client` (`createSamplingClient`) against a plain SDK server, on both eras;
 *   (c) the server of (a) again with `ai` and `@ai-sdk/*` deleted from the project (the server entry runs
 *       without the AI SDK).
 * One pack and one install, shared by the cases (npm's cache serves the packages: --prefer-offline).
 * Needs dist/ (`npm test` builds it first); packs with --ignore-scripts so the build under the other tests
 * is left alone.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ERAS } from './helpers/wire.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FIXTURE = join(ROOT, 'test', 'fixtures', 'consumer');
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  peerDependencies: Record<string, string>;
};

/** The installed version of one of our own packages, so that npm's cache has exactly it. */
function installedVersion(name: string): string {
  return (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string })
    .version;
}

let work: string;
let project: string;
let env: NodeJS.ProcessEnv;
let tarballFiles: string[];

/** Runs node on a compiled consumer file; returns what it printed last (one JSON line). */
async function consumer(file: string, ...args: string[]): Promise<{ isError: boolean; text: string }> {
  const { stdout } = await run(process.execPath, [join(project, 'dist', file), ...args], {
    cwd: project,
    env,
    timeout: 60_000,
  });
  const last = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(last) as { isError: boolean; text: string };
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'mcp-sampling-package-'));
  const home = join(work, 'home');
  mkdirSync(home);
  // npm's own cache and settings (the registry), with a temporary HOME for everything else.
  // test/global-home.ts points npm_config_cache at the cache of the HOME the suite started with.
  const cache = process.env['npm_config_cache'] ?? join(userInfo().homedir, '.npm');
  env = {
    PATH: process.env['PATH'],
    HOME: home,
    npm_config_cache: cache,
    ...(process.env['npm_config_userconfig'] !== undefined && {
      npm_config_userconfig: process.env['npm_config_userconfig'],
    }),
    npm_config_update_notifier: 'false',
  };

  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], {
    cwd: ROOT,
    env,
  });
  const [packed] = JSON.parse(stdout) as [{ filename: string; files: { path: string }[] }];
  tarballFiles = packed.files.map((file) => file.path);

  project = join(work, 'consumer');
  mkdirSync(project);
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }),
  );
  cpSync(join(FIXTURE, 'tsconfig.json'), join(project, 'tsconfig.json'));
  cpSync(join(FIXTURE, 'src'), join(project, 'src'), { recursive: true });
  const brought = [
    ...Object.keys(PKG.peerDependencies).map((name) => `${name}@${installedVersion(name)}`),
    `@types/node@${installedVersion('@types/node')}`,
    `typescript@${installedVersion('typescript')}`,
  ];
  await run(
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', join(work, packed.filename), ...brought],
    { cwd: project, env, timeout: 240_000 },
  );
  await run(process.execPath, [join(project, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], {
    cwd: project,
    env,
  }).catch((error: { stdout?: string }) => {
    throw new Error(`the consumer does not compile against the packed types:\n${error.stdout ?? String(error)}`);
  });
}, 300_000);

afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('carries what runs: dist without tests or maps, declarations, no bench, no sources', () => {
    expect(tarballFiles).toContain('dist/server/index.js');
    expect(tarballFiles).toContain('dist/server/index.d.ts');
    expect(tarballFiles).toContain('dist/client/index.d.ts');
    expect(tarballFiles).toContain('dist/cli/main.js');
    // The dashboard's page script and styles (mcp-sampling ui) ship beside dist/.
    expect(tarballFiles).toEqual(expect.arrayContaining(['public/app.js', 'public/app.css']));
    expect(tarballFiles.filter((file) => /\.test\.|\.map$|^(src|test|bench|api|scripts)\//.test(file))).toEqual([]);
  });

  it("installs with exactly one copy of the MCP SDK and of zod (the consumer's)", () => {
    const nested = ['@modelcontextprotocol/server', '@modelcontextprotocol/client', 'zod'].filter((name) =>
      existsSync(join(project, 'node_modules', 'mcp-sampling', 'node_modules', name)),
    );
    expect(nested).toEqual([]);
  });

  describe.each(ERAS)('on the %s era', (era) => {
    it('serves a tool built on mcp-sampling/server to the official SDK client', async () => {
      const result = await consumer('check-server.js', era);
      expect(result).toEqual({ isError: false, text: 'HELLO FROM THE CLIENT (stub-model)' });
    });

    it("answers a plain SDK server's sampling with a client built on mcp-sampling/client", async () => {
      const result = await consumer('check-client.js', era, work);
      expect(result.isError).toBe(false);
      expect(result.text).toMatch(/^model=\S+ text=\S/);
    });
  });

  // Last: it deletes the AI SDK from the project.
  it('runs the server entry with the AI SDK absent', async () => {
    expect(existsSync(join(project, 'node_modules', 'ai', 'package.json'))).toBe(true);
    rmSync(join(project, 'node_modules', 'ai'), { recursive: true, force: true });
    rmSync(join(project, 'node_modules', '@ai-sdk'), { recursive: true, force: true });
    expect(existsSync(join(project, 'node_modules', 'ai'))).toBe(false);
    for (const era of ERAS) {
      expect(await consumer('check-server.js', era)).toEqual({
        isError: false,
        text: 'HELLO FROM THE CLIENT (stub-model)',
      });
    }
  });
});
