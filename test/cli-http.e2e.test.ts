/**
 * The built CLI over Streamable HTTP: `serve --http` as a real process, `summarize --server` and `call`
 * against it (and `call` against a spawned stdio server), the bearer token, and SIGTERM draining a call.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import { chatCompletion, startHttpStub, type HttpStub } from './helpers/http-stub.js';

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const SAMPLE_PATH = fileURLToPath(new URL('../sample.txt', import.meta.url));
const SAMPLE = readFileSync(SAMPLE_PATH, 'utf8');

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'mcp-sampling-cli-http-'));
});

/** The environment of a fresh machine: no key, no MCP_SAMPLING_* setting, HOME in the work directory. */
function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/API_KEY|BASE_URL|MCP_SAMPLING|TOKEN/.test(name)),
  ) as Record<string, string>;
  return { ...base, HOME: work, ...extra };
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: Record<string, string> = {}): Promise<Run> {
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

interface Served {
  child: ChildProcess;
  url: string;
  stderr: () => string;
  exited: Promise<number | null>;
}

const children: ChildProcess[] = [];
const stubs: HttpStub[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  await Promise.all(stubs.splice(0).map((stub) => stub.close()));
});

/** Starts `mcp-sampling serve --http --port 0` and waits for the line that names its URL. */
async function serveHttp(args: string[] = [], env: Record<string, string> = {}): Promise<Served> {
  const child = spawn(process.execPath, [CLI, 'serve', '--http', '--port', '0', ...args], {
    cwd: work,
    env: cleanEnv(env),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  let log = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString('utf8');
      const match = /(http:\/\/\S+\/mcp)/.exec(log);
      if (match !== null) resolve(match[1]!);
    });
    void exited.then((code) => reject(new Error(`serve --http exited (${code}): ${log}`)));
  });
  return { child, url, stderr: () => log, exited };
}

describe('mcp-sampling summarize --server <url>', () => {
  it.each(['legacy', 'modern'] as const)(
    'summarizes sample.txt through a running serve --http on the %s era',
    async (era) => {
      const served = await serveHttp();
      const { code, stdout, stderr } = await run([
        'summarize',
        SAMPLE_PATH,
        '--server',
        served.url,
        '--era',
        era,
        '--json',
      ]);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      const result = JSON.parse(stdout);
      expect(result).toMatchObject({ ok: true, era, server: { name: 'document-assistant' } });
      expect(result.sampling[0]).toMatchObject({ provider: 'embedded', maxTokens: 300, hints: ['gpt-4o'] });
      const firstSentence = result.summary.slice('Summary:\n'.length).split(/(?<=\.)\s/)[0];
      expect(SAMPLE).toContain(firstSentence);
    },
  );

  it('says which server it could not reach, in one line, exit 1', async () => {
    const { code, stderr } = await run(['summarize', SAMPLE_PATH, '--server', 'http://127.0.0.1:9/mcp']);
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/cannot connect to the server http:\/\/127\.0\.0\.1:9\/mcp/);
  });
});

describe('mcp-sampling call', () => {
  it('calls a tool over HTTP and prints its result (human output)', async () => {
    const served = await serveHttp();
    const { code, stdout } = await run([
      'call',
      'summarize_document',
      '--server',
      served.url,
      '--args',
      JSON.stringify({ document_text: SAMPLE }),
    ]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/connected at http:\/\/127\.0\.0\.1:\d+\/mcp, era modern/);
    expect(stdout).toMatch(/sampling\/createMessage received \(modern era\)/);
    expect(stdout).toMatch(/\nSummary:\n/);
  });

  it('spawns a stdio server given after --, and prints the whole result with --json', async () => {
    const { code, stdout } = await run([
      'call',
      'summarize_document',
      '--args',
      JSON.stringify({ document_text: 'Rivers flood in spring. Farmers plant after the flood. Harvest is in autumn.' }),
      '--json',
      '--',
      process.execPath,
      CLI,
      'serve',
    ]);
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result).toMatchObject({ ok: true, tool: 'summarize_document', server: { name: 'document-assistant' } });
    expect(result.result.content[0].text).toMatch(/^Summary:\n.*flood/s);
    expect(result.sampling).toHaveLength(1);
  });

  it('reports a refused document and usage errors with exit code 2 (bad input)', async () => {
    const failed = await run([
      'call',
      'summarize_document',
      '--args',
      '{"document_text":"  "}',
      '--',
      process.execPath,
      CLI,
      'serve',
    ]);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toMatch(/summarize_document failed: .*empty/i);
    const notJson = await run(['call', 'x', '--args', '{oops', '--server', 'http://127.0.0.1:9/mcp']);
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toMatch(/--args is not valid JSON/);
    const both = await run(['call', 'x', '--server', 'http://127.0.0.1:9/mcp', '--', 'node', 'server.js']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/either --server <url> or -- <command>/);
    const neither = await run(['call', 'x']);
    expect(neither.code).toBe(2);
    const badUrl = await run(['call', 'x', '--server', 'ftp://example/mcp']);
    expect(badUrl.code).toBe(1);
    expect(badUrl.stderr).toMatch(/unsupported scheme/);
  });

  it('--timeout bounds connecting and the era probe: a server that never answers, on stdio and over HTTP', async () => {
    // Accepts connections and reads them, never answers.
    const silent = createNetServer((socket) => socket.resume());
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const [http, stdio] = await Promise.all([
        run(['call', 'summarize_document', '--timeout', '1', '--server', `http://127.0.0.1:${port}/mcp`]),
        run(['call', 'summarize_document', '--timeout', '1', '--', process.execPath, '-e', 'process.stdin.resume()']),
      ]);
      for (const { code, stderr } of [http, stdio]) {
        expect(code).toBe(1);
        expect(stderr.trim().split('\n')).toEqual([
          expect.stringMatching(
            /^mcp-sampling: error: cannot (connect to|start) the server .*: no answer within 1 s while connecting/,
          ),
        ]);
      }
    } finally {
      silent.close();
    }
  }, 30_000);
});

