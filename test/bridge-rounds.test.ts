/**
 * `mcp-sampling bridge` with a 2026-07-28-era host (the official SDK client pinned to that era, which
 * fulfils input_required rounds itself through its registered handlers): what the upstream and the
 * bridge ask of the host reaches it in rounds of the host's own call, on both upstream eras. The upstream
 * asks through elicitation (form, URL) and roots (our fixture, and server-everything); the bridge asks for
 * approval (`approval: "ask"`, the Document Assistant). Also: a forged, foreign or used requestState is
 * refused with -32602, and a host that cancels mid-round aborts the upstream's call.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import type { ElicitRequest } from '@modelcontextprotocol/client';
import { afterEach, describe, expect, it } from 'vitest';

import { bridgeHost, closeBridgeHosts, tempDir } from './helpers/bridge-host.js';
import { CLI, ERAS, textOf } from './helpers/wire.js';

const ASKING = [process.execPath, fileURLToPath(new URL('./fixtures/bridge/asking-server.mjs', import.meta.url))];
const require = createRequire(import.meta.url);
const EVERYTHING_PACKAGE = require.resolve('@modelcontextprotocol/server-everything/package.json');
const EVERYTHING = [
  process.execPath,
  join(
    dirname(EVERYTHING_PACKAGE),
    (JSON.parse(readFileSync(EVERYTHING_PACKAGE, 'utf8')) as { bin: Record<string, string> }).bin[
      'mcp-server-everything'
    ]!,
  ),
];
const DOCUMENT = [
  'Street trees cool cities by several degrees on summer afternoons.',
  'Their roots and soil hold rain water that would otherwise flood the drains.',
  'Shade on walls and windows lowers the energy spent on air conditioning.',
].join(' ');
const HOST_ROOT = { uri: 'file:///srv/host-project', name: 'host-project' };

afterEach(closeBridgeHosts);

async function waitFor(check: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
}

/** What a tool call ended with: its text, or the error's message. */
async function outcome(call: Promise<{ content?: unknown; isError?: boolean | undefined }>) {
  try {
    const result = await call;
    return { failed: result.isError === true, text: textOf(result) };
  } catch (error) {
    return { failed: true, text: (error as Error).message };
  }
}

