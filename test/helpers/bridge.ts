/**
 * What the `mcp-sampling bridge` end-to-end tests share: a host without sampling (the official SDK client,
 * as Claude Code, Claude Desktop and Cursor are) that spawns the built CLI's bridge, a client straight to an
 * upstream to compare with, the upstreams (server-everything, our Document Assistant), and the clean-up.
 *
 * Call `useBridgeCleanup()` once at the top of a test file: what `host()` and `direct()` open in a test is
 * closed after it; `sharedHost()` opens one host for a whole `describe` (for cases that only read from it),
 * and `directOnce()` keeps one straight client per upstream and capabilities for the whole file.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Client, type ClientCapabilities, type ElicitRequest, type ElicitResult } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, afterEach, beforeAll } from 'vitest';

import { CLI, textOf, versionNegotiation, type Era } from './wire.js';

const require = createRequire(import.meta.url);
const EVERYTHING_PACKAGE = require.resolve('@modelcontextprotocol/server-everything/package.json');
export const EVERYTHING_BIN = join(
  dirname(EVERYTHING_PACKAGE),
  (JSON.parse(readFileSync(EVERYTHING_PACKAGE, 'utf8')) as { bin: Record<string, string> }).bin[
    'mcp-server-everything'
  ]!,
);
export const EVERYTHING = [process.execPath, EVERYTHING_BIN];
export const FIXTURES = fileURLToPath(new URL('../fixtures/command/', import.meta.url));
/** Tools server-everything registers only for clients that declare sampling (the bridge always does). */
export const SAMPLING_TOOLS = ['trigger-sampling-request'];
/** What the bridge itself declares to the upstream, whatever the host: sampling. */
export const BRIDGE_DECLARES: ClientCapabilities = { sampling: {} };

export const DOCUMENT = [
  'Street trees cool cities by several degrees on summer afternoons.',
  'Their roots and soil hold rain water that would otherwise flood the drains.',
  'Shade on walls and windows lowers the energy spent on air conditioning.',
  'Leaves catch fine dust from traffic, although rain washes much of it back down.',
  'A mature oak can host hundreds of species of insects, birds and fungi.',
].join(' ');

/** What one scope (a test, a describe, the file) opened: closed together. */
class Opened {
  readonly clients: Client[] = [];
  readonly homes: string[] = [];
  async close(): Promise<void> {
    await Promise.all(this.clients.splice(0).map((c) => c.close().catch(() => {})));
    for (const home of this.homes.splice(0)) rmSync(home, { recursive: true, force: true });
  }
}

const perTest = new Opened();
const perFile = new Opened();
const directs = new Map<string, Promise<Client>>();

/** Registers the clean-up: per test for `host()`/`direct()`/`makeHome()`, per file for `directOnce()`. */
export function useBridgeCleanup(): void {
  afterEach(() => perTest.close());
  afterAll(async () => {
    directs.clear();
    await perFile.close();
  });
}

/** A temporary directory removed after the test. */
export function tempDir(prefix: string, scope: Opened = perTest): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scope.homes.push(dir);
  return dir;
}

/** A temporary home with a config (audit and state inside it) and what else the test adds. */
export function makeHome(
  extra: Record<string, unknown> = {},
  scope: Opened = perTest,
): { home: string; config: string } {
  const home = tempDir('mcp-bridge-', scope);
  const config = join(home, 'config.json');
  writeFileSync(
    config,
    JSON.stringify({ audit: { path: join(home, 'audit.jsonl') }, statePath: join(home, 'state.json'), ...extra }),
  );
  return { home, config };
}

/**
 * The SDK probes a 2026-era stdio server in place on any transport that is not exactly its own
 * `StdioClientTransport`; by default it probes on a short-lived sibling process instead (a second bridge).
 */
class InPlaceProbeStdioTransport extends StdioClientTransport {}

export interface HostOptions {
  era: Era;
  upstream: string[];
  bridgeArgs?: string[];
  config?: Record<string, unknown>;
  capabilities?: ClientCapabilities;
  onElicit?: (message: string, params: ElicitRequest['params']) => ElicitResult;
  /**
   * How a 2026-era host finds the era: on a sibling bridge it spawns and stops (the SDK's default for stdio,
   * and the default here), or on the bridge it keeps (`in-place`, one bridge fewer to start).
   */
  probe?: 'sibling' | 'in-place';
}