describe('bearer token', () => {
  it('is required by serve --http when MCP_SAMPLING_HTTP_TOKEN is set, and sent from the client env or config', async () => {
    const served = await serveHttp([], { MCP_SAMPLING_HTTP_TOKEN: 'tok-0123456789abcdef' });
    expect(served.stderr()).toMatch(/bearer token required/);
    const anonymous = await run(['summarize', SAMPLE_PATH, '--server', served.url]);
    expect(anonymous.code).toBe(1);
    expect(anonymous.stderr).toMatch(/set MCP_SAMPLING_SERVER_TOKEN/);
    const withEnv = await run(['summarize', SAMPLE_PATH, '--server', served.url, '--json'], {
      MCP_SAMPLING_SERVER_TOKEN: 'tok-0123456789abcdef',
    });
    expect(withEnv.code).toBe(0);
    // A config names another variable; the token itself never goes in the file.
    const config = join(work, 'token.config.json');
    writeFileSync(config, JSON.stringify({ http: { bearerTokenEnv: 'DOCS_SERVER_TOKEN' } }));
    const withConfig = await run(['summarize', SAMPLE_PATH, '--server', served.url, '--config', config, '--json'], {
      DOCS_SERVER_TOKEN: 'tok-0123456789abcdef',
    });
    expect(withConfig.code).toBe(0);
    // Neither the server's log nor the client's output shows the token.
    expect(served.stderr()).not.toContain('tok-0123456789abcdef');
    expect(withConfig.stdout + withConfig.stderr).not.toContain('tok-0123456789abcdef');
  });
});

describe('serve --http shutdown', () => {
  it('SIGTERM lets a call in flight finish, then the server exits 0', async () => {
    let signalled: (() => void) | undefined;
    // A slow provider: the call is in flight while the server gets SIGTERM.
    const stub = await startHttpStub(async () => {
      signalled?.();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      return { json: chatCompletion('Trees cool streets.') };
    });
    stubs.push(stub);
    const served = await serveHttp(['--drain-timeout', '20']);
    const providerCalled = new Promise<void>((resolve) => (signalled = resolve));
    const client = run(['summarize', SAMPLE_PATH, '--server', served.url, '--era', 'legacy', '--json'], {
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: `${stub.url}/v1`,
    });
    await providerCalled;
    served.child.kill('SIGTERM');
    const result = await client;
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).summary).toBe('Summary:\nTrees cool streets.');
    expect(await served.exited).toBe(0);
    expect(served.stderr()).toMatch(/SIGTERM: shutting down/);
    expect(served.stderr()).toMatch(/draining 1 request/);
  });

  /** A provider that answers only when released: `called` resolves when a request has reached it. */
  async function heldProvider() {
    let arrived!: () => void;
    const called = new Promise<void>((resolve) => (arrived = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const stub = await startHttpStub(async () => {
      arrived();
      await released;
      return { json: chatCompletion('Too late.') };
    });
    stubs.push(stub);
    return { stub, called, release };
  }

  it('a 2025-era summarize --server whose server dies while its provider works: says why, exit 1', async () => {
    const { stub, called, release } = await heldProvider();
    try {
      const served = await serveHttp();
      const client = run(['summarize', SAMPLE_PATH, '--server', served.url, '--era', 'legacy'], {
        OPENAI_API_KEY: 'sk-test',
        OPENAI_BASE_URL: `${stub.url}/v1`,
      });
      await called;
      served.child.kill('SIGKILL');
      // Without the fix the client waited on the tool call's lost stream until its timeout (never, here).
      const result = await client;
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /the server ended the stream of tools\/call before answering \(it may have stopped\)/,
      );
      expect(result.stderr).toMatch(/summarize_document failed: Connection closed/);
    } finally {
      release();
    }
  });

  /** A call held in flight: the provider answers only when released, so the server keeps draining. */
  async function callInFlight(served: Served) {
    const { stub, called, release } = await heldProvider();
    const client = spawn(
      process.execPath,
      [CLI, 'summarize', SAMPLE_PATH, '--server', served.url, '--era', 'legacy', '--json'],
      {
        cwd: work,
        env: cleanEnv({ OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: `${stub.url}/v1` }),
        stdio: 'ignore',
      },
    );
    children.push(client);
    await called;
    return { release };
  }

  it('at the --drain-timeout deadline closes what is left and exits 0', async () => {
    const served = await serveHttp(['--drain-timeout', '1']);
    const held = await callInFlight(served);
    served.child.kill('SIGTERM');
    expect(await served.exited).toBe(0);
    expect(served.stderr()).toMatch(/draining 1 request\(s\) in flight \(up to 1 s\)/);
    expect(served.stderr()).toMatch(/drain deadline reached: closing 1 request/);
    held.release();
  });

  it('a second SIGTERM while draining exits at once (143)', async () => {
    const served = await serveHttp(['--drain-timeout', '600']);
    const held = await callInFlight(served);
    served.child.kill('SIGTERM');
    await expect.poll(() => served.stderr()).toMatch(/draining 1 request/);
    served.child.kill('SIGTERM');
    expect(await served.exited).toBe(143);
    expect(served.stderr()).toMatch(/SIGTERM again: exiting without waiting for 1 request\(s\) in flight/);
    held.release();
  });
});

