/**
 * `mcp-sampling bridge` end to end: the official SDK client as a host WITHOUT sampling (as Claude Code,
 * Claude Desktop and Cursor are) spawns the built CLI's bridge, which spawns the upstream. Upstreams:
 * server-everything (2025 era only) and our Document Assistant (both eras), on every host era. Also
 * progress and cancellation end to end, approval through the host's elicitation, and upstreams that crash,
 * hang or are not MCP servers.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { Client, type ClientCapabilities, type ElicitRequest, type ElicitResult } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterEach, describe, expect, it } from 'vitest';

import { startHttpServer, type RunningHttpServer } from '../src/server/transports/http/serve-http.js';
import { CLI, ERAS, textOf, versionNegotiation, type Era } from './helpers/wire.js';

const require = createRequire(import.meta.url);
const EVERYTHING_PACKAGE = require.resolve('@modelcontextprotocol/server-everything/package.json');
const EVERYTHING_BIN = join(
  dirname(EVERYTHING_PACKAGE),
  (JSON.parse(readFileSync(EVERYTHING_PACKAGE, 'utf8')) as { bin: Record<string, string> }).bin[
    'mcp-server-everything'
  ]!,
);
const FIXTURES = fileURLToPath(new URL('./fixtures/command/', import.meta.url));
/** Tools server-everything registers only for clients that declare sampling (the bridge always does). */
const SAMPLING_TOOLS = ['trigger-sampling-request'];
/** What the bridge itself declares to the upstream, whatever the host: sampling. */
const BRIDGE_DECLARES: ClientCapabilities = { sampling: {} };

const DOCUMENT = [
  'Street trees cool cities by several degrees on summer afternoons.',
  'Their roots and soil hold rain water that would otherwise flood the drains.',
  'Shade on walls and windows lowers the energy spent on air conditioning.',
  'Leaves catch fine dust from traffic, although rain washes much of it back down.',
  'A mature oak can host hundreds of species of insects, birds and fungi.',
].join(' ');

const homes: string[] = [];
const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close().catch(() => {})));
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});

/** A temporary home with a config (audit and state inside it) and what else the test adds. */
function makeHome(extra: Record<string, unknown> = {}): { home: string; config: string } {
  const home = mkdtempSync(join(tmpdir(), 'mcp-bridge-'));
  homes.push(home);
  const config = join(home, 'config.json');
  writeFileSync(
    config,
    JSON.stringify({ audit: { path: join(home, 'audit.jsonl') }, statePath: join(home, 'state.json'), ...extra }),
  );
  return { home, config };
}

interface HostOptions {
  era: Era;
  upstream: string[];
  bridgeArgs?: string[];
  config?: Record<string, unknown>;
  capabilities?: ClientCapabilities;
  onElicit?: (message: string, params: ElicitRequest['params']) => ElicitResult;
}

/** A host without sampling, connected to the bridge (which runs `upstream`). */
async function host(options: HostOptions): Promise<{ client: Client; home: string; stderr: () => string }> {
  const { home, config } = makeHome(options.config);
  const client = new Client(
    { name: 'host-without-sampling', version: '1.0.0' },
    { capabilities: options.capabilities ?? {}, versionNegotiation: versionNegotiation(options.era) },
  );
  if (options.onElicit !== undefined) {
    const answer = options.onElicit;
    client.setRequestHandler('elicitation/create', async (request) => answer(request.params.message, request.params));
  }
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
  return { client, home, stderr: () => stderr };
}

/** A client connected straight to the upstream (the offer to compare with); default: no capabilities. */
async function direct(era: Era, upstream: string[], capabilities: ClientCapabilities = {}): Promise<Client> {
  const client = new Client(
    { name: 'direct-client', version: '1.0.0' },
    { capabilities, versionNegotiation: versionNegotiation(era) },
  );
  clients.push(client);
  await client.connect(new StdioClientTransport({ command: upstream[0]!, args: upstream.slice(1), stderr: 'ignore' }));
  return client;
}

