import type { CreateMessageRequestParams } from '@modelcontextprotocol/client';
import { describe, expect, it } from 'vitest';

import { estimateTokens } from '../shared/estimate-tokens.js';
import {
  BLOCK_OVERHEAD_TOKENS,
  MEDIA_TOKENS,
  MESSAGE_OVERHEAD_TOKENS,
  REQUEST_OVERHEAD_TOKENS,
  TOOLS_OVERHEAD_TOKENS,
  maxInputTokens,
  worstCase,
} from './worst-case.js';

const FRAME = REQUEST_OVERHEAD_TOKENS + MESSAGE_OVERHEAD_TOKENS + BLOCK_OVERHEAD_TOKENS;

function oneText(text: string, systemPrompt?: string): CreateMessageRequestParams {
  return {
    messages: [{ role: 'user', content: { type: 'text', text } }],
    maxTokens: 100,
    ...(systemPrompt !== undefined && { systemPrompt }),
  };
}

describe('maxInputTokens', () => {
  it('counts text at one token per UTF-8 byte, system prompt included', () => {
    expect(maxInputTokens(oneText('hello world'))).toBe(FRAME + 11);
    expect(maxInputTokens(oneText('hello', 'Be brief.'))).toBe(FRAME + 5 + 9);
    // Three bytes per ideograph, two per Cyrillic letter, four per emoji.
    expect(maxInputTokens(oneText('東京'))).toBe(FRAME + 6);
    expect(maxInputTokens(oneText('Привет'))).toBe(FRAME + 12);
    expect(maxInputTokens(oneText('🌳'))).toBe(FRAME + 4);
  });

  it('is never below the estimate, even for text that tokenizes badly (digits, symbols, rare scripts)', () => {
    const texts = [
      'The readings stayed within the expected range for the season.',
      '3.14159 2.71828 1.41421 1.73205 0.57721 1.61803 '.repeat(20),
      '}{)(][><|~^`'.repeat(30),
      '𠀀𠀁𠀂 龘靐 '.repeat(10),
      'ελληνικά עברית العربية हिन्दी ไทย',
    ];
    for (const text of texts) {
      // A tokenizer yields at most one token per byte; the estimate is what budgets used to trust.
      expect(maxInputTokens(oneText(text))).toBeGreaterThanOrEqual(Buffer.byteLength(text, 'utf8'));
      expect(maxInputTokens(oneText(text))).toBeGreaterThan(estimateTokens(text));
    }
  });

  it('counts an image at a fixed allowance, whatever its size, and audio by its length', () => {
    const image = (data: string): CreateMessageRequestParams => ({
      messages: [{ role: 'user', content: { type: 'image', data, mimeType: 'image/png' } }],
      maxTokens: 10,
    });
    expect(maxInputTokens(image('AAAA'))).toBe(FRAME + MEDIA_TOKENS);
    expect(maxInputTokens(image('A'.repeat(4_000_000)))).toBe(FRAME + MEDIA_TOKENS);
    const audio = (bytes: number): CreateMessageRequestParams => ({
      messages: [
        { role: 'user', content: { type: 'audio', data: 'A'.repeat((bytes / 3) * 4), mimeType: 'audio/wav' } },
      ],
      maxTokens: 10,
    });
    expect(maxInputTokens(audio(3000))).toBe(FRAME + MEDIA_TOKENS);
    // 960 kB (a minute at 128 kbit/s): 60,000 tokens, well above the 1,920 a vendor bills for a minute.
    expect(maxInputTokens(audio(960_000))).toBe(FRAME + 60_000);
  });

  it('counts tool definitions, calls and results by their JSON, plus what vendors wrap around tools', () => {
    const tool = { name: 'search', description: 'Search the document', inputSchema: { type: 'object' as const } };
    const plain = maxInputTokens(oneText('q'));
    const withTool = maxInputTokens({ ...oneText('q'), tools: [tool] });
    expect(withTool - plain).toBe(TOOLS_OVERHEAD_TOKENS + BLOCK_OVERHEAD_TOKENS + JSON.stringify(tool).length);

    const loop: CreateMessageRequestParams = {
      messages: [
        { role: 'user', content: { type: 'text', text: 'q' } },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'c1', name: 'search', input: { query: 'trees' } }] },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              toolUseId: 'c1',
              content: [{ type: 'text', text: 'passage one' }],
              structuredContent: { hits: 1 },
            },
          ],
        },
      ],
      maxTokens: 10,
    };
    const expected =
      plain +
      2 * (MESSAGE_OVERHEAD_TOKENS + BLOCK_OVERHEAD_TOKENS) +
      ('c1'.length + 'search'.length + JSON.stringify({ query: 'trees' }).length) +
      ('c1'.length + JSON.stringify({ hits: 1 }).length + BLOCK_OVERHEAD_TOKENS + 'passage one'.length);
    expect(maxInputTokens(loop)).toBe(expected);
  });
});

describe('worstCase', () => {
  it('adds maxTokens and prices both sides; no price, no cost', () => {
    expect(worstCase(1000, 300, { input: 3, output: 15 })).toEqual({
      inputTokens: 1000,
      outputTokens: 300,
      tokens: 1300,
      costUsd: (1000 * 3 + 300 * 15) / 1_000_000,
    });
    expect(worstCase(1000, 300, undefined).costUsd).toBeUndefined();
  });
});
