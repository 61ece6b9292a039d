/**
 * Long documents: map-reduce through parallel sampling on both eras, files from the client's roots,
 * progress, cancellation, and the signed round state of the 2026 era.
 */
import { createHash } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Client, type CreateMessageRequest } from '@modelcontextprotocol/client';
import { afterEach, describe, expect, it } from 'vitest';

import type { SamplingHandler } from '../src/client/sampling/handler.js';
import type { DocumentAssistantOptions } from '../src/server/create-server.js';
import { COMBINE_SYSTEM_PROMPT, documentBudget, MAP_SYSTEM_PROMPT } from '../src/server/documents/map-reduce.js';
import { textChunks } from '../src/server/documents/chunk-source.js';
import { ERAS, textOf, versionNegotiation, wire, type Era } from './helpers/wire.js';

/** A document of `paragraphs` distinct paragraphs of about 60 tokens each. */
function longDocument(paragraphs: number): string {
  return Array.from(
    { length: paragraphs },
    (_, i) =>
      `Paragraph ${i + 1} reports measurement ${i * 7 + 3} from station ${i % 13}. The readings stayed within ` +
      `the expected range for the season, and the team logged ${i % 5} anomalies that needed a second look. ` +
      `Notes for section ${i + 1} end here.`,
  ).join('\n\n');
}

interface Scripted {
  handler: SamplingHandler;
  calls: CreateMessageRequest['params'][];
  maxInFlight: () => number;
}

/** A scripted model: answers each request with a short text after `delayMs`, and counts what it sees. */
function scripted(delayMs = 2, answer = (p: CreateMessageRequest['params'], n: number) => `summary ${n}`): Scripted {
  const calls: CreateMessageRequest['params'][] = [];
  let inFlight = 0;
  let max = 0;
  const handler: SamplingHandler = async (request, ctx) => {
    calls.push(request.params);
    const n = calls.length;
    inFlight++;
    max = Math.max(max, inFlight);
    try {
      await new Promise<void>((resolve, reject) => {
        const signal = ctx.mcpReq.signal;
        // On the 2026 era every request of a round (up to 64) shares this signal, as our real handler knows.
        setMaxListeners(0, signal);
        const onAbort = () => {
          clearTimeout(timer);
          reject(signal.reason);
        };
        const timer = setTimeout(() => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        }, delayMs);
        signal.addEventListener('abort', onAbort, { once: true });
      });
    } finally {
      inFlight--;
    }
    return { role: 'assistant', model: 'scripted', content: { type: 'text', text: answer(request.params, n) } };
  };
  return { handler, calls, maxInFlight: () => max };
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()!();
});

async function connect(
  era: Era,
  handler: SamplingHandler,
  options: { roots?: string[]; server?: Omit<DocumentAssistantOptions, 'fileAccess'>; manual?: boolean } = {},
) {
  const wired = await wire({
    era,
    handler,
    roots: options.roots,
    ...(options.server !== undefined && { server: options.server }),
    ...(options.manual === true && {
      client: new Client(
        { name: 'manual', version: '1' },
        {
          capabilities: { sampling: {} },
          versionNegotiation: versionNegotiation('modern'),
          inputRequired: { autoFulfill: false },
        },
      ),
    }),
  });
  closers.push(() => wired.close());
  return wired.client;
}

