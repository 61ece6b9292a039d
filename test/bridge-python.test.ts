/**
 * `mcp-sampling bridge` in front of a Python SDK server (the official SDK, 2.x) whose tool samples, on both
 * host eras: the host (no sampling) calls it through the bridge, which answers the sampling request. Opt-in
 * as test/interop-python.test.ts: it runs when `MCP_SAMPLING_PYTHON` names a Python with `mcp` >= 2
 * (`npm run interop:python` makes one), and is skipped otherwise, saying why.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterEach, describe, expect, it } from 'vitest';

import { CLI, ERAS, textOf, versionNegotiation } from './helpers/wire.js';

const PYTHON = process.env['MCP_SAMPLING_PYTHON'];
const SERVER = fileURLToPath(new URL('./fixtures/python/sampling_server.py', import.meta.url));

function mcpVersion(python: string | undefined): string | undefined {
  if (python === undefined) return undefined;
  try {
    return execFileSync(python, ['-c', 'import importlib.metadata as m; print(m.version("mcp"))'], {
      encoding: 'utf8',
    }).trim();
  } catch {
    return undefined;
  }
}

const version = mcpVersion(PYTHON);
const available = version !== undefined && Number(version.split('.')[0]) >= 2;
if (!available) {
  process.stderr.write(
    'bridge-python: skipped (set MCP_SAMPLING_PYTHON to a Python with mcp>=2, or run `npm run interop:python`)\n',
  );
}

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

describe.skipIf(!available).each(ERAS)(
  `bridge to a Python SDK server (mcp ${version ?? 'absent'}), host on %s`,
  (era) => {
    it('the Python tool that samples works through the bridge', async () => {
      const home = mkdtempSync(join(tmpdir(), 'mcp-bridge-py-'));
      cleanup.push(() => rmSync(home, { recursive: true, force: true }));
      const config = join(home, 'config.json');
      writeFileSync(
        config,
        JSON.stringify({ audit: { path: join(home, 'audit.jsonl') }, statePath: join(home, 'state.json') }),
      );
      const client = new Client(
        { name: 'host-without-sampling', version: '1.0.0' },
        { capabilities: {}, versionNegotiation: versionNegotiation(era) },
      );
      cleanup.push(() => client.close());
      await client.connect(
        new StdioClientTransport({
          command: process.execPath,
          args: [CLI, 'bridge', '--config', config, '--era', 'legacy', '--', PYTHON!, SERVER],
          env: { PATH: process.env['PATH'] ?? '', HOME: home },
          stderr: 'ignore',
        }),
      );
      expect(client.getServerVersion()?.name).toBe('python-sampling-peer (via mcp-sampling bridge)');
      const result = await client.callTool({
        name: 'haiku',
        arguments: { topic: 'rivers. Rivers run to the sea. The sea is wide and deep.' },
      });
      expect(result.isError).toBeFalsy();
      expect(textOf(result)).toBe(
        'model extractive-summarizer said: A haiku about rivers. Rivers run to the sea. The sea is wide and deep.',
      );
    });
  },
);
