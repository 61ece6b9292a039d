/**
 * `mcp-sampling ask` through the built CLI over stdio, on a fresh machine (no key: the embedded model,
 * so our client declares no tool use and the server answers from retrieved passages).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { chatCompletion, chatCompletionWithToolCalls, startHttpStub } from './helpers/http-stub.js';

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const SAMPLE_PATH = fileURLToPath(new URL('../sample.txt', import.meta.url));
const SAMPLE = readFileSync(SAMPLE_PATH, 'utf8');
const HOME = mkdtempSync(join(tmpdir(), 'mcp-sampling-ask-'));

function run(
  args: string[],
  extra: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/API_KEY|BASE_URL|MCP_SAMPLING|TOKEN/.test(name)),
  ) as Record<string, string>;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd: HOME, env: { ...env, HOME, ...extra }, timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr }),
    );
  });
}

describe('mcp-sampling ask', () => {
  it.each(['legacy', 'modern'] as const)(
    'answers from the file with the passages it used (%s era, --json)',
    async (era) => {
      const { code, stdout, stderr } = await run([
        'ask',
        SAMPLE_PATH,
        'Why do young trees die?',
        '--era',
        era,
        '--json',
      ]);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      const result = JSON.parse(stdout);
      expect(result).toMatchObject({
        ok: true,
        question: 'Why do young trees die?',
        mode: 'retrieval-extractive',
        era,
      });
      expect(result.answer).toMatch(/^Extractive answer: /);
      expect(result.citations.length).toBeGreaterThan(0);
      for (const citation of result.citations) {
        expect(citation.id).toMatch(/^p\d+$/);
        expect(SAMPLE.replace(/\s+/g, ' ')).toContain(citation.text.replace(/\s+/g, ' ').slice(0, 80));
      }
    },
  );

  it('prints the answer and the cited passages for a person', async () => {
    const { code, stdout } = await run(['ask', SAMPLE_PATH, 'What does a street tree cost?']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/• answer {4}retrieval: the best passages of \d+ were sent in one request/);
    expect(stdout).toMatch(/\nPassages cited:\n\[p\d+\] /);
  });

  it('refuses an empty question with exit code 2', async () => {
    const { code, stderr } = await run(['ask', SAMPLE_PATH, '  ']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/the question is empty/);
  });
});

describe('mcp-sampling ask with a model that calls tools', () => {
  it('the model searches and reads the file through the tools, and the answer cites what it read', async () => {
    // An OpenAI-compatible stub playing a model: search, then read the best hit, then answer.
    let read = '';
    const stub = await startHttpStub((request) => {
      const body = request.body as { messages: { role: string; content: unknown }[] };
      const toolTurns = body.messages.filter((m) => m.role === 'tool').length;
      if (toolTurns === 0) {
        return {
          json: chatCompletionWithToolCalls([
            { id: 'call_1', name: 'search_document', arguments: '{"query":"sapling dies second August"}' },
          ]),
        };
      }
      if (toolTurns === 1) {
        const results = JSON.stringify(body.messages.at(-1)!.content);
        read = /\[(p\d+)\]/.exec(results)![1]!;
        return {
          json: chatCompletionWithToolCalls([
            { id: 'call_2', name: 'read_passage', arguments: JSON.stringify({ id: read }) },
          ]),
        };
      }
      return { json: chatCompletion(`Saplings die when nobody waters them in their second summer [${read}].`) };
    });
    try {
      const { code, stdout } = await run(['ask', SAMPLE_PATH, 'Why do young trees die?', '--json'], {
        OPENAI_API_KEY: 'sk-ask-test',
        OPENAI_BASE_URL: `${stub.url}/v1`,
      });
      expect(code).toBe(0);
      const result = JSON.parse(stdout);
      expect(result.mode).toBe('tools');
      expect(result.answer).toBe(`Saplings die when nobody waters them in their second summer [${read}].`);
      expect(result.citations).toEqual([{ id: read, text: expect.stringContaining('second August') }]);
      expect(result.sampling).toHaveLength(3);
      expect(stub.requests).toHaveLength(3);
      expect(JSON.stringify((stub.requests[0]!.body as { tools: unknown }).tools)).toContain('search_document');
    } finally {
      await stub.close();
    }
  });
});
