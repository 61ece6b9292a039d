/**
 * OAuth with the built CLI against a local authorization server and protected MCP server on 127.0.0.1
 * (test/helpers/oauth-server.ts): `auth login` through the loopback redirect (the test plays the browser by
 * fetching the printed URL), the stored file (0600, no token in any output), `auth status`, `summarize
 * --server` with the stored token, a refresh when the token has expired, the one line without a terminal,
 * the sign-in a 401 starts with a terminal (a pseudo-terminal from util-linux `script`), a corrupt token
 * file, and `auth logout`.
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startOAuthTestServer, type OAuthTestServer } from './helpers/oauth-server.js';

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const SAMPLE_PATH = fileURLToPath(new URL('../sample.txt', import.meta.url));

let home: string;
let server: OAuthTestServer;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'mcp-sampling-oauth-home-'));
  server = await startOAuthTestServer();
});
afterAll(async () => {
  await server.close();
});

function env(): Record<string, string> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/API_KEY|BASE_URL|MCP_SAMPLING|TOKEN/.test(name)),
  ) as Record<string, string>;
  return { ...base, HOME: home, MCP_SAMPLING_NO_BROWSER: '1' };
}

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd: home, env: env(), timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr }),
    );
  });
}

/** `auth login <url>`, with the test as the browser: it opens the printed URL and follows the redirect back. */
async function login(url: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, 'auth', 'login', url], { cwd: home, env: env() });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  const printed = new Promise<string>((resolve) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      const match = /^\s+(http:\/\/\S+\/authorize\?\S+)$/m.exec(stderr);
      if (match !== null) resolve(match[1]!);
    });
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const authorizeUrl = await Promise.race([printed, exited.then(() => '')]);
  if (authorizeUrl !== '') {
    const approved = await fetch(authorizeUrl, { redirect: 'manual' });
    const back = await fetch(approved.headers.get('location')!);
    expect(back.status).toBe(200);
  }
  const code = await exited;
  return { code, stdout, stderr };
}

const tokenFiles = () => readdirSync(join(home, '.mcp-sampling', 'oauth')).filter((name) => name.endsWith('.json'));

