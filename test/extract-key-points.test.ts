/**
 * `extract_key_points` end to end: the real Document Assistant and our real client in memory, on both eras,
 * with a scripted model (`MockLanguageModelV3`) behind the whole policy path, or with the embedded
 * extractive model alone, which cannot produce structured output and must make the call fail in one line.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { LanguageModelV3CallOptions } from '@ai-sdk/provider';
import type { Client } from '@modelcontextprotocol/client';
import { afterEach, describe, expect, it } from 'vitest';

import type { SamplingHandler } from '../src/client/sampling/handler.js';
import { MAP_SYSTEM_PROMPT } from '../src/server/documents/map-reduce.js';
import { scriptedModelHandler, testHandler } from './helpers/runtime.js';
import { clientWithoutTools, scriptedModel } from './helpers/scripted-model.js';
import { ERAS, textOf, wire, type Era } from './helpers/wire.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()!();
});

const DOCUMENT =
  'Ada Lovelace published the first algorithm for a computing machine in London in 1843. ' +
  "Her notes on Charles Babbage's Analytical Engine described how it could go beyond arithmetic.";

const KEY_POINTS = {
  title: 'Ada Lovelace and the Analytical Engine',
  key_points: [
    'Ada Lovelace published the first algorithm for a computing machine in 1843.',
    'She saw that the Analytical Engine could do more than arithmetic.',
  ],
  entities: [
    { name: 'Ada Lovelace', type: 'person' },
    { name: 'Charles Babbage', type: 'person' },
    { name: 'London', type: 'place' },
    { name: '1843', type: 'date' },
  ],
};

/** One model turn: text, or a call of the final_response tool. */
type Turn = { text?: string; final?: unknown };

/** A model that answers each call with `turn(call, n)`: text, or the value as a final_response call. */
function keyPointsModel(turn: (call: LanguageModelV3CallOptions, n: number) => Turn) {
  return scriptedModel((call, n) => {
    const { text, final } = turn(call, n);
    return {
      ...(text !== undefined && { text }),
      ...(final !== undefined && { calls: [{ name: 'final_response', input: final }] }),
    };
  });
}

/**
 * The real Document Assistant linked in memory to our client answering with `handler` (or to `client`, a
 * client the test built), which must land on `era`.
 */
async function serve(era: Era, handler: SamplingHandler | Client, options: { roots?: string[] } = {}): Promise<Client> {
  const wired = await wire({
    era,
    ...(typeof handler === 'function' ? { handler } : { client: handler }),
    roots: options.roots,
  });
  closers.push(() => wired.close());
  return wired.client;
}

const extract = (client: Client, args: Record<string, unknown> = { document_text: DOCUMENT }) =>
  client.callTool({ name: 'extract_key_points', arguments: args });

/** Everything the model was sent in one call, as text (system prompt included). */
const promptOf = (call: LanguageModelV3CallOptions) => JSON.stringify(call.prompt);