/**
 * A host's first request to a bridge whose upstream failed: a 2025-era host's `initialize` fails with the
 * reason; a 2026-era host discovers the bridge and its first request fails with it.
 */
async function firstRequest(connected: Promise<{ client: Client }>): Promise<unknown> {
  const { client } = await connected;
  return client.listTools();
}

const EVERYTHING = [process.execPath, EVERYTHING_BIN];

type Tools = Awaited<ReturnType<Client['listTools']>>['tools'];
/** A 2026-era host's SDK has no tasks: it drops `execution` (taskSupport) from what it reads. */
const onHostEra = (tools: Tools, era: Era): Tools =>
  era === 'modern' ? tools.map(({ execution: _execution, ...tool }) => (void _execution, tool)) : tools;
/** The Document Assistant serves both eras; the bridge's `--era` picks the upstream's. */
const serve = (_era: Era) => [process.execPath, CLI, 'serve'];

/** What a tool call ended with: its text, or the error's message (a server may answer a refusal either way). */
async function outcome(
  call: Promise<{ content?: unknown; isError?: boolean | undefined }>,
): Promise<{ failed: boolean; text: string }> {
  try {
    const result = await call;
    return { failed: result.isError === true, text: textOf(result) };
  } catch (error) {
    return { failed: true, text: (error as Error).message };
  }
}