describe.each(ERAS)('map-reduce on the %s era', (era) => {
  it('summarizes every chunk, then combines the summaries into one', async () => {
    const text = longDocument(60);
    const contextTokens = 1024;
    const expectedChunks = textChunks(text, documentBudget(contextTokens, 300)).length;
    expect(expectedChunks).toBeGreaterThan(4);
    const model = scripted();
    const client = await connect(era, model.handler);
    const result = await client.callTool({
      name: 'summarize_document',
      arguments: { document_text: text, context_tokens: contextTokens },
    });
    expect(result.isError).not.toBe(true);
    const maps = model.calls.filter((c) => c.systemPrompt === MAP_SYSTEM_PROMPT);
    const combines = model.calls.filter((c) => c.systemPrompt === COMBINE_SYSTEM_PROMPT);
    expect(maps).toHaveLength(expectedChunks);
    expect(combines.length).toBeGreaterThanOrEqual(1);
    // Every part of the document went to the model exactly once.
    const sent = maps.map((c) => (c.messages[0]!.content as { text: string }).text).join('\n\n');
    for (const n of [1, 30, 60]) expect(sent.match(new RegExp(`Paragraph ${n} reports`, 'g'))).toHaveLength(1);
    // The final answer is the last combine request's.
    expect(textOf(result)).toBe(`Summary:\nsummary ${model.calls.length}`);
    expect(combines.at(-1)!.maxTokens).toBe(300);
    expect(result._meta?.['mcp-sampling/summary']).toMatchObject({
      chunks: expectedChunks,
      requests: model.calls.length,
    });
  });

  it('runs the map requests in parallel (4 at a time pushed on 2025, one round on 2026)', async () => {
    const model = scripted(20);
    const client = await connect(era, model.handler);
    await client.callTool({
      name: 'summarize_document',
      arguments: { document_text: longDocument(60), context_tokens: 1024 },
    });
    if (era === 'legacy') expect(model.maxInFlight()).toBe(4);
    else expect(model.maxInFlight()).toBeGreaterThan(4);
  });

  it('hierarchical reduce: many summaries are combined in groups, level by level', async () => {
    // Long partial summaries force several reduce levels.
    const model = scripted(1, (p, n) => (p.maxTokens >= 100 ? `${'word '.repeat(p.maxTokens * 3)}${n}` : `short ${n}`));
    const client = await connect(era, model.handler);
    const result = await client.callTool({
      name: 'summarize_document',
      arguments: { document_text: longDocument(120), context_tokens: 2048 },
    });
    expect(result.isError).not.toBe(true);
    const levels = (result._meta?.['mcp-sampling/summary'] as { levels: number }).levels;
    expect(levels).toBeGreaterThanOrEqual(3);
  });

  it('reports progress to a caller that asks for it', async () => {
    const model = scripted();
    const client = await connect(era, model.handler);
    const updates: { progress: number; total?: number | undefined; message?: string | undefined }[] = [];
    await client.callTool(
      { name: 'summarize_document', arguments: { document_text: longDocument(60), context_tokens: 1024 } },
      { onprogress: (p) => updates.push(p) },
    );
    // The SDK client adds its own updates for 2026-era rounds ("Fulfilling input required … (round n)").
    const fromServer = updates.filter((u) => !(u.message ?? '').startsWith('Fulfilling'));
    expect(fromServer.length).toBeGreaterThan(0);
    const last = fromServer.at(-1)!;
    expect(last.message).toMatch(/combining/);
    const progresses = fromServer.map((u) => u.progress);
    expect([...progresses].sort((a, b) => a - b)).toEqual(progresses);
  });

  it('cancelling mid-map stops the requests: nothing more is sent, nothing is left unhandled', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const model = scripted(60_000); // never answers in time
      const client = await connect(era, model.handler);
      const controller = new AbortController();
      const call = client.callTool(
        { name: 'summarize_document', arguments: { document_text: longDocument(60), context_tokens: 1024 } },
        { signal: controller.signal },
      );
      const settled = call.then(
        () => 'resolved',
        () => 'rejected',
      );
      await expect.poll(() => model.calls.length).toBeGreaterThan(0);
      controller.abort(new Error('cancelled by test'));
      expect(await settled).toBe('rejected');
      await expect.poll(() => model.maxInFlight() > 0 && model.calls.length > 0).toBe(true);
      const seen = model.calls.length;
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(model.calls.length).toBe(seen);
      if (era === 'legacy') expect(seen).toBeLessThanOrEqual(4);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
  });
});

describe('a document_text longer than one segment (one 2026-era round of map requests)', () => {
  /** Answers each request with a digest of what it was sent: equal summaries mean equal requests all the way up. */
  const byContent = (p: CreateMessageRequest['params']) =>
    `part ${createHash('sha256')
      .update(p.messages.map((m) => (m.content as { text: string }).text).join('|'))
      .digest('hex')
      .slice(0, 12)}`;
  // About 2 MB: with a 1024-token context that is several segments of 512 chunks' worth.
  const text = longDocument(10_000);

  it('gives the same summary on both eras, and every paragraph reaches the model exactly once', async () => {
    const outcomes: { summary: string; maps: number; meta: unknown }[] = [];
    for (const era of ERAS) {
      const model = scripted(0, byContent);
      const client = await connect(era, model.handler);
      const result = await client.callTool({
        name: 'summarize_document',
        arguments: { document_text: text, context_tokens: 1024 },
      });
      expect(result.isError, `${era}: ${textOf(result)}`).not.toBe(true);
      const maps = model.calls.filter((c) => c.systemPrompt === MAP_SYSTEM_PROMPT);
      expect(maps.length).toBeGreaterThan(1024); // more than one segment, and more than one round's cap
      const sent = maps.map((c) => (c.messages[0]!.content as { text: string }).text).join('\n\n');
      for (const n of [1, 2_500, 5_000, 7_777, 10_000]) {
        expect(sent.match(new RegExp(`Paragraph ${n} reports`, 'g')), `${era}: paragraph ${n}`).toHaveLength(1);
      }
      // No map request was asked twice (a 2026-era round never asks again what an earlier one answered).
      expect(new Set(maps.map((c) => JSON.stringify(c))).size).toBe(maps.length);
      outcomes.push({ summary: textOf(result), maps: maps.length, meta: result._meta?.['mcp-sampling/summary'] });
    }
    expect(outcomes[1]!.summary).toBe(outcomes[0]!.summary);
    expect(outcomes[1]!.maps).toBe(outcomes[0]!.maps);
    expect(outcomes[1]!.meta).toEqual(outcomes[0]!.meta);
  }, 120_000);
});