describe('serve --http file access (issue 11: a client root of / read the server host’s /etc/passwd)', () => {
  const attack = (url: string, era: string, env: Record<string, string>) =>
    run(
      ['call', 'summarize_document', '--server', url, '--era', era, '--root', '/', '--args', '{"path":"/etc/passwd"}'],
      env,
    );

  it.each([
    ['no token', {}, {}],
    [
      'a bearer token',
      { MCP_SAMPLING_HTTP_TOKEN: 'tok-files-0123456789' },
      { MCP_SAMPLING_SERVER_TOKEN: 'tok-files-0123456789' },
    ],
  ])('refuses a path on both eras without --allow-dir, with %s', async (_label, serverEnv, clientEnv) => {
    const served = await serveHttp([], serverEnv);
    expect(served.stderr()).toMatch(/files: none/);
    for (const era of ['legacy', 'modern']) {
      const { code, stdout, stderr } = await attack(served.url, era, clientEnv);
      // A refused document is bad input: exit 2.
      expect(code, era).toBe(2);
      expect(stdout).not.toContain('root:');
      expect(stderr.trim()).toBe(
        'mcp-sampling: error: summarize_document failed: this server reads no files over HTTP; send document_text, or start it with --allow-dir',
      );
    }
  });

  it('with --allow-dir reads a file inside it on both eras, and nothing outside', async () => {
    const allowed = mkdtempSync(join(work, 'allowed-'));
    writeFileSync(
      join(allowed, 'notes.txt'),
      'The ferry to the island left at dawn. Gulls followed it out of the bay.',
    );
    const served = await serveHttp(['--allow-dir', allowed]);
    expect(served.stderr()).toContain(`files: only inside ${realpathSync(allowed)}`);
    for (const era of ['legacy', 'modern']) {
      const inside = await run([
        'call',
        'summarize_document',
        '--server',
        served.url,
        '--era',
        era,
        '--args',
        '{"path":"notes.txt"}',
      ]);
      expect(inside.code, inside.stderr).toBe(0);
      expect(inside.stdout).toMatch(/Summary:\nThe ferry to the island left at dawn\./);
      const out = await attack(served.url, era, {});
      expect(out.code).toBe(2);
      expect(out.stdout).not.toContain('root:');
      expect(out.stderr).toMatch(/\/etc\/passwd is outside the directories this server allows/);
      const dotdot = await run([
        'call',
        'summarize_document',
        '--server',
        served.url,
        '--era',
        era,
        '--args',
        '{"path":"../../../../../../etc/passwd"}',
      ]);
      expect(dotdot.code).toBe(2);
      expect(dotdot.stderr).toMatch(/is outside the directories this server allows/);
    }
  });

  it('refuses a bad --allow-dir at start with one line and exit 2, and --allow-dir without --http', async () => {
    const file = join(work, 'not-a-dir.txt');
    writeFileSync(file, 'text');
    const cases: [string[], RegExp][] = [
      [['--http', '--port', '0', '--allow-dir', join(work, 'missing')], /--allow-dir .*missing: no such directory/],
      [['--http', '--port', '0', '--allow-dir', file], /--allow-dir .*not-a-dir\.txt: not a directory/],
      [['--allow-dir', work], /--allow-dir applies only with --http/],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = await run(['serve', ...args]);
      expect(code, args.join(' ')).toBe(2);
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr).toMatch(message);
    }
  });
});