export interface Host {
  client: Client;
  home: string;
  stderr: () => string;
}

/** A host without sampling, connected to the bridge (which runs `upstream`). */
export async function host(options: HostOptions, scope: Opened = perTest): Promise<Host> {
  const { home, config } = makeHome(options.config, scope);
  const client = new Client(
    { name: 'host-without-sampling', version: '1.0.0' },
    { capabilities: options.capabilities ?? {}, versionNegotiation: versionNegotiation(options.era) },
  );
  if (options.onElicit !== undefined) {
    const answer = options.onElicit;
    client.setRequestHandler('elicitation/create', async (request) => answer(request.params.message, request.params));
  }
  let stderr = '';
  const Transport = options.probe === 'in-place' ? InPlaceProbeStdioTransport : StdioClientTransport;
  const transport = new Transport({
    command: process.execPath,
    args: [CLI, 'bridge', '--config', config, ...(options.bridgeArgs ?? []), '--', ...options.upstream],
    env: { PATH: process.env['PATH'] ?? '', HOME: home },
    stderr: 'pipe',
  });
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  scope.clients.push(client);
  await client.connect(transport);
  return { client, home, stderr: () => stderr };
}

/**
 * One host for every case of the enclosing `describe` (opened before the first, closed after the last), for
 * cases that only read from it and need no configuration of their own.
 */
export function sharedHost(options: HostOptions): () => Host {
  const scope = new Opened();
  let opened: Host | undefined;
  beforeAll(async () => {
    opened = await host(options, scope);
  });
  afterAll(() => scope.close());
  return () => {
    if (opened === undefined) throw new Error('sharedHost: the host did not start (see beforeAll)');
    return opened;
  };
}

/** A client connected straight to the upstream (the offer to compare with); default: no capabilities. */
export async function direct(
  era: Era,
  upstream: string[],
  capabilities: ClientCapabilities = {},
  scope: Opened = perTest,
): Promise<Client> {
  const client = new Client(
    { name: 'direct-client', version: '1.0.0' },
    { capabilities, versionNegotiation: versionNegotiation(era) },
  );
  scope.clients.push(client);
  await client.connect(new StdioClientTransport({ command: upstream[0]!, args: upstream.slice(1), stderr: 'ignore' }));
  return client;
}

/**
 * `direct()`, opened once per file for each era, upstream and capabilities (what it lists does not change),
 * for cases that only compare lists with it.
 */
export function directOnce(era: Era, upstream: string[], capabilities: ClientCapabilities = {}): Promise<Client> {
  const key = JSON.stringify([era, upstream, capabilities]);
  let client = directs.get(key);
  if (client === undefined) {
    client = direct(era, upstream, capabilities, perFile);
    directs.set(key, client);
  }
  return client;
}

/**
 * A host's first request to a bridge whose upstream failed: a 2025-era host's `initialize` fails with the
 * reason; a 2026-era host discovers the bridge and its first request fails with it.
 */
export async function firstRequest(connected: Promise<{ client: Client }>): Promise<unknown> {
  const { client } = await connected;
  return client.listTools();
}

type Tools = Awaited<ReturnType<Client['listTools']>>['tools'];
/** A 2026-era host's SDK has no tasks: it drops `execution` (taskSupport) from what it reads. */
export const onHostEra = (tools: Tools, era: Era): Tools =>
  era === 'modern' ? tools.map(({ execution: _execution, ...tool }) => (void _execution, tool)) : tools;
/** The Document Assistant serves both eras; the bridge's `--era` picks the upstream's. */
export const serve = (_era: Era) => [process.execPath, CLI, 'serve'];

/** What a tool call ended with: its text, or the error's message (a server may answer a refusal either way). */
export async function outcome(
  call: Promise<{ content?: unknown; isError?: boolean | undefined }>,
): Promise<{ failed: boolean; text: string }> {
  try {
    const result = await call;
    return { failed: result.isError === true, text: textOf(result) };
  } catch (error) {
    return { failed: true, text: (error as Error).message };
  }
}

/** Polls `check` every 25 ms for up to 10 s (the caller asserts afterwards). */
export async function waitFor(check: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
}

export { alive } from './process.js';
