/**
 * examples/translation-server end to end: the example, importing `mcp-sampling/server` by package name
 * (resolved to dist/ through the package's own exports: `npm test` builds first), type-checked against the
 * built package's declarations, then spawned as its README says, on stdio and with `--http`, called by the official SDK client with a sampling handler on both
 * eras. The translation the handler produced is what comes back.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

import { StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { describe, expect, it } from 'vitest';

import { sdkClient, userText, type Reply } from './helpers/sdk-client.js';
import { ERAS, textOf } from './helpers/wire.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SERVER = 'examples/translation-server/server.ts';

/** A "model" that knows one sentence in French, and says what it was asked. */
const translator: Reply = (params) =>
  /into French/.test(params.systemPrompt ?? '') && userText(params) === 'Good morning' ? 'Bonjour' : 'unknown';

describe.each(ERAS)('the translation server example on the %s era', (era) => {
  it('on stdio', async () => {
    const client = sdkClient(era, translator);
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: ['--import', 'tsx', SERVER],
        cwd: ROOT,
        stderr: 'pipe',
      }),
    );
    try {
      const result = await client.callTool({ name: 'translate', arguments: { text: 'Good morning', to: 'French' } });
      expect(result.isError).toBeFalsy();
      expect(textOf(result)).toBe('Bonjour');
      const empty = await client.callTool({ name: 'translate', arguments: { text: ' ', to: 'French' } });
      expect(empty).toMatchObject({ isError: true });
      expect(textOf(empty)).toBe('translate: the text is empty');
    } finally {
      await client.close();
    }
  });

  it('with --http', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', SERVER, '--http', '0'], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    try {
      let stderr = '';
      child.stderr.setEncoding('utf8');
      const url = await new Promise<string>((resolve, reject) => {
        child.stderr.on('data', (data: string) => {
          stderr += data;
          const match = /translation-server on (\S+)/.exec(stderr);
          if (match !== null) resolve(match[1]!);
        });
        child.once('exit', (code) => reject(new Error(`the example exited (${code}): ${stderr}`)));
      });
      const client = sdkClient(era, translator);
      await client.connect(new StreamableHTTPClientTransport(new URL(url)));
      try {
        expect(client.getProtocolEra()).toBe(era);
        const result = await client.callTool({ name: 'translate', arguments: { text: 'Good morning', to: 'French' } });
        expect(textOf(result)).toBe('Bonjour');
      } finally {
        await client.close();
      }
      // SIGTERM drains and ends the process.
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
