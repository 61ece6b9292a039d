/**
 * The fast path's rules, against a real upstream (an SDK server with plain tools, connected in memory to an
 * SDK client on the 2025 era): which requests it takes, how it answers them (per era), errors, progress
 * and cancellation.
 */
import { Client, InMemoryTransport } from '@modelcontextprotocol/client';
import { McpServer, ProtocolError, type JSONRPCMessage } from '@modelcontextprotocol/server';
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod/v4';

import { versionNegotiation } from '../../client/connect/era.js';
import { createFastPath, encodeError, encodeModernCallResult, envelopeKey, type FastPath } from './fast-path.js';
import type { Upstream } from './proxy-server.js';

const SERVER_INFO = { name: 'plain (via mcp-sampling bridge)', version: '1.0.0' };
const ENVELOPE = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientInfo': { name: 'host', version: '1' },
  'io.modelcontextprotocol/clientCapabilities': {},
};

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

interface Rig {
  fast: FastPath;
  sent: JSONRPCMessage[];
  /** The calls of `wait` that have started, and the reasons of those aborted. */
  started: boolean[];
  aborted: string[];
  /** The upstream has gone, for this reason. */
  leave(why: string): void;
  /** Sets the host's pinned era. */
  pin(era: 'legacy' | 'modern' | undefined): void;
  /** Resolves once the host has received a message with this id. */
  answer(id: string | number): Promise<Record<string, unknown>>;
}

async function rig(upstreamEra: 'legacy' | 'modern' = 'legacy'): Promise<Rig> {
  const aborted: string[] = [];
  const started: boolean[] = [];
  const server = new McpServer({ name: 'plain', version: '1.0.0' }, { capabilities: { tools: {} } });
  server.registerTool('echo', { inputSchema: z.object({ text: z.string() }) }, async ({ text }) => ({
    content: [{ type: 'text', text }],
    _meta: { 'example.com/own': 1 },
  }));
  server.registerTool('steps', { inputSchema: z.object({}) }, async (_args, ctx) => {
    const token = ctx.mcpReq._meta?.progressToken;
    if (token !== undefined) {
      await ctx.mcpReq.notify({ method: 'notifications/progress', params: { progressToken: token, progress: 1 } });
    }
    return { content: [{ type: 'text', text: 'done' }] };
  });
  server.registerTool('wait', { inputSchema: z.object({}) }, async (_args, ctx) => {
    started.push(true);
    await new Promise((resolve) => ctx.mcpReq.signal.addEventListener('abort', resolve, { once: true }));
    aborted.push(String(ctx.mcpReq.signal.reason));
    return { content: [] };
  });
  server.registerTool('refuse', { inputSchema: z.object({}) }, async () => {
    throw new ProtocolError(-32001, 'refused', { why: 'test' });
  });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'bridge', version: '1' }, { versionNegotiation: versionNegotiation('legacy') });
  await client.connect(clientSide);
  closers.push(async () => {
    await client.close();
    await server.close();
  });
  let gone: string | undefined;
  const upstream: Upstream = { client, server: { name: 'plain', version: '1.0.0' }, gone: () => gone };
  let era: 'legacy' | 'modern' | undefined = 'legacy';
  const sent: JSONRPCMessage[] = [];
  const waiting = new Map<string | number, (message: Record<string, unknown>) => void>();
  const fast = createFastPath(
    upstream,
    {
      era: () => era,
      serverInfo: SERVER_INFO,
      send: async (message) => {
        sent.push(message);
        const id = (message as { id?: string | number }).id;
        if (id !== undefined) waiting.get(id)?.(message as Record<string, unknown>);
      },
      log: () => {},
    },
    upstreamEra,
  );
  closers.push(async () => fast.close());
  return {
    fast,
    sent,
    started,
    aborted,
    leave: (why) => (gone = why),
    pin: (value) => (era = value),
    answer: (id) => {
      const already = sent.find((m) => (m as { id?: unknown }).id === id);
      if (already !== undefined) return Promise.resolve(already as Record<string, unknown>);
      return new Promise((resolve) => waiting.set(id, resolve));
    },
  };
}

