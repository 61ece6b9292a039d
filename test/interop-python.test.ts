/**
 * Interop with the official Python SDK (2.x), both ways: a Python client against `serve --http` on both
 * eras, and our client answering a Python server's sampling request over stdio. Opt-in: it runs when a
 * Python with the `mcp` package (2.x) is available, from `MCP_SAMPLING_PYTHON` or `npm run interop:python`
 * (which makes one in .cache/python-peer); otherwise it is skipped, and says why.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterEach, describe, expect, it } from 'vitest';

import { connectStdio, type StdioConnection } from '../src/client/connect/stdio.js';
import { startHttpServer, type RunningHttpServer } from '../src/server/transports/http/serve-http.js';
import { textOf } from './helpers/in-memory.js';
import { pythonPeer } from './helpers/python.js';
import { testHandler } from './helpers/runtime.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/python/', import.meta.url));
const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

const { python: PYTHON, version, available } = pythonPeer('interop-python');

let server: RunningHttpServer | undefined;
let connection: StdioConnection | undefined;
afterEach(async () => {
  await connection?.close();
  await server?.close(0);
  connection = undefined;
  server = undefined;
});

describe.skipIf(!available)(`interop with the Python SDK (mcp ${version ?? 'absent'})`, () => {
  it('a Python client calls summarize_document over HTTP on both eras and answers its sampling request', async () => {
    server = await startHttpServer({ port: 0, log: { info: () => {}, error: () => {} } });
    const lines = await new Promise<string>((resolve, reject) => {
      execFile(
        PYTHON!,
        [`${FIXTURES}sampling_client.py`, server!.url, 'legacy', 'auto'],
        { timeout: 60_000 },
        (error, stdout, stderr) =>
          error === null ? resolve(stdout) : reject(new Error(`${error.message}\n${stderr}`)),
      );
    });
    const results = lines
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(results).toEqual([
      expect.objectContaining({ mode: 'legacy', protocol: '2025-11-25', isError: false }),
      expect.objectContaining({ mode: 'auto', protocol: '2026-07-28', isError: false }),
    ]);
    for (const result of results) {
      expect(result['tools']).toEqual(['ask_document', 'extract_key_points', 'summarize_document']);
      expect(result['text']).toBe('Summary:\npython peer read 39 characters');
    }
  });

  it('--era auto: a Python tool that pushes create_message on 2026-07-28 gets the one-line era hint', async () => {
    const params = JSON.stringify({
      params: JSON.stringify({ messages: [{ role: 'user', content: { type: 'text', text: 'Hi.' } }], maxTokens: 20 }),
    });
    const home = mkdtempSync(join(tmpdir(), 'mcp-sampling-python-hint-'));
    try {
      const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          [
            CLI,
            'call',
            'sample_push',
            '--era',
            'auto',
            '--args',
            params,
            '--',
            PYTHON!,
            `${FIXTURES}interop_server.py`,
          ],
          { env: { ...process.env, HOME: home }, timeout: 60_000 },
          (error, stdout, stderr) => resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr }),
        );
      });
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('era modern (protocol 2026-07-28)');
      const lines = run.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/the server pushes 2025-style requests .*--era legacy .*no back-channel/);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it("our client answers a Python server's sampling request over stdio, under its policy", async () => {
    const handler = testHandler();
    connection = await connectStdio({
      command: PYTHON!,
      args: [`${FIXTURES}sampling_server.py`],
      era: 'legacy',
      handler,
    });
    const result = await connection.client.callTool({
      name: 'haiku',
      arguments: { topic: 'rivers. Rivers run to the sea. The sea is wide and deep.' },
    });
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toBe(
      'model extractive-summarizer said: A haiku about rivers. Rivers run to the sea. The sea is wide and deep.',
    );
    await handler.test.flush();
  });
});
