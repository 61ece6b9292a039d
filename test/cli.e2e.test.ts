/**
 * The built CLI end to end over stdio: `mcp-sampling summarize` spawns `mcp-sampling serve` and answers its
 * sampling request, on both eras; bad input gives one line and a non-zero exit.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { chatCompletion, startHttpStub, type HttpStub } from './helpers/http-stub.js';

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const SAMPLE_PATH = fileURLToPath(new URL('../sample.txt', import.meta.url));
const SAMPLE = readFileSync(SAMPLE_PATH, 'utf8');

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'mcp-sampling-cli-'));
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI in an empty working directory with no provider key unless the test gives one. HOME is the
 * working directory too (unless the test gives its own), so the audit log and budget state stay there.
 */
function run(args: string[], env: Record<string, string> = {}, cwd = work): Promise<Run> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/API_KEY|BASE_URL|MCP_SAMPLING/.test(name)),
  ) as Record<string, string>;
  base['HOME'] = work;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd, env: { ...base, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
      },
    );
  });
}

describe.each(['legacy', 'modern', 'auto'] as const)('mcp-sampling summarize --era %s', (era) => {
  it('prints a machine-readable summary of sample.txt made offline by the extractive model', async () => {
    const { code, stdout, stderr } = await run(['summarize', SAMPLE_PATH, '--era', era, '--json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0]!);
    expect(result).toMatchObject({ ok: true, tool: 'summarize_document', server: { name: 'document-assistant' } });
    expect(result.era).toBe(era === 'legacy' ? 'legacy' : 'modern');
    expect(result.sampling).toHaveLength(1);
    expect(result.sampling[0]).toMatchObject({
      provider: 'embedded',
      model: expect.stringContaining('extractive'),
      temperature: 0.7,
      maxTokens: 300,
      hints: ['gpt-4o'],
    });
    expect(result.summary.startsWith('Summary:\n')).toBe(true);
    const firstSentence = result.summary.slice('Summary:\n'.length).split(/(?<=\.)\s/)[0];
    expect(SAMPLE).toContain(firstSentence);
  });
});

describe('mcp-sampling summarize (human output)', () => {
  it('shows the flow: server start, tool call, sampling request, provider call, summary, close', async () => {
    const { code, stdout } = await run(['summarize', SAMPLE_PATH, '--era', 'legacy']);
    expect(code).toBe(0);
    const order = ['server', 'tool', 'sampling', 'model', 'provider', 'Summary:', 'closed'].map((word) =>
      stdout.indexOf(word),
    );
    expect(order.every((index) => index >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(stdout).toMatch(/temperature 0\.7, max tokens 300/);
    expect(stdout).toMatch(/extractive/);
    expect(stdout).toMatch(/legacy era/);
  });
});

describe('bad input', () => {
  it.each([
    ['a missing file', () => join(work, 'nope.txt'), /nope\.txt: no such file/],
    ['a directory', () => work, /is a directory/],
    [
      'a binary file',
      () => {
        const file = join(work, 'image.bin');
        writeFileSync(file, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02]));
        return file;
      },
      /not a text file/,
    ],
  ])('%s: one error line, exit code 2', async (_what, makePath, message) => {
    const { code, stdout, stderr } = await run(['summarize', makePath()]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(message);
  });

  it('an empty document: the tool says so, exit code 2 (bad input)', async () => {
    const file = join(work, 'empty.txt');
    writeFileSync(file, '   \n\n  ');
    const { code, stderr } = await run(['summarize', file, '--era', 'legacy']);
    expect(code).toBe(2);
    expect(stderr.trim()).toMatch(/^mcp-sampling: error: summarize_document failed: .*empty/);
  });

  it('an unknown era is a usage error', async () => {
    const { code, stderr } = await run(['summarize', SAMPLE_PATH, '--era', 'future']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--era/);
  });
});

describe('with a provider', () => {
  let stub: HttpStub;
  beforeAll(async () => {
    stub = await startHttpStub((request) =>
      (request.headers.authorization ?? '').endsWith('sk-good')
        ? { json: chatCompletion('Street trees cool cities and hold rain.') }
        : { status: 401, json: { error: { message: 'Incorrect API key provided' } } },
    );
  });
  afterAll(() => stub.close());

  it('uses OPENAI_API_KEY and OPENAI_BASE_URL from a .env file in the working directory', async () => {
    const dir = join(work, 'with-env');
    mkdirSync(dir);
    writeFileSync(join(dir, '.env'), `OPENAI_API_KEY=sk-good\nOPENAI_BASE_URL=${stub.url}/v1\n`);
    const { code, stdout } = await run(['summarize', SAMPLE_PATH, '--json', '--era', 'modern'], {}, dir);
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.summary).toBe('Summary:\nStreet trees cool cities and hold rain.');
    expect(result.sampling[0]).toMatchObject({ provider: 'openai', model: 'gpt-4o-2024-08-06' });
  });

  it.each(['legacy', 'modern'] as const)(
    'a rejected key on the %s era: one line naming provider and status, exit 1',
    async (era) => {
      const { code, stdout, stderr } = await run(['summarize', SAMPLE_PATH, '--era', era], {
        OPENAI_API_KEY: 'sk-bad',
        OPENAI_BASE_URL: `${stub.url}/v1`,
      });
      expect(code).toBe(1);
      expect(stdout).toMatch(/closed/);
      const lines = stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/openai gpt-4o: HTTP 401/);
      expect(stderr).not.toContain('sk-bad');
    },
  );
});

describe('mcp-sampling config check', () => {
  it('works with no file: built-in defaults, the embedded model usable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-sampling-nocfg-'));
    const { code, stdout } = await run(['config', 'check'], {}, dir);
    expect(code).toBe(0);
    expect(stdout).toMatch(/built-in defaults/);
    expect(stdout).toMatch(/embedded\s+usable/);
  });

  it('shows keys only as set / not set and redacts literal header values', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-sampling-cfg-'));
    writeFileSync(
      join(dir, 'mcp-sampling.config.json'),
      JSON.stringify({
        providers: {
          ollama: { type: 'openai-compatible', baseURL: 'http://127.0.0.1:11434/v1' },
          gateway: {
            type: 'openai-compatible',
            baseURL: 'http://127.0.0.1:9/v1',
            headers: { 'X-Org-Token': 'literal-header-secret', 'X-Team': '${TEAM}' },
          },
        },
      }),
    );
    const { code, stdout } = await run(['config', 'check'], { OPENAI_API_KEY: 'sk-config-check-secret' }, dir);
    expect(code).toBe(0);
    expect(stdout).toMatch(/openai\s+usable .*OPENAI_API_KEY set/);
    expect(stdout).toMatch(/anthropic\s+unusable .*ANTHROPIC_API_KEY not set/);
    expect(stdout).toMatch(/ollama\s+usable/);
    expect(stdout).not.toContain('sk-config-check-secret');
    expect(stdout).not.toContain('literal-header-secret');
    expect(stdout).toContain('${TEAM}');
  });

  it('an invalid file: exit 2, the file named, then one line per problem: the field and what was expected', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-sampling-badcfg-'));
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ servers: { '*': { approval: 'sometimes', maxToken: 5 } } }));
    const { code, stdout, stderr } = await run(['config', 'check', '--config', 'bad.json'], {}, dir);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/bad\.json \(2 problems\):$/);
    expect(lines[1]).toMatch(/^ {2}servers\.\*\.approval: /);
    expect(lines[2]).toBe("  servers.*: unknown key 'maxToken'");
  });
});

