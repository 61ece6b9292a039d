/**
 * The bridge's fast path for plain tool calls (src/cli/bridge/fast-path.ts), end to end: a host without
 * sampling on each era runs the built CLI's bridge in front of a plain upstream on the same era (where
 * the fast path answers) and on the other era (where the SDK server does). What the host gets must be
 * what it gets from the upstream directly: results with their `_meta`, errors, progress; cancellation
 * reaches the upstream; malformed lines change nothing; a large call passes whole.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterEach, describe, expect, it } from 'vitest';

import { CLI, ERAS, versionNegotiation, type Era } from './helpers/wire.js';

const UPSTREAM = [process.execPath, fileURLToPath(new URL('./fixtures/bridge/plain-server.mjs', import.meta.url))];

const homes: string[] = [];
const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close().catch(() => {})));
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});

function makeHome(): { home: string; config: string } {
  const home = mkdtempSync(join(tmpdir(), 'mcp-bridge-fast-'));
  homes.push(home);
  const config = join(home, 'config.json');
  writeFileSync(
    config,
    JSON.stringify({ audit: { path: join(home, 'audit.jsonl') }, statePath: join(home, 'state.json') }),
  );
  return { home, config };
}

function bridgeArgs(config: string, upstreamEra: Era): string[] {
  return [CLI, 'bridge', '--config', config, '--era', upstreamEra, '--', ...UPSTREAM];
}

/** A host without sampling on `era`: through the bridge (its upstream on `upstreamEra`), or direct. */
async function connect(era: Era, path: 'direct' | { upstreamEra: Era }): Promise<{ client: Client; home: string }> {
  const { home, config } = makeHome();
  const client = new Client(
    { name: 'host-without-sampling', version: '1.0.0' },
    { capabilities: {}, versionNegotiation: versionNegotiation(era) },
  );
  const args = path === 'direct' ? UPSTREAM.slice(1) : bridgeArgs(config, path.upstreamEra);
  clients.push(client);
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args,
      env: { PATH: process.env['PATH'] ?? '', HOME: home },
      stderr: 'ignore',
    }),
  );
  return { client, home };
}

/** A call's result, or its error as the host sees it (code, message, data). */
async function settle(call: Promise<unknown>): Promise<unknown> {
  try {
    return { result: await call };
  } catch (error) {
    const { code, message, data } = error as { code?: unknown; message: string; data?: unknown };
    return { error: { code, message, data } };
  }
}

/** The server's own identity in a 2026-era result's `_meta` differs by design (the bridge says it is one). */
function withoutServerInfo(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value), (key, v: unknown) =>
    key === 'io.modelcontextprotocol/serverInfo' ? undefined : v,
  ) as unknown;
}

async function waitFor(check: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
}

describe.each(ERAS)('bridge fast path, host on the %s era', (era) => {
  describe.each(ERAS)('upstream on the %s era', (upstreamEra) => {
    it('results (with their _meta and structured content), errors and progress equal direct', async () => {
      const bridged = await connect(era, { upstreamEra });
      const plain = await connect(era, 'direct');
      const calls = async (client: Client) => {
        const progress: { progress: number; total?: number | undefined; message?: string | undefined }[] = [];
        // Twice each: the first request of an envelope is the SDK's, the next ones the fast path's.
        const outcomes = [];
        for (let round = 0; round < 2; round += 1) {
          outcomes.push(await settle(client.callTool({ name: 'echo', arguments: { text: `hello ${round}` } })));
          outcomes.push(await settle(client.callTool({ name: 'fail', arguments: {} })));
          outcomes.push(await settle(client.callTool({ name: 'no-such-tool', arguments: {} })));
          outcomes.push(await settle(client.callTool({ name: 'echo', arguments: { text: 5 } })));
          outcomes.push(
            await settle(client.callTool({ name: 'progress', arguments: {} }, { onprogress: (p) => progress.push(p) })),
          );
        }
        // The steps reported (the SDK's client on the 2026 era may hand the same one twice, direct too).
        const steps = [...new Set(progress.map((p) => `${p.progress}/${p.total} ${p.message}`))].sort();
        return { outcomes: withoutServerInfo(outcomes), steps };
      };
      const direct = await calls(plain.client);
      const through = await calls(bridged.client);
      expect(through).toEqual(direct);
      expect(direct.steps).toEqual(['1/3 step 1', '2/3 step 2', '3/3 step 3']);
      expect(JSON.stringify(direct.outcomes)).toContain('example.com/echoed');
    });

    it('the host cancels a call: the upstream call is aborted, and the next call is answered', async () => {
      const { client, home } = await connect(era, { upstreamEra });
      // The first call of this envelope is the SDK's; the cancelled one is the fast path's where it applies.
      await client.callTool({ name: 'echo', arguments: { text: 'warm' } });
      const marker = join(home, 'cancelled.txt');
      const controller = new AbortController();
      let started!: () => void;
      const running = new Promise<void>((resolve) => (started = resolve));
      const call = client.callTool(
        { name: 'wait', arguments: { marker } },
        { signal: controller.signal, onprogress: () => started() },
      );
      await running;
      controller.abort('the user gave up');
      await expect(call).rejects.toThrow();
      await waitFor(() => existsSync(marker));
      expect(existsSync(marker)).toBe(true);
      const next = await client.callTool({ name: 'echo', arguments: { text: 'after' } });
      expect(next.content).toEqual([{ type: 'text', text: 'after' }]);
    });
  });

  it('a large call (4 MB of text) passes whole through the fast path', async () => {
    const { client } = await connect(era, { upstreamEra: era });
    const text = 'x'.repeat(4 * 1024 * 1024);
    await client.callTool({ name: 'echo', arguments: { text: 'warm' } });
    const result = await client.callTool({ name: 'echo', arguments: { text } });
    expect(result.content).toEqual([{ type: 'text', text }]);
    expect(result.structuredContent).toEqual({ length: text.length });
  });
});

