/**
 * The built CLI on bad input and on what it reports: every bad-input path exits 2 with one line that says
 * what and why (usage errors point at the command's --help), validation errors are one line per problem,
 * and `--json` shows the temperature and maxTokens the model was sent beside the requested ones. Every run
 * has its own temporary HOME and working directory.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startHttpStub, type HttpStub } from './helpers/http-stub.js';

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const SAMPLE_PATH = fileURLToPath(new URL('../sample.txt', import.meta.url));
const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
  .version;

let work: string;
let home: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'mcp-sampling-bad-input-'));
  home = mkdtempSync(join(tmpdir(), 'mcp-sampling-home-'));
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/API_KEY|BASE_URL|MCP_SAMPLING/.test(name)),
  ) as Record<string, string>;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd: work, env: { ...base, HOME: home, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
      },
    );
  });
}

function fileIn(name: string, content: string | Buffer): string {
  const path = join(work, name);
  writeFileSync(path, content);
  return path;
}

describe('usage errors: one line and where to look, exit code 2', () => {
  it.each([
    [['summarize', 'x.txt', '--foo'], "error: unknown option '--foo' (see mcp-sampling summarize --help)"],
    [
      ['summarize', 'x.txt', '--jsn'],
      "error: unknown option '--jsn', did you mean --json? (see mcp-sampling summarize --help)",
    ],
    [['summarize'], "error: missing required argument 'file' (see mcp-sampling summarize --help)"],
    [['call'], "error: missing required argument 'tool' (see mcp-sampling call --help)"],
    [['config', 'check', '--bad'], "error: unknown option '--bad' (see mcp-sampling config check --help)"],
    [['bogus'], "error: unknown command 'bogus' (see mcp-sampling --help)"],
  ])('%j', async (args, line) => {
    const { code, stdout, stderr } = await run(args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(`${line}\n`);
  });

  it.each([
    [
      ['summarize', SAMPLE_PATH, '--context-tokens', '100'],
      /'100' is invalid\. expected an integer from 512 to 10,000,000/,
    ],
    [
      ['summarize', SAMPLE_PATH, '--context-tokens', '1e12'],
      /'1e12' is invalid\. expected an integer from 512 to 10,000,000/,
    ],
    [['serve', '--context-tokens', '20000000'], /expected an integer from 512 to 10,000,000/],
    [['serve', '--http', '--port', '99999'], /'99999' is invalid\. expected a port from 0 to 65535/],
  ])('a value out of range says the range: %j', async (args, message) => {
    const { code, stdout, stderr } = await run(args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(message);
  });

  it('--version prints the package version', async () => {
    for (const flag of ['--version', '-V']) {
      expect(await run([flag])).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
    }
  });
});

describe('documents the CLI cannot use: one line, exit code 2', () => {
  it.each([
    [
      'Latin-1',
      () => fileIn('latin1.txt', Buffer.from('Caf\u00e9 au lait. Na\u00efve r\u00e9sum\u00e9.\n', 'latin1')),
      /latin1\.txt is not valid UTF-8 \(invalid byte 0xE9 at offset 3; it may be Latin-1 or Windows-1252/,
    ],
    [
      'UTF-32 with a BOM',
      () => fileIn('utf32.txt', Buffer.from([0xff, 0xfe, 0, 0, 0x48, 0, 0, 0, 0x69, 0, 0, 0])),
      /utf32\.txt is UTF-32LE text \(byte order mark FF FE 00 00\), which is not supported/,
    ],
    [
      'UTF-32 without a BOM',
      () => fileIn('utf32be.txt', Buffer.from([0, 0, 0, 0x48, 0, 0, 0, 0x69])),
      /looks like UTF-32BE without a byte order mark/,
    ],
    [
      'invalid UTF-8 far into the file (read by the server)',
      () =>
        fileIn(
          'late.txt',
          Buffer.concat([
            Buffer.from('Plain prose here. '.repeat(8000)),
            Buffer.from([0xff, 0xfe]),
            Buffer.from(' more.'),
          ]),
        ),
      /late\.txt is not valid UTF-8 \(invalid byte 0xFF at offset 144000\)/,
    ],
    ['an empty document', () => fileIn('empty.txt', '  \n\n '), /empty: there is nothing to summarize/],
  ])('%s', async (_what, makePath, message) => {
    const path = makePath();
    for (const era of ['legacy', 'modern']) {
      const { code, stderr } = await run(['summarize', path, '--era', era]);
      expect(code).toBe(2);
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr).toMatch(message);
    }
    const json = await run(['summarize', path, '--json']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, error: expect.stringMatching(message) });
  });
});

describe('the configuration', () => {
  it('accepts a file with a UTF-8 byte order mark', async () => {
    const config = fileIn('bom.json', `\ufeff${JSON.stringify({ defaultModel: 'openai/gpt-4o' })}`);
    const { code, stdout } = await run(['config', 'check', '--config', config]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^config: .*bom\.json \(valid\)/);
  });

  it.each([
    [
      { servers: { '*': { temperature: { min: 1.5, max: 0.2 } } } },
      'servers.*.temperature: min must not be greater than max',
    ],
    [
      { providers: { local: { type: 'openai-compatible', baseURL: 'localhost:11434/v1' } } },
      'providers.local.baseURL: must be an http:// or https:// URL, like http://127.0.0.1:11434/v1',
    ],
  ])('refuses %j in one line, exit code 2', async (content, problem) => {
    const config = fileIn('bad.json', JSON.stringify(content));
    const { code, stderr } = await run(['config', 'check', '--config', config]);
    expect(code).toBe(2);
    expect(stderr).toBe(`mcp-sampling: error: invalid config ${config}: ${problem}\n`);
  });

  it('config check shows an OPENAI_BASE_URL that is not a URL as the reason the provider is unusable', async () => {
    const { code, stdout } = await run(['config', 'check'], {
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: 'localhost:1234/v1',
    });
    expect(code).toBe(0);
    expect(stdout).toMatch(/openai +unusable .*OPENAI_BASE_URL is set but is not an http:\/\/ or https:\/\/ URL/);
  });
});

describe('validation errors from a server: one line per problem', () => {
  it('call: arguments the tool refuses, exit code 2', async () => {
    const { code, stderr } = await run([
      'call',
      'summarize_document',
      '--args',
      '{"context_tokens":1}',
      '--',
      process.execPath,
      CLI,
      'serve',
    ]);
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toEqual([
      'mcp-sampling: error: summarize_document failed: Input validation error: Invalid arguments for tool summarize_document: 2 problems:',
      '  context_tokens: must be an integer from 512 to 10,000,000 (got 1)',
      '  give exactly one of document_text or path',
    ]);
  });

  describe('--server pointed at something that is not an MCP server', () => {
    let stub: HttpStub;
    beforeAll(async () => {
      // Answers every POST with a JSON-RPC response whose result is not an initialize result.
      stub = await startHttpStub((request) => ({
        json: { jsonrpc: '2.0', id: (request.body as { id?: unknown } | undefined)?.id ?? 1, result: { foo: 1 } },
      }));
    });
    afterAll(() => stub.close());

    it('says so, with one line per problem instead of a zod dump', async () => {
      const { code, stderr } = await run(['summarize', SAMPLE_PATH, '--server', `${stub.url}/mcp`, '--era', 'legacy']);
      expect(code).toBe(1);
      expect(stderr).not.toContain('"code"');
      expect(stderr.trim().split('\n')).toEqual([
        `mcp-sampling: error: cannot connect to the server ${stub.url}/mcp: it does not answer as an MCP server does (Invalid result for initialize) (3 problems):`,
        '  protocolVersion: missing (expected string)',
        '  capabilities: missing (expected object)',
        '  serverInfo: missing (expected object)',
      ]);
    });
  });
});

describe('what was applied', () => {
  it('--json sampling[] shows the temperature and maxTokens sent, with the requested ones beside them', async () => {
    const config = fileIn(
      'limits.json',
      JSON.stringify({ servers: { '*': { maxTokens: 120, temperature: { min: 0, max: 0.3 } } } }),
    );
    const { code, stdout } = await run(['summarize', SAMPLE_PATH, '--config', config, '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).sampling[0]).toMatchObject({
      temperature: 0.3,
      maxTokens: 120,
      requested: { temperature: 0.7, maxTokens: 300 },
    });
    const human = await run(['summarize', SAMPLE_PATH, '--config', config]);
    expect(human.stdout).toMatch(/• limits +sent with max tokens 120, temperature 0\.3 \(your policy's limits\)/);
  });

  it("shows the 2026 era's rounds in its own words, not the SDK's", async () => {
    const { code, stdout } = await run(['summarize', SAMPLE_PATH, '--era', 'modern']);
    expect(code).toBe(0);
    expect(stdout).not.toContain('Fulfilling input required');
    expect(stdout).toMatch(/• progress +round 1: answering the server's requests \(input_required\)/);
  });
});