describe.each(ERAS)('bridge, 2026-era host, upstream on the %s era', (upstreamEra) => {
  const upstream = { era: 'modern' as const, upstream: ASKING, bridgeArgs: ['--era', upstreamEra] };

  it("the upstream's form elicitation reaches the host, and its answer the upstream", async () => {
    const asked: ElicitRequest['params'][] = [];
    const { client } = await bridgeHost({
      ...upstream,
      capabilities: { elicitation: { form: {} } },
      setup: (c) =>
        c.setRequestHandler('elicitation/create', async (request) => {
          asked.push(request.params);
          return { action: 'accept', content: { name: 'Ada' } };
        }),
    });
    const result = await client.callTool({ name: 'ask_name', arguments: {} });
    expect(textOf(result)).toBe('accepted Ada');
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({ mode: 'form', message: 'What is your name?' });
    // The upstream's own progress token is not passed to the host.
    expect(asked[0]?._meta?.progressToken).toBeUndefined();
  });

  it('a declined form is declined upstream; two forms asked together are both answered', async () => {
    const asked: string[] = [];
    const { client } = await bridgeHost({
      ...upstream,
      capabilities: { elicitation: { form: {} } },
      setup: (c) =>
        c.setRequestHandler('elicitation/create', async (request) => {
          asked.push(request.params.message);
          return request.params.message === 'What is your name?'
            ? { action: 'decline' }
            : { action: 'accept', content: { name: request.params.message.split(' ')[0] ?? '' } };
        }),
    });
    expect(textOf(await client.callTool({ name: 'ask_name', arguments: {} }))).toBe('decline');
    expect(textOf(await client.callTool({ name: 'ask_two', arguments: {} }))).toBe('accepted First / accepted Second');
    expect(asked).toEqual(['What is your name?', 'First name?', 'Second name?']);
  });

  it('a URL elicitation reaches a host that declares URL mode, with its URL', async () => {
    const asked: ElicitRequest['params'][] = [];
    const { client } = await bridgeHost({
      ...upstream,
      capabilities: { elicitation: { form: {}, url: {} } },
      setup: (c) =>
        c.setRequestHandler('elicitation/create', async (request) => {
          asked.push(request.params);
          return { action: 'accept' };
        }),
    });
    const result = await client.callTool({ name: 'open_page', arguments: { url: 'https://example.com/consent' } });
    expect(textOf(result)).toBe('accepted');
    expect(asked).toEqual([{ mode: 'url', message: 'Open the page', url: 'https://example.com/consent' }]);
  });

  it('prompts/get takes rounds too', async () => {
    const { client } = await bridgeHost({
      ...upstream,
      capabilities: { elicitation: { form: {} } },
      setup: (c) =>
        c.setRequestHandler('elicitation/create', async () => ({ action: 'accept', content: { name: 'Ada' } })),
    });
    const prompt = await client.getPrompt({ name: 'greeting' });
    expect(prompt.messages).toEqual([{ role: 'user', content: { type: 'text', text: 'Greet accepted Ada' } }]);
  });

  it("roots: the upstream's roots/list is asked of the host during the call, plus --root", async () => {
    const extra = tempDir('mcp-bridge-root-');
    let listed = 0;
    const { client } = await bridgeHost({
      ...upstream,
      bridgeArgs: [...upstream.bridgeArgs, '--root', extra],
      capabilities: { roots: {} },
      setup: (c) =>
        c.setRequestHandler('roots/list', async () => {
          listed++;
          return { roots: [HOST_ROOT] };
        }),
    });
    const roots = JSON.parse(textOf(await client.callTool({ name: 'list_roots', arguments: {} }))) as { uri: string }[];
    expect(roots.map((root) => root.uri)).toEqual([pathToFileURL(extra).href, HOST_ROOT.uri]);
    expect(listed).toBe(1);
  });

  it("the host cancels while the upstream's call waits after a round: the upstream's call is aborted", async () => {
    const marker = join(tempDir(), 'aborted');
    const stop = new AbortController();
    const { client } = await bridgeHost({
      ...upstream,
      upstream: [...ASKING, '--marker', marker],
      capabilities: { elicitation: { form: {} } },
      setup: (c) =>
        c.setRequestHandler('elicitation/create', async () => {
          // Cancelled once the retry is open and the upstream waits.
          setTimeout(() => stop.abort(new Error('the user stopped it')), 300);
          return { action: 'accept', content: { name: 'Ada' } };
        }),
    });
    const result = await outcome(
      client.callTool({ name: 'ask_then_wait', arguments: {} }, { signal: stop.signal, timeout: 60_000 }),
    );
    expect(result.failed).toBe(true);
    await waitFor(() => existsSync(marker));
    expect(readFileSync(marker, 'utf8')).toBe('aborted');
  });
});

describe.each(ERAS)('bridge, 2026-era host, approval "ask" (Document Assistant on the %s era)', (upstreamEra) => {
  const options = {
    era: 'modern' as const,
    upstream: [process.execPath, CLI, 'serve'],
    bridgeArgs: ['--era', upstreamEra],
    config: { servers: { '*': { approval: 'ask' } } },
    capabilities: { elicitation: { form: {} } },
  };

  it("approve: the host's form shows the request, then the completion, and the tool answers", async () => {
    const forms: string[] = [];
    const { client } = await bridgeHost({
      ...options,
      setup: (c) =>
        c.setRequestHandler('elicitation/create', async (request) => {
          forms.push(request.params.message);
          return { action: 'accept', content: { decision: 'approve' } };
        }),
    });
    const result = await client.callTool({ name: 'summarize_document', arguments: { document_text: DOCUMENT } });
    expect(result.isError).not.toBe(true);
    expect(textOf(result)).toMatch(/trees|roots|shade/i);
    expect(forms.length).toBeGreaterThanOrEqual(2);
    expect(forms[0]).toMatch(/the server "document-assistant" asks to run a model/);
    expect(forms[1]).toMatch(/answered the server "document-assistant"/);
  });

  it('deny: the tool reports the refusal', async () => {
    const { client } = await bridgeHost({
      ...options,
      setup: (c) =>
        c.setRequestHandler('elicitation/create', async () => ({ action: 'accept', content: { decision: 'deny' } })),
    });
    const result = await outcome(
      client.callTool({ name: 'summarize_document', arguments: { document_text: DOCUMENT } }),
    );
    expect(result.failed).toBe(true);
    expect(result.text).toMatch(/denied by the user at the host/);
  });
});