describe('bridge fast path, malformed lines from a 2025-era host', () => {
  it('are answered as before (or skipped), and plain calls around them still work', async () => {
    const { home, config } = makeHome();
    const child = spawn(process.execPath, bridgeArgs(config, 'legacy'), {
      env: { PATH: process.env['PATH'] ?? '', HOME: home },
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    const answers = new Map<unknown, Record<string, unknown>>();
    let pending = '';
    child.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      for (let newline = pending.indexOf('\n'); newline !== -1; newline = pending.indexOf('\n')) {
        const message = JSON.parse(pending.slice(0, newline)) as Record<string, unknown>;
        pending = pending.slice(newline + 1);
        if ('id' in message) answers.set(message['id'], message);
      }
    });
    const send = (line: string) => child.stdin.write(`${line}\n`);
    const call = (id: unknown, params: unknown) =>
      send(JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params }));
    try {
      send(
        JSON.stringify({
          jsonrpc: '2.0',
          id: 0,
          method: 'initialize',
          params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw-host', version: '1' } },
        }),
      );
      await waitFor(() => answers.has(0));
      send(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }));
      call(1, { name: 'echo', arguments: { text: 'one' } });
      await waitFor(() => answers.has(1));
      send('{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo"'); // not JSON: skipped
      call(3, []); // params not an object: not a JSON-RPC request, dropped by the SDK's reader
      call(4, { name: 7 }); // name not a string: the SDK's -32602
      call(5, { name: 'echo', arguments: ['a'] }); // arguments not an object: the SDK's -32602
      call(6, { name: 'echo', arguments: { text: 'six' }, _meta: { progressToken: { no: 1 } } }); // dropped
      send(JSON.stringify({ jsonrpc: '2.0', id: { no: 1 }, method: 'tools/call', params: { name: 'echo' } }));
      call(7, { name: 'echo', arguments: { text: 'seven' } });
      call(8, { name: 'echo', arguments: { text: 'eight' }, task: {} }); // not plain: the SDK answers
      await waitFor(() => [4, 5, 7, 8].every((id) => answers.has(id)));
      expect(answers.get(1)?.['result']).toMatchObject({ content: [{ type: 'text', text: 'one' }] });
      for (const id of [2, 3, 6]) expect(answers.has(id)).toBe(false);
      expect(answers.size).toBe(6);
      for (const id of [4, 5]) {
        expect(answers.get(id)?.['error']).toMatchObject({
          code: -32602,
          message: expect.stringContaining('Invalid tools/call request'),
        });
      }
      expect(answers.get(7)?.['result']).toEqual({
        content: [{ type: 'text', text: 'seven' }],
        structuredContent: { length: 5 },
        _meta: { 'example.com/echoed': true },
      });
      expect(answers.get(8)?.['result']).toMatchObject({ content: [{ type: 'text', text: 'eight' }] });
    } finally {
      child.stdin.end();
      await new Promise((resolve) => child.once('exit', resolve));
    }
  });
});