describe.each(ERAS)('a long file on the %s era', (era) => {
  it('is read in segments: every paragraph reaches the model exactly once, and the counts add up', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-sampling-long-'));
    const paragraphs = 900;
    writeFileSync(join(dir, 'long.txt'), longDocument(paragraphs));
    const model = scripted(0);
    const client = await connect(era, model.handler, { roots: [dir] });
    const result = await client.callTool({
      name: 'summarize_document',
      arguments: { path: join(dir, 'long.txt'), context_tokens: 1024 },
    });
    expect(result.isError).not.toBe(true);
    const maps = model.calls.filter((c) => c.systemPrompt === MAP_SYSTEM_PROMPT);
    expect(maps.length).toBeGreaterThan(64); // more than one segment
    const sent = maps.map((c) => (c.messages[0]!.content as { text: string }).text).join('\n\n');
    for (let n = 1; n <= paragraphs; n++) {
      expect(sent.match(new RegExp(`Paragraph ${n} reports`, 'g')), `paragraph ${n}`).toHaveLength(1);
    }
    expect(result._meta?.['mcp-sampling/summary']).toMatchObject({ chunks: maps.length, requests: model.calls.length });
  });

  it('with lossy, counts the invalid bytes of every segment, not just the last one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-sampling-lossy-'));
    const bad = Buffer.from([0xc3, 0x28]);
    const body = Buffer.from(longDocument(900));
    const middle = Math.floor(body.length / 2);
    // One invalid sequence near the start (first segment) and one in the middle (a later segment).
    writeFileSync(
      join(dir, 'lossy.txt'),
      Buffer.concat([Buffer.from('Start '), bad, body.subarray(0, middle), bad, body.subarray(middle)]),
    );
    const client = await connect(era, scripted(0).handler, { roots: [dir] });
    const result = await client.callTool({
      name: 'summarize_document',
      arguments: { path: join(dir, 'lossy.txt'), context_tokens: 1024, lossy: true },
    });
    expect(textOf(result)).toMatch(/2 invalid UTF-8 sequences were replaced/);
  });
});

describe('files from the client roots', () => {
  const base = mkdtempSync(join(tmpdir(), 'mcp-sampling-roots-'));
  const root = join(base, 'docs');
  const outside = join(base, 'private');
  mkdirSync(root);
  mkdirSync(outside);
  writeFileSync(join(root, 'notes.txt'), 'Street trees cool cities. They hold rain water.');
  writeFileSync(join(outside, 'secret.txt'), 'The secret is 42.');
  symlinkSync(join(outside, 'secret.txt'), join(root, 'escape.txt'));
  mkdirSync(join(root, 'folder'));
  writeFileSync(
    join(root, 'utf16.txt'),
    Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Grüße aus Köln. Es regnet.', 'utf16le')]),
  );
  writeFileSync(
    join(root, 'bom.txt'),
    Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('With a BOM. Fine.')]),
  );
  writeFileSync(
    join(root, 'broken.txt'),
    Buffer.concat([Buffer.from('Valid start. '), Buffer.from([0xc3, 0x28]), Buffer.from(' more.')]),
  );
  writeFileSync(join(root, 'binary.bin'), Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x01]));
  writeFileSync(join(root, 'empty.txt'), '  \n\n ');

  describe.each(ERAS)('on the %s era', (era) => {
    async function summarizePath(path: string, extra: Record<string, unknown> = {}, roots = [root]) {
      const model = scripted(1, (p) => (p.messages[0]!.content as { text: string }).text);
      const client = await connect(era, model.handler, { roots });
      const result = await client.callTool({ name: 'summarize_document', arguments: { path, ...extra } });
      return { isError: result.isError === true, text: textOf(result), calls: model.calls.length };
    }

    it('reads a file inside a root (absolute or relative to the root)', async () => {
      expect(await summarizePath(join(root, 'notes.txt'))).toMatchObject({
        isError: false,
        text: 'Summary:\nStreet trees cool cities. They hold rain water.',
        calls: 1,
      });
      expect((await summarizePath('notes.txt')).isError).toBe(false);
    });

    it.each([
      ['.. out of the root', () => join(root, '..', 'private', 'secret.txt'), /outside the client's roots/],
      ['a symlink that escapes', () => join(root, 'escape.txt'), /link that leads outside/],
      ['a directory', () => join(root, 'folder'), /is a directory/],
      ['a missing file', () => join(root, 'missing.txt'), /no such file/],
      ['a binary file', () => join(root, 'binary.bin'), /not a text file \(NUL byte at offset 4\)/],
      ['invalid UTF-8', () => join(root, 'broken.txt'), /not valid UTF-8 .*offset 13/],
      ['an empty file', () => join(root, 'empty.txt'), /empty/],
    ])('refuses %s with a clear isError, and sends nothing', async (_what, path, message) => {
      const outcome = await summarizePath(path());
      expect(outcome.isError).toBe(true);
      expect(outcome.text).toMatch(message);
      expect(outcome.calls).toBe(0);
    });

    it('decodes UTF-16 with a BOM and strips a UTF-8 BOM', async () => {
      expect((await summarizePath(join(root, 'utf16.txt'))).text).toBe('Summary:\nGrüße aus Köln. Es regnet.');
      expect((await summarizePath(join(root, 'bom.txt'))).text).toBe('Summary:\nWith a BOM. Fine.');
    });

    it('with lossy, replaces invalid bytes and says how many', async () => {
      const outcome = await summarizePath(join(root, 'broken.txt'), { lossy: true });
      expect(outcome.isError).toBe(false);
      expect(outcome.text).toMatch(/Valid start\. \uFFFD\( more\./);
      expect(outcome.text).toMatch(/1 invalid UTF-8 sequences were replaced/);
    });

    it('a client that declares no roots cannot make the server read files', async () => {
      const outcome = await summarizePath(join(root, 'notes.txt'), {}, []);
      expect(outcome.isError).toBe(true);
      expect(outcome.text).toMatch(/declares no roots/);
    });
  });
});

