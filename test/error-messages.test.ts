/**
 * Validation errors read as one line per problem, never as a JSON dump of schema issues: the tools'
 * arguments (the SDK validates them with our schema before the tool runs) and, on the 2025 era, a
 * sampling result the client's SDK refused.
 */
import { describe, expect, it } from 'vitest';

import type { SamplingHandler } from '../src/client/sampling/handler.js';
import { connectInMemory, textOf } from './helpers/in-memory.js';
import { ERAS } from './helpers/wire.js';

const answer: SamplingHandler = async () => ({
  role: 'assistant',
  model: 'scripted',
  content: { type: 'text', text: 'fine' },
});

describe.each(ERAS)('tool arguments on the %s era', (era) => {
  it('are refused with one line per problem, each naming the argument and the valid range', async () => {
    const pair = await connectInMemory(era, answer);
    try {
      for (const tool of ['summarize_document', 'extract_key_points']) {
        const result = await pair.client.callTool({ name: tool, arguments: { context_tokens: 1 } });
        expect(result.isError).toBe(true);
        const lines = textOf(result).split('\n');
        expect(lines).toEqual([
          expect.stringMatching(
            new RegExp(`^Input validation error: Invalid arguments for tool ${tool}: 2 problems:$`),
          ),
          '  context_tokens: must be an integer from 512 to 10,000,000 (got 1)',
          '  give exactly one of document_text or path',
        ]);
      }
      const single = await pair.client.callTool({
        name: 'summarize_document',
        arguments: { document_text: 'Some text.', context_tokens: 'big' },
      });
      expect(textOf(single)).toBe(
        'Input validation error: Invalid arguments for tool summarize_document: ' +
          'context_tokens: must be an integer from 512 to 10,000,000 (got "big")',
      );
    } finally {
      await pair.close();
    }
  });

  it('still advertise the same JSON Schema (range included) in tools/list', async () => {
    const pair = await connectInMemory(era, answer);
    try {
      const { tools } = await pair.client.listTools();
      const summarize = tools.find((tool) => tool.name === 'summarize_document');
      expect(summarize?.inputSchema.properties?.['context_tokens']).toMatchObject({
        type: 'integer',
        minimum: 512,
        maximum: 10_000_000,
      });
      expect(Object.keys(summarize?.inputSchema.properties ?? {}).sort()).toEqual(
        ['context_tokens', 'document_text', 'lossy', 'path'].sort(),
      );
      const ok = await pair.client.callTool({ name: 'summarize_document', arguments: { document_text: 'Some text.' } });
      expect(textOf(ok)).toBe('Summary:\nfine');
    } finally {
      await pair.close();
    }
  });
});

describe('a sampling result the client SDK refuses (2025 era)', () => {
  it('reaches the tool result as one line per problem', async () => {
    const invalid = (async () => ({
      role: 'assistant',
      model: 5,
      content: { type: 'text' },
    })) as unknown as SamplingHandler;
    const pair = await connectInMemory('legacy', invalid);
    try {
      const result = await pair.client.callTool({
        name: 'summarize_document',
        arguments: { document_text: 'Some text to summarize.' },
      });
      expect(result.isError).toBe(true);
      expect(textOf(result).split('\n')).toEqual([
        "the client's sampling request failed: Invalid sampling result (2 problems):",
        '  model: expected string, received number',
        '  content.text: missing (expected string)',
      ]);
    } finally {
      await pair.close();
    }
  });
});