describe('mcp-sampling log', () => {
  it('prints the requests just made, with totals per server and per model', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-sampling-log-'));
    const env = { HOME: dir };
    expect((await run(['summarize', SAMPLE_PATH, '--era', 'legacy', '--json'], env, dir)).code).toBe(0);
    expect((await run(['summarize', SAMPLE_PATH, '--era', 'modern', '--json'], env, dir)).code).toBe(0);
    const { code, stdout } = await run(['log', '--last', '5'], env, dir);
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(
      lines.filter((l) => /document-assistant\s+(legacy|modern)\s+embedded\/extractive-summarizer\s+auto\s+ok/.test(l)),
    ).toHaveLength(2);
    expect(stdout).toMatch(/document-assistant\s+2\s+2/);
    expect(stdout).toMatch(/embedded\/extractive-summarizer\s+2\s+2/);
    const json = JSON.parse((await run(['log', '--last', '1', '--json'], env, dir)).stdout);
    expect(json.records).toHaveLength(1);
    expect(json.records[0]).toMatchObject({ era: 'modern', outcome: 'ok' });
  });
});

describe('an audit log it cannot write', () => {
  it('an audit path under /proc: the summary, one warning, exit 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-sampling-audit-'));
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ audit: { path: '/proc/self/mcp-sampling/audit.jsonl' } }));
    const { code, stdout, stderr } = await run(
      ['summarize', SAMPLE_PATH, '--era', 'legacy', '--json', '--config', config],
      { HOME: dir },
      dir,
    );
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ ok: true, summary: expect.stringMatching(/^Summary:\n/) });
    expect(stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^mcp-sampling: warning: cannot write the audit log \/proc\/self\/mcp-sampling\/audit\.jsonl: /,
      ),
    ]);
  });
});

describe('long documents from the command line', () => {
  const longText = Array.from(
    { length: 80 },
    (_, i) =>
      `Section ${i + 1} describes survey ${i * 3 + 1}. The crew walked the northern transect and counted ${i % 9} ` +
      `nests, noting the weather and the tide. Their notes for section ${i + 1} close with a list of open questions.`,
  ).join('\n\n');

  it('splits the file, shows progress lines, and reports chunks and requests', async () => {
    const file = join(work, 'long.txt');
    writeFileSync(file, longText);
    const human = await run(['summarize', file, '--era', 'legacy', '--context-tokens', '1024']);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/• progress\s+summarized \d+ of \d+/);
    expect(human.stdout).toMatch(/• progress\s+combining/);
    const json = JSON.parse(
      (await run(['summarize', file, '--era', 'modern', '--context-tokens', '1024', '--json'])).stdout,
    );
    expect(json.ok).toBe(true);
    expect(json.chunks).toBeGreaterThan(3);
    expect(json.requests).toBeGreaterThan(json.chunks);
    expect(json.sampling).toHaveLength(json.requests);
  });

  it('Ctrl-C cancels: the provider call is aborted, exit code 130, one line', async () => {
    const hanging = await startHttpStub(() => ({ hang: true }));
    try {
      const file = join(work, 'cancel.txt');
      writeFileSync(file, longText);
      const base = Object.fromEntries(
        Object.entries(process.env).filter(([name]) => !/API_KEY|BASE_URL|MCP_SAMPLING/.test(name)),
      ) as Record<string, string>;
      const child = spawn(process.execPath, [CLI, 'summarize', file, '--era', 'legacy'], {
        cwd: work,
        env: { ...base, HOME: work, OPENAI_API_KEY: 'sk-cancel', OPENAI_BASE_URL: `${hanging.url}/v1` },
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      await expect.poll(() => hanging.requests.length, { timeout: 20_000 }).toBeGreaterThan(0);
      child.kill('SIGINT');
      expect(await exited).toBe(130);
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr).toMatch(/cancelled by the user/);
      await expect.poll(() => hanging.abandoned.length).toBe(hanging.requests.length);
    } finally {
      await hanging.close();
    }
  });
});