describe('2026-era round state', () => {
  async function firstRound(client: Client, text: string) {
    return (await client.request(
      { method: 'tools/call', params: { name: 'summarize_document', arguments: { document_text: text } } },
      { allowInputRequired: true },
    )) as { resultType?: string; inputRequests?: Record<string, unknown>; requestState?: string };
  }

  function retry(client: Client, text: string, requestState: string, inputResponses: Record<string, unknown>) {
    return client.request(
      {
        method: 'tools/call',
        params: { name: 'summarize_document', arguments: { document_text: text }, requestState, inputResponses },
      },
      { allowInputRequired: true },
    );
  }

  const answer = { role: 'assistant', model: 'manual', content: { type: 'text', text: 'Manual summary.' } };

  it('answers a retry that carries the signed state and the responses', async () => {
    const client = await connect('modern', scripted().handler, { manual: true });
    const round = await firstRound(client, 'Some text. More text.');
    expect(round.resultType).toBe('input_required');
    const [key] = Object.keys(round.inputRequests!);
    const done = (await retry(client, 'Some text. More text.', round.requestState!, { [key!]: answer })) as {
      content: { text: string }[];
    };
    expect(done.content[0]!.text).toBe('Summary:\nManual summary.');
  });

  it('refuses tampered state with -32602', async () => {
    const client = await connect('modern', scripted().handler, { manual: true });
    const round = await firstRound(client, 'Some text.');
    const state = round.requestState!;
    const tampered = `${state.slice(0, -4)}${state.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
    await expect(retry(client, 'Some text.', tampered, {})).rejects.toMatchObject({ code: -32602 });
  });

  it('refuses state replayed for other arguments', async () => {
    // Tampered and expired state are refused at the SDK's verify seam (-32602). State with a valid
    // signature but issued for another call is refused by the engine inside the tool handler, and the SDK
    // reports every error thrown there as an isError result: same refusal, nothing is sampled.
    const model = scripted();
    const client = await connect('modern', model.handler, { manual: true });
    const round = await firstRound(client, 'Document A.');
    const result = (await retry(client, 'Document B.', round.requestState!, {})) as {
      isError?: boolean;
      content: { text: string }[];
    };
    expect(result.isError).toBe(true);
    expect(result.content[0]!.text).toMatch(/-32602.*another tool call|another tool call/);
    expect(model.calls).toHaveLength(0);
  });

  it('refuses expired state with -32602', async () => {
    const client = await connect('modern', scripted().handler, { manual: true, server: { stateTtlSeconds: 1 } });
    const round = await firstRound(client, 'Some text.');
    await new Promise((resolve) => setTimeout(resolve, 2100));
    await expect(retry(client, 'Some text.', round.requestState!, {})).rejects.toMatchObject({ code: -32602 });
  });
});
