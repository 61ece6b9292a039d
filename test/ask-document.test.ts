/**
 * `ask_document` end to end in memory: the real Document Assistant and our client, with a scripted
 * tool-using model (it searches, reads a passage, answers citing it) and, without tool use, the
 * retrieval fallback answered by the embedded extractive model; both eras.
 */
import type { LanguageModelV3CallOptions } from '@ai-sdk/provider';
import type { Client } from '@modelcontextprotocol/client';
import { afterEach, describe, expect, it } from 'vitest';

import type { SamplingHandler } from '../src/client/sampling/handler.js';
import { createPassageIndex } from '../src/server/documents/passage-index.js';
import { scriptedModelHandler, testHandler } from './helpers/runtime.js';
import { scriptedModel } from './helpers/scripted-model.js';
import { ERAS, textOf, wire, type Era } from './helpers/wire.js';

const TOPICS = [
  'The harbour of Kestrel handled grain, wool and timber for two centuries before the railway arrived.',
  'Street trees cool a neighbourhood: shade lowers surface temperatures by many degrees in summer.',
  'Young saplings often die in their second August when nobody waters them, so planting budgets must include three years of care.',
  'The observatory on the hill recorded rainfall totals every morning from 1871 until the fire of 1932.',
  'The cooperative bakery doubled its bread output after the new ovens were financed by the council.',
];
/** Forty paragraphs: each topic eight times, with filler, so the document spans many passages. */
const DOCUMENT = Array.from({ length: 40 }, (_, i) => {
  const topic = TOPICS[i % TOPICS.length]!;
  const filler = `Paragraph ${i + 1} adds local detail about the town, its people and its records over the years. `;
  return `${topic} ${filler.repeat(12)}`;
}).join('\n\n');

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function connect(era: Era, handler: SamplingHandler, options: { tools?: boolean } = {}): Promise<Client> {
  const wired = await wire({ era, handler, ...options });
  closers.push(() => wired.close());
  return wired.client;
}

/** The text of the last tool message the model was sent. */
function lastToolOutput(call: LanguageModelV3CallOptions): string {
  const tool = [...call.prompt].reverse().find((message) => message.role === 'tool');
  return JSON.stringify(tool?.content ?? '');
}

const askCall = (client: Client, question: string) =>
  client.callTool({ name: 'ask_document', arguments: { question, document_text: DOCUMENT } });

describe('the passage index', () => {
  it('ranks the passage about the query first and finds passages by id in any spelling', () => {
    const index = createPassageIndex([
      'Grain and wool in the harbour.',
      'Saplings die in August without water.',
      'Ovens and bread.',
    ]);
    expect(index.search('why do saplings die')[0]?.id).toBe('p2');
    expect(index.get('[P2]')?.text).toMatch(/^Saplings/);
    expect(index.get('p9')).toBeUndefined();
  });
});

describe.each(ERAS)('ask_document on the %s era', (era) => {
  it('lets the model search and read, and returns its answer with the passages it cites', async () => {
    let found = '';
    const model = scriptedModel((call, n) => {
      if (n === 0) return { calls: [{ name: 'search_document', input: { query: 'saplings second August' } }] };
      if (n === 1) {
        // Read the best hit the search returned.
        found = /\[(p\d+)\]/.exec(lastToolOutput(call))![1]!;
        return { calls: [{ name: 'read_passage', input: { id: found } }] };
      }
      return { text: `Young trees die in their second August when nobody waters them [${found}].` };
    });
    const client = await connect(era, scriptedModelHandler(model));
    const result = await askCall(client, 'Why do young street trees die?');
    expect(result.isError).toBeFalsy();
    const text = textOf(result);
    expect(text).toMatch(
      new RegExp(`^Young trees die in their second August when nobody waters them \\[${found}\\]\\.`),
    );
    expect(text).toMatch(new RegExp(`\\n\\nPassages cited:\\n\\[${found}\\] Young saplings often die`));
    const meta = result._meta?.['mcp-sampling/answer'] as {
      mode: string;
      searches: string[];
      read: string[];
      cited: { id: string }[];
    };
    expect(meta).toMatchObject({ mode: 'tools', searches: ['saplings second August'], read: [found] });
    expect(meta.cited.map((c) => c.id)).toEqual([found]);
    // The model saw the tools, the question and the passage count, and the passage text it read.
    const first = model.doGenerateCalls[0]!;
    expect(first.tools?.map((t) => t.name).sort()).toEqual(['read_passage', 'search_document']);
    expect(JSON.stringify(first.prompt)).toContain('Why do young street trees die?');
    expect(lastToolOutput(model.doGenerateCalls[2]!)).toContain('three years of care');
  });

  it('answers a passage id that does not exist with an error the model can read', async () => {
    const model = scriptedModel((call, n) => {
      if (n === 0) return { calls: [{ name: 'read_passage', input: { id: 'p999' } }] };
      return {
        text: `I could not read it: ${lastToolOutput(call).includes('there is no passage p999') ? 'no such passage' : '?'}`,
      };
    });
    const client = await connect(era, scriptedModelHandler(model));
    const result = await askCall(client, 'What is in p999?');
    expect(textOf(result)).toBe('I could not read it: no such passage');
  });

  it('without tool use, retrieves the best passages itself and labels the extractive answer', async () => {
    // Our client with only the embedded model: it declares no sampling.tools.
    const handler: SamplingHandler = testHandler();
    const client = await connect(era, handler, { tools: false });
    const result = await askCall(client, 'Why do saplings die in August?');
    expect(result.isError).toBeFalsy();
    const text = textOf(result);
    expect(text).toMatch(
      /^Extractive answer: sentences picked by the client's extractive model \(extractive-summarizer, not an LLM\)/,
    );
    const meta = result._meta?.['mcp-sampling/answer'] as {
      mode: string;
      retrieved: string[];
      cited: { text: string }[];
    };
    expect(meta.mode).toBe('retrieval-extractive');
    expect(meta.retrieved).toHaveLength(4);
    // Retrieval put the passages about saplings first.
    expect(meta.cited[0]!.text).toMatch(/saplings often die in their second August/);
    expect(text).toContain('Passages cited:');
  });

  it('refuses an empty document and a path outside the roots with a clear message', async () => {
    const client = await connect(era, testHandler(), { tools: false });
    const empty = await client.callTool({
      name: 'ask_document',
      arguments: { question: 'Anything?', document_text: '   ' },
    });
    expect(empty.isError).toBe(true);
    expect(textOf(empty)).toMatch(/the document is empty/);
    const both = await client.callTool({
      name: 'ask_document',
      arguments: { question: 'Anything?', document_text: 'x', path: '/etc/hostname' },
    });
    expect(both.isError).toBe(true);
    expect(textOf(both)).toMatch(/exactly one of document_text or path/);
  });
});