async function waitFor(check: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe.each(ERAS)('bridge, host on the %s era', (era) => {
  it('server-everything: the whole offer matches direct, apart from the tools that need sampling', async () => {
    const { client } = await host({ era, upstream: EVERYTHING });
    // server-everything speaks the 2025 era only: straight to it, the host lands there.
    const plain = await direct('legacy', EVERYTHING);
    expect(client.getServerVersion()?.name).toBe('mcp-servers/everything (via mcp-sampling bridge)');
    expect(client.getInstructions()).toMatch(/through mcp-sampling bridge/);

    const bridged = (await client.listTools()).tools;
    const straight = (await plain.listTools()).tools;
    // The offer equals the upstream's to a client that declares what the bridge declares (sampling): the
    // tools of a plain client plus the sampling tools, and no elicitation or roots tools for this host.
    const sampling = await direct('legacy', EVERYTHING, BRIDGE_DECLARES);
    expect(onHostEra(bridged, era)).toEqual(onHostEra((await sampling.listTools()).tools, era));
    expect(bridged.map((t) => t.name)).toEqual(expect.arrayContaining(SAMPLING_TOOLS));
    expect(straight.map((t) => t.name)).not.toContain('trigger-sampling-request');
    expect(bridged.filter((t) => !SAMPLING_TOOLS.includes(t.name))).toEqual(onHostEra(straight, era));
    expect(bridged.map((t) => t.name)).not.toContain('trigger-elicitation-request');
    expect(bridged.map((t) => t.name)).not.toContain('get-roots-list');
    // The lists themselves (a 2026-era result also carries the era's envelope: serverInfo, cache hints).
    expect((await client.listResources()).resources).toEqual((await plain.listResources()).resources);
    expect((await client.listResourceTemplates()).resourceTemplates).toEqual(
      (await plain.listResourceTemplates()).resourceTemplates,
    );
    expect((await client.listPrompts()).prompts).toEqual((await plain.listPrompts()).prompts);
    const prompt = { name: 'simple-prompt' };
    expect((await client.getPrompt(prompt)).messages).toEqual((await plain.getPrompt(prompt)).messages);

    const echo = { name: 'echo', arguments: { message: 'hello through the bridge' } };
    expect((await client.callTool(echo)).content).toEqual((await plain.callTool(echo)).content);
    const sum = { name: 'get-sum', arguments: { a: 2, b: 40 } };
    expect((await client.callTool(sum)).content).toEqual((await plain.callTool(sum)).content);
  });

  it('server-everything: trigger-sampling-request is answered by the bridge (the host never sees sampling)', async () => {
    const { client } = await host({ era, upstream: EVERYTHING });
    const result = await client.callTool({
      name: 'trigger-sampling-request',
      arguments: { prompt: DOCUMENT, maxTokens: 60 },
    });
    expect(result.isError).not.toBe(true);
    expect(textOf(result)).toContain('extractive-summarizer');
    expect(textOf(result)).toMatch(/Street trees cool cities/);
  });

  it('server-everything: progress reaches the host under its own token', async () => {
    const { client } = await host({ era, upstream: EVERYTHING });
    const seen: number[] = [];
    const result = await client.callTool(
      { name: 'trigger-long-running-operation', arguments: { duration: 0.3, steps: 3 } },
      { onprogress: (p) => seen.push(p.progress) },
    );
    expect(result.isError).not.toBe(true);
    // The steps in order (the last one may cross the result on the wire: the SDK then drops it).
    expect(seen.length).toBeGreaterThan(0);
    expect(seen).toEqual([1, 2, 3].slice(0, seen.length));
  });

  describe.each(ERAS)('upstream: the Document Assistant on the %s era', (upstreamEra) => {
    it("the offer equals the upstream's to a sampling client: capabilities and tools", async () => {
      const { client } = await host({ era, upstream: serve(upstreamEra), bridgeArgs: ['--era', upstreamEra] });
      const straight = await direct(upstreamEra, serve(upstreamEra), BRIDGE_DECLARES);
      expect(client.getServerCapabilities()).toEqual(straight.getServerCapabilities());
      expect(onHostEra((await client.listTools()).tools, era)).toEqual(
        onHostEra((await straight.listTools()).tools, era),
      );
    });

    it('summarize_document and ask_document work', async () => {
      const { client } = await host({ era, upstream: serve(upstreamEra), bridgeArgs: ['--era', upstreamEra] });
      const summary = await client.callTool({ name: 'summarize_document', arguments: { document_text: DOCUMENT } });
      expect(summary.isError).not.toBe(true);
      expect(textOf(summary)).toMatch(/trees|roots|shade/i);
      const answer = await client.callTool({
        name: 'ask_document',
        arguments: { document_text: DOCUMENT, question: 'What do the roots and soil hold?' },
      });
      expect(answer.isError).not.toBe(true);
      expect(textOf(answer)).toMatch(/rain water/);
    });

    it('the host cancels: the upstream call and our provider call (a command that hangs) are aborted', async () => {
      const pidsDir = mkdtempSync(join(tmpdir(), 'mcp-bridge-pids-'));
      homes.push(pidsDir);
      const pids = join(pidsDir, 'pids.json');
      const { client } = await host({
        era,
        upstream: serve(upstreamEra),
        bridgeArgs: ['--era', upstreamEra],
        config: {
          providers: {
            hang: { type: 'command', command: [process.execPath, join(FIXTURES, 'hang-model.mjs'), pids] },
          },
          defaultModel: 'hang/default',
          embedded: { enabled: false },
        },
      });
      const controller = new AbortController();
      const call = client.callTool(
        { name: 'summarize_document', arguments: { document_text: DOCUMENT } },
        { signal: controller.signal },
      );
      await waitFor(() => existsSync(pids));
      expect(existsSync(pids)).toBe(true);
      controller.abort(new Error('the user pressed stop'));
      await expect(call).rejects.toThrow();
      const [pid, helper] = JSON.parse(readFileSync(pids, 'utf8')) as [number, number];
      await waitFor(() => !alive(pid) && !alive(helper));
      expect(alive(pid)).toBe(false);
      expect(alive(helper)).toBe(false);
      // The bridge still serves the host afterwards.
      expect((await client.listTools()).tools.length).toBeGreaterThan(0);
    });

    it('approval without elicitation or dashboard: denied, with how to enable approval', async () => {
      const { client } = await host({
        era,
        upstream: serve(upstreamEra),
        bridgeArgs: ['--era', upstreamEra],
        config: { servers: { '*': { approval: 'ask' } } },
      });
      const result = await outcome(
        client.callTool({ name: 'summarize_document', arguments: { document_text: DOCUMENT } }),
      );
      expect(result.failed).toBe(true);
      expect(result.text).toMatch(/nobody can be asked.*mcp-sampling ui/);
    });
  });

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
        bridgeArgs: ['--timeout', '3'],
      }),
    );
    await expect(attempt).rejects.toThrow(/mcp-sampling bridge: cannot start the server/);
  });

  it('an upstream that hangs: the host gets the timeout as an error', async () => {
    const attempt = firstRequest(
      host({ era, upstream: [process.execPath, '-e', 'setInterval(() => {}, 1000)'], bridgeArgs: ['--timeout', '2'] }),
    );
    await expect(attempt).rejects.toThrow(/no answer within 2 s/);
  });
});