const call = (id: string | number, params: unknown): JSONRPCMessage =>
  ({ jsonrpc: '2.0', id, method: 'tools/call', params }) as JSONRPCMessage;

/** The SDK answered request `id` successfully: its envelope is trusted from now on. */
function sdkAnswered(fast: FastPath, id: string | number, params: unknown = { name: 'echo' }): void {
  expect(fast.take(call(id, params))).toBe(false);
  fast.sent({ jsonrpc: '2.0', id, result: { content: [] } } as JSONRPCMessage);
}

describe('envelopeKey', () => {
  it('none on a 2025-era request; the three keys of a 2026-era one; undefined for what the SDK must see', () => {
    expect(envelopeKey(undefined)).toBe('legacy');
    expect(envelopeKey({ name: 'x', _meta: { progressToken: 1, 'example.com/own': true } })).toBe('legacy');
    expect(envelopeKey({ name: 'x', _meta: ENVELOPE })).toBe(
      JSON.stringify(['2026-07-28', { name: 'host', version: '1' }, {}]),
    );
    expect(envelopeKey({ _meta: { ...ENVELOPE, 'io.modelcontextprotocol/logLevel': 'debug' } })).toBeUndefined();
    expect(envelopeKey({ _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28' } })).toBeUndefined();
    expect(envelopeKey({ _meta: [] })).toBeUndefined();
    expect(envelopeKey([])).toBeUndefined();
  });
});

describe('encodeModernCallResult and encodeError', () => {
  it("a complete result with the server's identity, its own _meta kept", () => {
    expect(encodeModernCallResult({ content: [], _meta: { own: 1 } }, SERVER_INFO)).toEqual({
      content: [],
      resultType: 'complete',
      _meta: { own: 1, 'io.modelcontextprotocol/serverInfo': SERVER_INFO },
    });
    expect(encodeModernCallResult({ content: [] }, SERVER_INFO)['_meta']).toEqual({
      'io.modelcontextprotocol/serverInfo': SERVER_INFO,
    });
  });

  it('errors as the SDK answers them: the code (-32002 as -32602), the message, the data', () => {
    expect(encodeError(new ProtocolError(-32001, 'no', { a: 1 }))).toEqual({
      code: -32001,
      message: 'no',
      data: { a: 1 },
    });
    expect(encodeError(new ProtocolError(-32002, 'gone'))).toEqual({ code: -32602, message: 'gone' });
    expect(encodeError(new Error('plain'))).toEqual({ code: -32603, message: 'plain' });
  });
});

describe('createFastPath', () => {
  it('takes a plain tools/call only once the SDK has answered a request with the same envelope', async () => {
    const { fast, answer } = await rig();
    expect(fast.take(call(1, { name: 'echo', arguments: { text: 'a' } }))).toBe(false);
    fast.sent({ jsonrpc: '2.0', id: 1, result: { content: [] } } as JSONRPCMessage);
    expect(fast.take(call(2, { name: 'echo', arguments: { text: 'b' } }))).toBe(true);
    expect(await answer(2)).toEqual({
      jsonrpc: '2.0',
      id: 2,
      result: { content: [{ type: 'text', text: 'b' }], _meta: { 'example.com/own': 1 } },
    });
  });

  it('an SDK error answer does not make an envelope trusted', async () => {
    const { fast } = await rig();
    expect(fast.take(call(1, { name: 'echo' }))).toBe(false);
    fast.sent({ jsonrpc: '2.0', id: 1, error: { code: -32602, message: 'bad' } } as JSONRPCMessage);
    expect(fast.take(call(2, { name: 'echo', arguments: { text: 'b' } }))).toBe(false);
  });

  it('leaves to the SDK what is not plain, or not on the pinned era', async () => {
    const { fast, pin } = await rig();
    sdkAnswered(fast, 0);
    for (const params of [
      { name: 'echo', arguments: ['a'] },
      { name: 7 },
      { name: 'echo', task: {} },
      { name: 'echo', inputResponses: {} },
      { name: 'echo', requestState: 'x' },
      { name: 'echo', _meta: { progressToken: { no: 1 } } },
      { name: 'echo', _meta: { progressToken: 1.5 } },
      { name: 'echo', _meta: ENVELOPE },
      [],
    ]) {
      expect(fast.take(call(1, params))).toBe(false);
    }
    expect(fast.take({ jsonrpc: '2.0', id: 1, method: 'tools/list' } as JSONRPCMessage)).toBe(false);
    pin(undefined);
    expect(fast.take(call(1, { name: 'echo' }))).toBe(false);
    pin('modern');
    expect(fast.take(call(1, { name: 'echo' }))).toBe(false);
  });

  it('a 2026-era host: taken on a 2026-era upstream, never when its envelope declares elicitation or roots', async () => {
    const { fast, pin, answer } = await rig('modern');
    pin('modern');
    const params = { name: 'echo', arguments: { text: 'm' }, _meta: ENVELOPE };
    sdkAnswered(fast, 0, params);
    expect(fast.take(call(1, params))).toBe(true);
    expect((await answer(1))['result']).toEqual({
      content: [{ type: 'text', text: 'm' }],
      resultType: 'complete',
      _meta: { 'example.com/own': 1, 'io.modelcontextprotocol/serverInfo': SERVER_INFO },
    });
    for (const capabilities of [{ elicitation: {} }, { roots: {} }]) {
      const asking = { ...params, _meta: { ...ENVELOPE, 'io.modelcontextprotocol/clientCapabilities': capabilities } };
      sdkAnswered(fast, 2, asking);
      expect(fast.take(call(3, asking))).toBe(false);
    }
  });

  it('not across eras: a 2025-era host in front of a 2026-era upstream is the SDK path', async () => {
    const { fast } = await rig('modern');
    sdkAnswered(fast, 0);
    expect(fast.take(call(1, { name: 'echo', arguments: { text: 'a' } }))).toBe(false);
  });

  it("errors reach the host as the SDK's would: a tool's failure as its result, the upstream gone as an error", async () => {
    const { fast, answer, leave } = await rig();
    sdkAnswered(fast, 0);
    expect(fast.take(call(1, { name: 'refuse', arguments: {} }))).toBe(true);
    expect((await answer(1))['result']).toMatchObject({ isError: true });
    leave('is no longer connected');
    expect(fast.take(call(2, { name: 'echo', arguments: { text: 'a' } }))).toBe(true);
    expect((await answer(2))['error']).toEqual({
      code: -32603,
      message: 'mcp-sampling bridge: plain is no longer connected',
    });
  });

  it('progress reaches the host under its own token, before the result', async () => {
    const { fast, sent, answer } = await rig();
    sdkAnswered(fast, 0);
    expect(fast.take(call('p', { name: 'steps', arguments: {}, _meta: { progressToken: 'host-token' } }))).toBe(true);
    await answer('p');
    expect(sent).toEqual([
      { jsonrpc: '2.0', method: 'notifications/progress', params: { progress: 1, progressToken: 'host-token' } },
      { jsonrpc: '2.0', id: 'p', result: { content: [{ type: 'text', text: 'done' }] } },
    ]);
  });

  it('the host cancels a fast-pathed id: the upstream call is aborted and nothing is answered', async () => {
    const { fast, sent, started, aborted } = await rig();
    sdkAnswered(fast, 0);
    expect(fast.take(call(5, { name: 'wait', arguments: {} }))).toBe(true);
    for (let i = 0; i < 100 && started.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    // A second request with an id in flight is the SDK's.
    expect(fast.take(call(5, { name: 'echo', arguments: { text: 'x' } }))).toBe(false);
    const cancel = { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 5, reason: 'no more' } };
    expect(fast.take(cancel as JSONRPCMessage)).toBe(true);
    for (let i = 0; i < 100 && aborted.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(aborted).toHaveLength(1);
    expect(sent).toEqual([]);
    // A cancellation for an id the fast path does not hold is the SDK's.
    expect(fast.take(cancel as JSONRPCMessage)).toBe(false);
  });
});
