/**
 * `mcp-sampling bridge` end to end, what the bridge asks of its host: approval through the host's
 * elicitation, the upstream's own elicitations (form and URL) and roots passed to a 2025-era host, and a
 * 2026-era host, to which the bridge cannot send requests.
 */
import { pathToFileURL } from 'node:url';

import { Client, type ClientCapabilities, type ElicitRequest } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterEach, describe, expect, it } from 'vitest';

import {
  BRIDGE_DECLARES,
  directOnce,
  DOCUMENT,
  EVERYTHING,
  host,
  makeHome,
  outcome,
  serve,
  tempDir,
  useBridgeCleanup,
} from './helpers/bridge.js';
import { CLI, textOf, versionNegotiation } from './helpers/wire.js';

useBridgeCleanup();

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
    (await directOnce('legacy', EVERYTHING, { ...BRIDGE_DECLARES, ...capabilities })).listTools();

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
    const extra = tempDir('mcp-bridge-root-');
    const { home, config } = makeHome();
    let hostRoots = [{ uri: 'file:///srv/host-project', name: 'host-project' }];
    const client = new Client(
      { name: 'host-with-roots', version: '1.0.0' },
      { capabilities: { roots: { listChanged: true } }, versionNegotiation: versionNegotiation('legacy') },
    );
    client.setRequestHandler('roots/list', async () => ({ roots: hostRoots }));
    try {
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
        if (!text.includes('host-project')) await new Promise((r) => setTimeout(r, 50));
      }
      expect(text).toContain('file:///srv/host-project');
      expect(text).toContain(pathToFileURL(extra).href);
      hostRoots = [{ uri: 'file:///srv/other-project', name: 'other-project' }];
      await client.sendRootsListChanged();
      for (let i = 0; i < 40 && !text.includes('other-project'); i++) {
        text = await listed();
        if (!text.includes('other-project')) await new Promise((r) => setTimeout(r, 50));
      }
      expect(text).toContain('file:///srv/other-project');
      expect(text).not.toContain('host-project');
    } finally {
      await client.close();
    }
  });
});

// What a 2026-era host is asked (elicitation, approval, roots) in rounds of its own calls: bridge-rounds.test.ts.