describe('bridge, approval through the host (2025-era host with elicitation)', () => {
  const approvalConfig = { servers: { '*': { approval: 'ask' } } };
  const forms: string[] = [];
  afterEach(() => void forms.splice(0));

  it('approve: the host is asked about the request and the completion, and the tool answers', async () => {
    const { client } = await host({
      era: 'legacy',
      upstream: serve('legacy'),
      config: approvalConfig,
      capabilities: { elicitation: { form: {} } },
      onElicit: (message) => {
        forms.push(message);
        return { action: 'accept', content: { decision: 'approve' } };
      },
    });
    const result = await client.callTool({ name: 'summarize_document', arguments: { document_text: DOCUMENT } });
    expect(result.isError).not.toBe(true);
    expect(forms.length).toBeGreaterThanOrEqual(2);
    expect(forms[0]).toMatch(/the server "document-assistant" asks to run a model/);
    expect(forms[0]).toMatch(/Model: embedded\/extractive-summarizer/);
    expect(forms[1]).toMatch(/answered the server "document-assistant"/);
  });

  it('deny: the tool reports the refusal', async () => {
    const { client } = await host({
      era: 'legacy',
      upstream: serve('legacy'),
      config: approvalConfig,
      capabilities: { elicitation: { form: {} } },
      onElicit: () => ({ action: 'accept', content: { decision: 'deny' } }),
    });
    const result = await outcome(
      client.callTool({ name: 'summarize_document', arguments: { document_text: DOCUMENT } }),
    );
    expect(result.failed).toBe(true);
    expect(result.text).toMatch(/denied by the user at the host/);
  });
});

