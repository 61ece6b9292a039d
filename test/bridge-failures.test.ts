/**
 * `mcp-sampling bridge` end to end, when the upstream fails: it crashes, is not an MCP server, or never
 * answers; the host gets one clear error, and no upstream process outlives the bridge's giving up. Also the
 * bridge process itself: it exits when the host closes stdin, and bad input is one line and exit code 2.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { alive, firstRequest, host, makeHome, serve, tempDir, useBridgeCleanup, waitFor } from './helpers/bridge.js';
import { CLI, ERAS } from './helpers/wire.js';

useBridgeCleanup();

// A 2026-era host probes on a sibling bridge here (the SDK's default for stdio), which it stops once answered.
describe.each(ERAS)('bridge, host on the %s era, an upstream that fails', (era) => {
  it('an upstream that crashes at once: a clear error to the host', async () => {
    const attempt = firstRequest(
      host({ era, upstream: [process.execPath, '-e', 'console.error("boom: no config"); process.exit(3)'] }),
    );
    await expect(attempt).rejects.toThrow(/mcp-sampling bridge: cannot start the server .*boom: no config/);
  });

  it('an upstream that is not an MCP server: a clear error to the host', async () => {
    const attempt = firstRequest(
      host({
        era,
        upstream: [process.execPath, '-e', 'process.stdin.on("data", () => console.log(JSON.stringify({ hello: 1 })))'],
        bridgeArgs: ['--timeout', '1'],
      }),
    );
    await expect(attempt).rejects.toThrow(/mcp-sampling bridge: cannot start the server/);
  });

  it('an upstream that hangs: the host gets the timeout as an error, and no upstream process is left', async () => {
    // Every process started from the upstream's command (the era probe's and the session's) notes its pid.
    const pids = join(tempDir('mcp-bridge-pids-'), 'pids');
    const hang = `require("node:fs").appendFileSync(${JSON.stringify(pids)}, process.pid + "\\n"); setInterval(() => {}, 1000)`;
    const attempt = firstRequest(
      host({ era, upstream: [process.execPath, '-e', hang], bridgeArgs: ['--timeout', '1'] }),
    );
    await expect(attempt).rejects.toThrow(/no answer within 1 s/);
    const started = readFileSync(pids, 'utf8').trim().split('\n').map(Number);
    expect(started.length).toBeGreaterThan(0);
    // The bridge stops them before it answers (a 2026-era host's sibling bridge is stopped by the host
    // meanwhile, and must not leave its upstream behind either).
    await waitFor(() => started.every((pid) => !alive(pid)));
    expect(started.filter(alive)).toEqual([]);
  });
});

describe('bridge process', () => {
  it('exits cleanly when the host closes stdin', async () => {
    const { home, config } = makeHome();
    const child = spawn(process.execPath, [CLI, 'bridge', '--config', config, '--', ...serve('legacy')], {
      env: { PATH: process.env['PATH'] ?? '', HOME: home },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.stdin.write(
      `${JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'h', version: '1' } },
      })}\n`,
    );
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdin.end();
    expect(await exited).toBe(0);
  });

  it('bad input: neither a command nor --server is one line and exit code 2', async () => {
    const child = spawn(process.execPath, [CLI, 'bridge'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/no server: give --server <url>/);
  });
});