describe('bridge, 2026-era host, requestState', () => {
  /** A host that drives rounds itself (the SDK's manual mode), to send what a broken or hostile host would. */
  async function manualHost() {
    const { client } = await bridgeHost({
      era: 'modern',
      upstream: ASKING,
      capabilities: { elicitation: { form: {} } },
      inputRequired: { autoFulfill: false },
    });
    const call = (params: Record<string, unknown>) =>
      client.request({ method: 'tools/call', params } as never, { allowInputRequired: true } as never) as Promise<
        Record<string, unknown>
      >;
    return { call };
  }

  it('asks made together go in one round, keyed by the bridge; the answered retry gets the result', async () => {
    const { call } = await manualHost();
    const round = await call({ name: 'ask_two', arguments: {} });
    expect(round['resultType']).toBe('input_required');
    const requests = round['inputRequests'] as Record<string, { method: string; params: { message: string } }>;
    expect(Object.values(requests).map((r) => [r.method, r.params.message])).toEqual([
      ['elicitation/create', 'First name?'],
      ['elicitation/create', 'Second name?'],
    ]);
    const answers = Object.fromEntries(Object.keys(requests).map((key) => [key, { action: 'decline' }]));
    const done = await call({
      name: 'ask_two',
      arguments: {},
      requestState: round['requestState'],
      inputResponses: answers,
    });
    expect(textOf(done)).toBe('decline / decline');
  });

  it('a forged state, another request with a real state, a bad answer and a used state: -32602, one line', async () => {
    const { call } = await manualHost();
    const round = await call({ name: 'ask_name', arguments: {} });
    const state = round['requestState'];
    expect(typeof state).toBe('string');
    const [key] = Object.keys(round['inputRequests'] as object);
    const refusal = (params: Record<string, unknown>) =>
      call(params).then(
        () => undefined,
        (error: { code?: number; message: string }) => ({ code: error.code, message: error.message }),
      );

    const forged = await refusal({ name: 'ask_name', arguments: {}, requestState: 'AAAA', inputResponses: {} });
    expect(forged).toMatchObject({
      code: -32602,
      message: expect.stringMatching(/requestState is unknown, expired or already used/),
    });
    const other = await refusal({ name: 'ask_two', arguments: {}, requestState: state, inputResponses: {} });
    expect(other).toMatchObject({ code: -32602, message: expect.stringMatching(/belongs to another request/) });
    const bad = await refusal({
      name: 'ask_name',
      arguments: {},
      requestState: state,
      inputResponses: { [key!]: { action: 'maybe' } },
    });
    expect(bad).toMatchObject({ code: -32602, message: expect.stringMatching(/not a valid elicitation answer/) });
    for (const refused of [forged, other, bad]) expect(refused?.message.split('\n')).toHaveLength(1);

    // The refusals did not use the state up: the right retry still gets the result, once.
    const answered = { [key!]: { action: 'accept', content: { name: 'Ada' } } };
    expect(textOf(await call({ name: 'ask_name', arguments: {}, requestState: state, inputResponses: answered }))).toBe(
      'accepted Ada',
    );
    const replayed = await refusal({ name: 'ask_name', arguments: {}, requestState: state, inputResponses: answered });
    expect(replayed).toMatchObject({ code: -32602, message: expect.stringMatching(/already used/) });
  });
});

describe('bridge, 2026-era host, server-everything (2025 era only)', () => {
  it('the upstream is offered elicitation and roots on the host behalf: the tools appear, and answer', async () => {
    const asked: string[] = [];
    const extra = tempDir('mcp-bridge-root-');
    const { client } = await bridgeHost({
      era: 'modern',
      upstream: EVERYTHING,
      bridgeArgs: ['--root', extra],
      capabilities: { elicitation: { form: {} }, roots: {} },
      setup: (c) => {
        c.setRequestHandler('elicitation/create', async (request) => {
          asked.push(request.params.message);
          return { action: 'decline' };
        });
        c.setRequestHandler('roots/list', async () => ({ roots: [HOST_ROOT] }));
      },
    });
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['trigger-elicitation-request', 'get-roots-list']));
    const result = await client.callTool({ name: 'trigger-elicitation-request', arguments: {} });
    expect(asked).toEqual(['Please provide inputs for the following fields:']);
    expect(textOf(result)).toMatch(/declined/);
    const roots = textOf(await client.callTool({ name: 'get-roots-list', arguments: {} }));
    expect(roots).toContain(HOST_ROOT.uri);
    expect(roots).toContain(pathToFileURL(extra).href);
  });
});