describe('bridge, what the upstream asks of the host (2025-era host)', () => {
  /** The tools server-everything offers straight to a client that declares `capabilities` and sampling. */
  const directTools = async (capabilities: ClientCapabilities) =>
    (await direct('legacy', EVERYTHING, { ...BRIDGE_DECLARES, ...capabilities })).listTools();

  it("form elicitation: offered as to the host itself, and the upstream's form reaches the host", async () => {
    const asked: string[] = [];
    const { client } = await host({
      era: 'legacy',
      upstream: EVERYTHING,
      capabilities: { elicitation: { form: {} } },
      onElicit: (message) => {
        asked.push(message);
        return { action: 'decline' };
      },
    });
    const tools = (await client.listTools()).tools;
    expect(tools).toEqual((await directTools({ elicitation: { form: {} } })).tools);
    expect(tools.map((t) => t.name)).toContain('trigger-elicitation-request');
    expect(tools.map((t) => t.name)).not.toContain('trigger-url-elicitation');
    const result = await client.callTool({ name: 'trigger-elicitation-request', arguments: {} });
    expect(asked).toEqual(['Please provide inputs for the following fields:']);
    expect(textOf(result)).toMatch(/declined/);
  });

  it('URL elicitation: only to a host that declares it, which is asked with the URL', async () => {
    const asked: ElicitRequest['params'][] = [];
    const { client } = await host({
      era: 'legacy',
      upstream: EVERYTHING,
      capabilities: { elicitation: { form: {}, url: {} } },
      onElicit: (_message, params) => {
        asked.push(params);
        return { action: 'accept' };
      },
    });
    const tools = (await client.listTools()).tools;
    expect(tools).toEqual((await directTools({ elicitation: { form: {}, url: {} } })).tools);
    const result = await client.callTool({
      name: 'trigger-url-elicitation',
      arguments: { url: 'https://example.com/consent', message: 'Open the consent page' },
    });
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({
      mode: 'url',
      url: 'https://example.com/consent',
      message: 'Open the consent page',
    });
    expect(textOf(result)).toMatch(/User completed the URL elicitation flow/);
  });

  it('a bare elicitation capability means form: the form tool is offered and answered', async () => {
    const asked: string[] = [];
    const { client } = await host({
      era: 'legacy',
      upstream: EVERYTHING,
      capabilities: { elicitation: {} },
      onElicit: (message) => {
        asked.push(message);
        return { action: 'decline' };
      },
    });
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toContain('trigger-elicitation-request');
    expect(names).not.toContain('trigger-url-elicitation');
    const result = await client.callTool({ name: 'trigger-elicitation-request', arguments: {} });
    expect(asked).toHaveLength(1);
    expect(textOf(result)).toMatch(/declined/);
  });

  it("roots: the host's own, followed, plus --root", async () => {
    const extra = mkdtempSync(join(tmpdir(), 'mcp-bridge-root-'));
    homes.push(extra);
    const { home, config } = makeHome();
    let hostRoots = [{ uri: 'file:///srv/host-project', name: 'host-project' }];
    const client = new Client(
      { name: 'host-with-roots', version: '1.0.0' },
      { capabilities: { roots: { listChanged: true } }, versionNegotiation: versionNegotiation('legacy') },
    );
    client.setRequestHandler('roots/list', async () => ({ roots: hostRoots }));
    clients.push(client);
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [CLI, 'bridge', '--config', config, '--root', extra, '--', ...EVERYTHING],
        env: { PATH: process.env['PATH'] ?? '', HOME: home },
        stderr: 'ignore',
      }),
    );
    expect((await client.listTools()).tools).toEqual((await directTools({ roots: { listChanged: true } })).tools);
    const listed = async () => textOf(await client.callTool({ name: 'get-roots-list', arguments: {} }));
    let text = '';
    for (let i = 0; i < 40 && !text.includes('host-project'); i++) {
      text = await listed();
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(text).toContain('file:///srv/host-project');
    expect(text).toContain(pathToFileURL(extra).href);
    hostRoots = [{ uri: 'file:///srv/other-project', name: 'other-project' }];
    await client.sendRootsListChanged();
    for (let i = 0; i < 40 && !text.includes('other-project'); i++) {
      text = await listed();
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(text).toContain('file:///srv/other-project');
    expect(text).not.toContain('host-project');
  });
});

// What a 2026-era host is asked (elicitation, approval, roots) in rounds of its own calls: bridge-rounds.test.ts.

describe.each(ERAS)('bridge to a Streamable HTTP upstream (--server), host on the %s era', (era) => {
  let running: RunningHttpServer | undefined;
  afterEach(async () => {
    await running?.close(0);
    running = undefined;
  });

  it.each(ERAS)('upstream era %s: summarize_document works', async (upstreamEra) => {
    running = await startHttpServer({ port: 0, log: { info: () => {}, error: () => {} } });
    const { client } = await host({ era, upstream: [], bridgeArgs: ['--server', running.url, '--era', upstreamEra] });
    expect(client.getServerVersion()?.name).toBe('document-assistant (via mcp-sampling bridge)');
    const summary = await client.callTool({ name: 'summarize_document', arguments: { document_text: DOCUMENT } });
    expect(summary.isError).not.toBe(true);
    expect(textOf(summary)).toMatch(/trees|roots|shade/i);
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
