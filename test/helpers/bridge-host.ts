/**
 * A host (the official SDK client) that spawns the built CLI's bridge over stdio, with a temporary home
 * (its config, audit log and state inside), for the bridge's end-to-end tests. `closeBridgeHosts()` in an
 * `afterEach` closes the hosts and removes the homes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Client, type ClientCapabilities, type ClientOptions } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';

import { CLI, versionNegotiation, type Era } from './wire.js';

const homes: string[] = [];
const clients: Client[] = [];

/** A temporary directory removed by closeBridgeHosts(). */
export function tempDir(prefix = 'mcp-bridge-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  homes.push(dir);
  return dir;
}

export interface BridgeHostOptions {
  era: Era;
  /** The upstream command (after `--`). */
  upstream: string[];
  bridgeArgs?: string[];
  /** The bridge's config (audit and state paths are added). */
  config?: Record<string, unknown>;
  capabilities?: ClientCapabilities;
  /** Registers the host's handlers (elicitation/create, roots/list) before it connects. */
  setup?: (client: Client) => void;
  inputRequired?: ClientOptions['inputRequired'];
}

/** A host connected to a bridge that runs `upstream`. */
export async function bridgeHost(options: BridgeHostOptions): Promise<{ client: Client; stderr: () => string }> {
  const home = tempDir();
  const config = join(home, 'config.json');
  writeFileSync(
    config,
    JSON.stringify({
      audit: { path: join(home, 'audit.jsonl') },
      statePath: join(home, 'state.json'),
      ...options.config,
    }),
  );
  const client = new Client(
    { name: 'bridge-test-host', version: '1.0.0' },
    {
      capabilities: options.capabilities ?? {},
      versionNegotiation: versionNegotiation(options.era),
      ...(options.inputRequired !== undefined && { inputRequired: options.inputRequired }),
    },
  );
  options.setup?.(client);
  let stderr = '';
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, 'bridge', '--config', config, ...(options.bridgeArgs ?? []), '--', ...options.upstream],
    env: { PATH: process.env['PATH'] ?? '', HOME: home },
    stderr: 'pipe',
  });
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  clients.push(client);
  await client.connect(transport);
  return { client, stderr: () => stderr };
}

/** Closes every host opened since the last call and removes the temporary directories. */
export async function closeBridgeHosts(): Promise<void> {
  await Promise.all(clients.splice(0).map((c) => c.close().catch(() => {})));
  for (const dir of homes.splice(0)) rmSync(dir, { recursive: true, force: true });
}