describe('mcp-sampling auth and --server with OAuth', () => {
  it('without a stored sign-in and without a terminal, says in one line to run auth login (exit 1)', async () => {
    const { code, stdout, stderr } = await run(['summarize', SAMPLE_PATH, '--server', server.url]);
    expect(code).toBe(1);
    expect(stdout).not.toMatch(/Summary/);
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`mcp-sampling auth login ${server.url}`);
    expect(lines[0]).toMatch(/no stored sign-in/);
  });

  it('logs in through the loopback redirect with PKCE and keeps the tokens in a 0600 file', async () => {
    const { code, stdout, stderr } = await login(server.url);
    expect(stderr).not.toMatch(/error/);
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`signed in to ${server.url.replaceAll('/', '\\/')}: scopes mcp:tools`));
    const authorize = server.authorizations.at(-1)!;
    expect(authorize.get('code_challenge_method')).toBe('S256');
    expect(authorize.get('resource')).toBe(server.url);
    expect(authorize.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    const [file] = tokenFiles();
    const path = join(home, '.mcp-sampling', 'oauth', file!);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(home, '.mcp-sampling', 'oauth')).mode & 0o777).toBe(0o700);
    const stored = JSON.parse(readFileSync(path, 'utf8'));
    expect(stored.serverUrl).toBe(server.url);
    expect(stdout + stderr).not.toContain(stored.tokens.access_token);
    expect(stdout + stderr).not.toContain(stored.tokens.refresh_token);
  });

  it('auth status lists the server with its expiry and scopes, never the token', async () => {
    const { code, stdout } = await run(['auth', 'status']);
    expect(code).toBe(0);
    expect(stdout).toContain(server.url);
    expect(stdout).toMatch(/expires in \d+ min \(refreshable\), scopes mcp:tools/);
    const stored = JSON.parse(readFileSync(join(home, '.mcp-sampling', 'oauth', tokenFiles()[0]!), 'utf8'));
    expect(stdout).not.toContain(stored.tokens.access_token);
    const json = JSON.parse((await run(['auth', 'status', '--json'])).stdout);
    expect(json.servers).toEqual([
      expect.objectContaining({ server: server.url, scopes: ['mcp:tools'], refreshable: true }),
    ]);
  });

  it('summarize --server uses the stored token, and refreshes it once it has expired', async () => {
    const first = await run(['summarize', SAMPLE_PATH, '--server', server.url, '--json']);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ ok: true, server: { name: 'document-assistant' } });
    const before = JSON.parse(readFileSync(join(home, '.mcp-sampling', 'oauth', tokenFiles()[0]!), 'utf8'));
    server.expireAccessTokens();
    const second = await run(['summarize', SAMPLE_PATH, '--server', server.url, '--json']);
    expect(second.code).toBe(0);
    expect(server.grants.at(-1)).toBe('refresh_token');
    const after = JSON.parse(readFileSync(join(home, '.mcp-sampling', 'oauth', tokenFiles()[0]!), 'utf8'));
    expect(after.tokens.access_token).not.toBe(before.tokens.access_token);
    // The audit log records the sampling requests, never a token.
    const audit = readFileSync(join(home, '.mcp-sampling', 'audit.jsonl'), 'utf8');
    expect(audit).toMatch(/document-assistant/);
    for (const token of [before.tokens.access_token, before.tokens.refresh_token, after.tokens.access_token]) {
      expect(audit).not.toContain(token);
      expect(second.stdout + second.stderr).not.toContain(token);
    }
  });

  it('a refused token whose refresh is refused too is one line without a terminal, exit 1', async () => {
    const path = join(home, '.mcp-sampling', 'oauth', tokenFiles()[0]!);
    const saved = readFileSync(path, 'utf8');
    server.revokeAll();
    const { code, stderr } = await run(['summarize', SAMPLE_PATH, '--server', server.url]);
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([
      `mcp-sampling: error: cannot use the server ${server.url}: the server refused the stored OAuth token; sign in with: mcp-sampling auth login ${server.url}`,
    ]);
    writeFileSync(path, saved, { mode: 0o600 });
  });

  it('a corrupt token file is one line naming it, exit 2', async () => {
    const path = join(home, '.mcp-sampling', 'oauth', tokenFiles()[0]!);
    const saved = readFileSync(path, 'utf8');
    writeFileSync(path, '{not json', { mode: 0o600 });
    const { code, stderr } = await run(['summarize', SAMPLE_PATH, '--server', server.url]);
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toEqual([expect.stringContaining(`${path} are not valid JSON`)]);
    writeFileSync(path, saved, { mode: 0o600 });
  });

  it('auth logout deletes the tokens; the next call asks for a sign-in again', async () => {
    const { code, stdout } = await run(['auth', 'logout', server.url]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/signed out of/);
    expect(tokenFiles()).toEqual([]);
    expect((await run(['auth', 'status'])).stdout).toMatch(/no stored sign-ins/);
    const again = await run(['summarize', SAMPLE_PATH, '--server', server.url]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`mcp-sampling auth login ${server.url}`);
    expect((await run(['auth', 'logout', 'http://127.0.0.1:9/never-used'])).stdout).toMatch(/nothing to delete/);
  });
});

const hasScript = spawnSync('script', ['--version']).status === 0;

describe('with a terminal', () => {
  it.skipIf(!hasScript)(
    'a 401 starts the sign-in: the URL is printed, and the command goes on once it is done',
    async () => {
      const own = await startOAuthTestServer();
      try {
        const ownHome = mkdtempSync(join(tmpdir(), 'mcp-sampling-oauth-tty-'));
        const config = join(ownHome, 'auto.config.json');
        writeFileSync(config, JSON.stringify({ servers: { '*': { approval: 'auto' } } }));
        const command = [process.execPath, CLI, 'summarize', SAMPLE_PATH, '--server', own.url, '--config', config];
        // `script` runs the command on a pseudo-terminal: stdin and stderr are terminals, as for a person.
        const child = spawn('script', ['-qfec', command.join(' '), '/dev/null'], {
          cwd: ownHome,
          env: { ...env(), HOME: ownHome },
        });
        let output = '';
        let opened = false;
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString('utf8').replaceAll('\r', '');
          const printed = /(http:\/\/127\.0\.0\.1:\d+\/authorize\?\S+)/.exec(output);
          if (printed === null || opened) return;
          opened = true;
          void fetch(printed[1]!, { redirect: 'manual' }).then((approved) => fetch(approved.headers.get('location')!));
        });
        const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
        expect(output).toMatch(/open this URL in a browser to sign in/);
        expect(code).toBe(0);
        expect(output).toMatch(/Summary:/);
        expect(own.authorizations).toHaveLength(1);
        expect(existsSync(join(ownHome, '.mcp-sampling', 'oauth'))).toBe(true);
      } finally {
        await own.close();
      }
    },
  );
});