describe.each(ERAS)('extract_key_points on the %s era', (era) => {
  it('is listed with its output schema and as read-only', async () => {
    const client = await serve(era, testHandler());
    const tool = (await client.listTools()).tools.find((t) => t.name === 'extract_key_points');
    expect(tool?.annotations?.readOnlyHint).toBe(true);
    expect(tool?.outputSchema).toMatchObject({
      type: 'object',
      required: expect.arrayContaining(['title', 'key_points', 'entities']),
    });
    expect(JSON.stringify(tool?.outputSchema)).toContain('"organization"');
    expect(Object.keys(tool?.inputSchema.properties ?? {})).toEqual(
      expect.arrayContaining(['document_text', 'path', 'max_points', 'context_tokens']),
    );
  });

  it('returns the final_response value as structuredContent, and the same data as readable text', async () => {
    const model = keyPointsModel(() => ({ final: KEY_POINTS }));
    const client = await serve(era, scriptedModelHandler(model));
    const result = await extract(client);
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual(KEY_POINTS);
    expect(textOf(result)).toBe(
      [
        'Title: Ada Lovelace and the Analytical Engine',
        '',
        'Key points:',
        '- Ada Lovelace published the first algorithm for a computing machine in 1843.',
        '- She saw that the Analytical Engine could do more than arithmetic.',
        '',
        'Entities:',
        '- Ada Lovelace (person)',
        '- Charles Babbage (person)',
        '- London (place)',
        '- 1843 (date)',
      ].join('\n'),
    );
    expect(result._meta?.['mcp-sampling/key-points']).toMatchObject({
      reduced: false,
      chunks: 1,
      requests: 1,
      attempts: 1,
    });
    // One request: the final_response tool, required, with the document and the analyst's instructions.
    expect(model.doGenerateCalls).toHaveLength(1);
    const call = model.doGenerateCalls[0]!;
    expect(call.tools?.map((t) => t.name)).toEqual(['final_response']);
    expect(JSON.stringify(call.tools?.[0])).toContain('"key_points"');
    expect(call.toolChoice).toEqual({ type: 'required' });
    expect(promptOf(call)).toContain(DOCUMENT);
    expect(promptOf(call)).toContain('expert analyst');
    expect(call.temperature).toBe(0.2);
    expect(call.maxOutputTokens).toBe(600);
  });

  it('asks for JSON text when the client does not support tools in sampling', async () => {
    const model = keyPointsModel(() => ({ text: `\`\`\`json\n${JSON.stringify(KEY_POINTS)}\n\`\`\`` }));
    const client = await serve(era, clientWithoutTools(era, scriptedModelHandler(model)));
    const result = await extract(client);
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual(KEY_POINTS);
    expect(textOf(result)).toMatch(/^Title: Ada Lovelace and the Analytical Engine\n/);
    const call = model.doGenerateCalls[0]!;
    expect(call.tools).toBeUndefined();
    expect(promptOf(call)).toContain('JSON Schema');
    expect(promptOf(call)).toContain(DOCUMENT);
  });

  it('holds the model to max_points: an answer with too many points is sent back and corrected', async () => {
    const model = keyPointsModel((_call, n) =>
      n === 0
        ? { final: { ...KEY_POINTS, key_points: ['One.', 'Two.', 'Three.'] } }
        : { final: { ...KEY_POINTS, key_points: ['One.', 'Two.'] } },
    );
    const client = await serve(era, scriptedModelHandler(model));
    const result = await extract(client, { document_text: DOCUMENT, max_points: 2 });
    expect((result.structuredContent as { key_points: string[] }).key_points).toEqual(['One.', 'Two.']);
    expect(model.doGenerateCalls).toHaveLength(2);
    expect(promptOf(model.doGenerateCalls[0]!)).toContain('at most 2');
    expect(promptOf(model.doGenerateCalls[1]!)).toContain('invalid key points result: key_points');
  });

  it('reads a file inside the client roots', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-sampling-key-points-'));
    writeFileSync(join(dir, 'ada.txt'), DOCUMENT);
    const model = keyPointsModel(() => ({ final: KEY_POINTS }));
    const client = await serve(era, scriptedModelHandler(model), { roots: [dir] });
    const result = await extract(client, { path: 'ada.txt' });
    expect(result.structuredContent).toEqual(KEY_POINTS);
    expect(promptOf(model.doGenerateCalls[0]!)).toContain(DOCUMENT);
  });

  it('refuses both or neither of document_text and path, and an empty text, like summarize_document', async () => {
    const client = await serve(era, testHandler());
    const neither = await extract(client, {});
    expect(neither.isError).toBe(true);
    expect(textOf(neither)).toMatch(/give exactly one of document_text or path/);
    const empty = await extract(client, { document_text: '  \n' });
    expect(empty.isError).toBe(true);
    expect(textOf(empty)).toBe(
      'extract_key_points: document_text is empty: there is nothing to extract key points from',
    );
  });

  it('reduces a document too long for one request by map-reduce, then extracts from the summary', async () => {
    const paragraphs = Array.from(
      { length: 60 },
      (_, i) =>
        `Section ${i + 1}. The survey team from station ${i % 7} measured the river level at site ${i * 3 + 1}, ` +
        `and the readings stayed within the range expected for the season. Section ${i + 1} ends here.`,
    );
    const text = paragraphs.join('\n\n');
    expect(text.length).toBeGreaterThan(9000);
    const model = keyPointsModel((call, n) =>
      call.tools !== undefined && call.tools.length > 0 ? { final: KEY_POINTS } : { text: `summary of part ${n + 1}.` },
    );
    const client = await serve(era, scriptedModelHandler(model));
    const progress: (string | undefined)[] = [];
    const result = await client.callTool(
      { name: 'extract_key_points', arguments: { document_text: text, context_tokens: 1024 } },
      { onprogress: (p) => progress.push(p.message) },
    );
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual(KEY_POINTS);
    const meta = result._meta?.['mcp-sampling/key-points'] as { reduced: boolean; chunks: number; requests: number };
    expect(meta.reduced).toBe(true);
    expect(meta.chunks).toBeGreaterThan(4);
    expect(meta.requests).toBe(model.doGenerateCalls.length);
    // Map requests for every part, then combines, then one extraction from the combined summary.
    const calls = model.doGenerateCalls;
    expect(calls.filter((c) => promptOf(c).includes('one part of a longer document'))).toHaveLength(meta.chunks);
    expect(MAP_SYSTEM_PROMPT).toContain('one part of a longer document');
    const last = calls.at(-1)!;
    expect(last.tools?.map((t) => t.name)).toEqual(['final_response']);
    expect(promptOf(last)).toContain('too long for one request');
    expect(promptOf(last)).toMatch(/summary of part \d+\./);
    expect(calls.slice(0, -1).every((c) => c.tools === undefined)).toBe(true);
    // The SDK client adds its own updates for 2026-era rounds; the server's end with the extraction step.
    const fromServer = progress.filter((m) => !(m ?? '').startsWith('Fulfilling'));
    expect(fromServer.some((m) => /^(summarized|combining)/.test(m ?? ''))).toBe(true);
    expect(fromServer.at(-1)).toBe('extracting key points from the summary');
  });
});

