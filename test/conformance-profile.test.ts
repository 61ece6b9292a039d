/**
 * The conformance profile: the default server lists only its real tools, `{ profile: 'conformance' }` adds
 * the suite's `test_*` tools beside them, and `test_sampling` asks the client for a completion on both eras.
 */
import type { CreateMessageRequest, CreateMessageResult } from '@modelcontextprotocol/client';
import { afterEach, describe, expect, it } from 'vitest';

import { connectInMemory, textOf, type InMemoryPair } from './helpers/in-memory.js';
import { ERAS } from './helpers/wire.js';

let pair: InMemoryPair | undefined;
afterEach(async () => {
  await pair?.close();
  pair = undefined;
});

const answer = (text: string): CreateMessageResult => ({
  role: 'assistant',
  model: 'scripted-model',
  stopReason: 'endTurn',
  content: { type: 'text', text },
});

describe.each(ERAS)('on the %s era', (era) => {
  it('the default profile lists the real tools and no test_* tool', async () => {
    pair = await connectInMemory(era, async () => answer('unused'));
    const names = (await pair.client.listTools()).tools.map((tool) => tool.name);
    expect(names).toEqual(expect.arrayContaining(['summarize_document', 'extract_key_points']));
    expect(names.filter((name) => name.startsWith('test_'))).toEqual([]);
  });

  it('the conformance profile adds test_sampling (and the other test_* tools) beside summarize_document', async () => {
    pair = await connectInMemory(era, async () => answer('unused'), { profile: 'conformance' });
    const names = (await pair.client.listTools()).tools.map((tool) => tool.name);
    expect(names).toContain('summarize_document');
    expect(names).toContain('test_sampling');
    expect(names).toEqual(expect.arrayContaining(['test_simple_text', 'test_error_handling', 'test_elicitation']));
  });

  it('test_sampling sends the prompt to the client and returns its answer', async () => {
    const seen: CreateMessageRequest['params'][] = [];
    pair = await connectInMemory(
      era,
      async (request) => {
        seen.push(request.params);
        return answer('Sampled reply.');
      },
      { profile: 'conformance' },
    );

    const result = await pair.client.callTool({ name: 'test_sampling', arguments: { prompt: 'Say hello.' } });

    expect(result.isError).not.toBe(true);
    expect(textOf(result)).toBe('LLM response: Sampled reply.');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      messages: [{ role: 'user', content: { type: 'text', text: 'Say hello.' } }],
      maxTokens: 100,
    });
  });

  it('test_sampling is refused, not hung, when the client cannot sample', async () => {
    pair = await connectInMemory(era, undefined, { profile: 'conformance' });
    const result = await pair.client.callTool({ name: 'test_sampling', arguments: { prompt: 'Say hello.' } });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/sampling/);
  });
});
