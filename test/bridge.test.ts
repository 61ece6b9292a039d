/**
 * `mcp-sampling bridge` end to end, what it proxies: the official SDK client as a host WITHOUT sampling (as
 * Claude Code, Claude Desktop and Cursor are) spawns the built CLI's bridge, which spawns the upstream.
 * Upstreams: server-everything (2025 era only), our Document Assistant (both eras, over stdio and over
 * Streamable HTTP), on every host era; progress and cancellation end to end. What the bridge asks of the
 * host is in bridge-host.test.ts; upstreams that fail, and the bridge process, in bridge-failures.test.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startHttpServer, type RunningHttpServer } from '../src/server/transports/http/serve-http.js';
import {
  alive,
  BRIDGE_DECLARES,
  directOnce,
  DOCUMENT,
  EVERYTHING,
  FIXTURES,
  host,
  type HostOptions,
  onHostEra,
  outcome,
  SAMPLING_TOOLS,
  serve,
  sharedHost,
  tempDir,
  useBridgeCleanup,
  waitFor,
} from './helpers/bridge.js';
import { ERAS, textOf } from './helpers/wire.js';

useBridgeCleanup();

describe.each(ERAS)('bridge, host on the %s era', (era) => {
  describe('upstream: server-everything', () => {
    // A 2026-era host probes this one on a sibling bridge (the SDK's default for stdio).
    const bridged = sharedHost({ era, upstream: EVERYTHING });

    it('the whole offer matches direct, apart from the tools that need sampling', async () => {
      const { client } = bridged();
      // server-everything speaks the 2025 era only: straight to it, the host lands there.
      const plain = await directOnce('legacy', EVERYTHING);
      expect(client.getServerVersion()?.name).toBe('mcp-servers/everything (via mcp-sampling bridge)');
      expect(client.getInstructions()).toMatch(/through mcp-sampling bridge/);

      const tools = (await client.listTools()).tools;
      const straight = (await plain.listTools()).tools;
      // The offer equals the upstream's to a client that declares what the bridge declares (sampling): the
      // tools of a plain client plus the sampling tools, and no elicitation or roots tools for this host.
      const sampling = await directOnce('legacy', EVERYTHING, BRIDGE_DECLARES);
      expect(onHostEra(tools, era)).toEqual(onHostEra((await sampling.listTools()).tools, era));
      expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(SAMPLING_TOOLS));
      expect(straight.map((t) => t.name)).not.toContain('trigger-sampling-request');
      expect(tools.filter((t) => !SAMPLING_TOOLS.includes(t.name))).toEqual(onHostEra(straight, era));
      expect(tools.map((t) => t.name)).not.toContain('trigger-elicitation-request');
      expect(tools.map((t) => t.name)).not.toContain('get-roots-list');
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

    it('trigger-sampling-request is answered by the bridge (the host never sees sampling)', async () => {
      const result = await bridged().client.callTool({
        name: 'trigger-sampling-request',
        arguments: { prompt: DOCUMENT, maxTokens: 60 },
      });
      expect(result.isError).not.toBe(true);
      expect(textOf(result)).toContain('extractive-summarizer');
      expect(textOf(result)).toMatch(/Street trees cool cities/);
    });

    it('progress reaches the host under its own token', async () => {
      const seen: number[] = [];
      const result = await bridged().client.callTool(
        { name: 'trigger-long-running-operation', arguments: { duration: 0.3, steps: 3 } },
        { onprogress: (p) => seen.push(p.progress) },
      );
      expect(result.isError).not.toBe(true);
      // The steps in order (the last one may cross the result on the wire: the SDK then drops it).
      expect(seen.length).toBeGreaterThan(0);
      expect(seen).toEqual([1, 2, 3].slice(0, seen.length));
    });
  });

  describe.each(ERAS)('upstream: the Document Assistant on the %s era', (upstreamEra) => {
    // The 2026-era host's sibling probe is covered above and in bridge-failures.test.ts; here it probes in place.
    const options: HostOptions = {
      era,
      upstream: serve(upstreamEra),
      bridgeArgs: ['--era', upstreamEra],
      probe: 'in-place',
    };
    const bridged = sharedHost(options);

    it("the offer equals the upstream's to a sampling client: capabilities and tools", async () => {
      const { client } = bridged();
      const straight = await directOnce(upstreamEra, serve(upstreamEra), BRIDGE_DECLARES);
      expect(client.getServerCapabilities()).toEqual(straight.getServerCapabilities());
      expect(onHostEra((await client.listTools()).tools, era)).toEqual(
        onHostEra((await straight.listTools()).tools, era),
      );
    });

    it('summarize_document and ask_document work', async () => {
      const { client } = bridged();
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
      const pids = join(tempDir('mcp-bridge-pids-'), 'pids.json');
      const { client } = await host({
        ...options,
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
      const { client } = await host({ ...options, config: { servers: { '*': { approval: 'ask' } } } });
      const result = await outcome(
        client.callTool({ name: 'summarize_document', arguments: { document_text: DOCUMENT } }),
      );
      expect(result.failed).toBe(true);
      expect(result.text).toMatch(/nobody can be asked.*mcp-sampling ui/);
      expect(result.text).toMatch(
        /use a host that supports elicitation, or set approval to "auto" for this server; denied/,
      );
    });
  });
});

describe('bridge to a Streamable HTTP upstream (--server)', () => {
  // One server for every case: each host gets its own bridge, and so its own session or rounds.
  let running: RunningHttpServer | undefined;
  beforeAll(async () => {
    running = await startHttpServer({ port: 0, log: { info: () => {}, error: () => {} } });
  });
  afterAll(async () => {
    await running?.close(0);
  });

  describe.each(ERAS)('host on the %s era', (era) => {
    it.each(ERAS)('upstream era %s: summarize_document works', async (upstreamEra) => {
      const { client } = await host({
        era,
        upstream: [],
        bridgeArgs: ['--server', running!.url, '--era', upstreamEra],
        probe: 'in-place',
      });
      expect(client.getServerVersion()?.name).toBe('document-assistant (via mcp-sampling bridge)');
      const summary = await client.callTool({ name: 'summarize_document', arguments: { document_text: DOCUMENT } });
      expect(summary.isError).not.toBe(true);
      expect(textOf(summary)).toMatch(/trees|roots|shade/i);
    });
  });
});