describe('with only the embedded extractive model, extract_key_points fails in one clear line', () => {
  it('legacy era: the request offers final_response, our client refuses it, the tool returns isError', async () => {
    const client = await serve('legacy', testHandler());
    const result = await extract(client);
    expect(result.isError).toBe(true);
    const message = textOf(result);
    expect(message).toMatch(/^extract_key_points: the client's sampling request failed: /);
    expect(message).toMatch(/embedded extractive summarizer, cannot call tools: configure a provider/);
    expect(message).not.toContain('\n');
  });

  it('2026 era: our client cannot answer the embedded request, so callTool rejects with its reason', async () => {
    const client = await serve('modern', testHandler());
    const outcome = await extract(client).then(
      (result) => ({ rejected: false, message: textOf(result) }),
      (error: Error) => ({ rejected: true, message: error.message }),
    );
    expect(outcome.rejected).toBe(true);
    expect(outcome.message).toMatch(/embedded extractive summarizer, cannot call tools: configure a provider/);
  });

  it.each(ERAS)('%s era, a client without sampling.tools: three JSON attempts fail, then one line', async (era) => {
    const handler = testHandler();
    const client = await serve(era, clientWithoutTools(era, handler));
    const result = await extract(client);
    expect(result.isError).toBe(true);
    const message = textOf(result);
    expect(message).toMatch(
      /^extract_key_points: the client's model \(extractive-summarizer\) did not return a valid key points result in 3 attempts \(as JSON text\): /,
    );
    expect(message).toMatch(/this tool needs a model that follows instructions$/);
    expect(message).not.toContain('\n');
    expect(result.structuredContent).toBeUndefined();
  });
});
