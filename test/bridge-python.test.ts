/**
 * `mcp-sampling bridge` in front of a Python SDK server (the official SDK, 2.x) whose tool samples, on both
 * host eras: the host (no sampling) calls it through the bridge, which answers the sampling request. Opt-in
 * as test/interop-python.test.ts: it runs when `MCP_SAMPLING_PYTHON` names a Python with `mcp` >= 2
 * (`npm run interop:python` makes one), and is skipped otherwise, saying why.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterEach, describe, expect, it } from 'vitest';

import { pythonPeer } from './helpers/python.js';
import { CLI, ERAS, textOf, versionNegotiation } from './helpers/wire.js';

const SERVER = fileURLToPath(new URL('./fixtures/python/sampling_server.py', import.meta.url));

const { python: PYTHON, version, available } = pythonPeer('bridge-python');

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
