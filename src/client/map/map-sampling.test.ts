/**
 * MCP sampling params <-> AI SDK generateText, without a network: the tool loop's messages, the checks
 * that turn a malformed loop into -32602, the result shapes, and generateText itself (a mock model) stopping
 * at the model's tool calls.
 */
import type { CreateMessageRequestParams, SamplingMessage } from '@modelcontextprotocol/client';
import { generateText } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { describe, expect, it } from 'vitest';

import { toWireError, UnsupportedSamplingContentError } from '../errors.js';
import { hasToolContent, toCreateMessageResult, toGenerateOptions, toolsOffered } from './map-sampling.js';

const WEATHER = {
  name: 'get_weather',
  description: 'Current weather for a city',
  inputSchema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] },
};

const ASK: SamplingMessage = { role: 'user', content: { type: 'text', text: 'Weather in Paris and Lyon?' } };
const CALLS: SamplingMessage = {
  role: 'assistant',
  content: [
    { type: 'text', text: 'Let me look.' },
    { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
    { type: 'tool_use', id: 'call_2', name: 'get_weather', input: { city: 'Lyon' } },
  ],
};
const RESULTS: SamplingMessage = {
  role: 'user',
  content: [
    { type: 'tool_result', toolUseId: 'call_1', content: [{ type: 'text', text: '18°C' }] },
    { type: 'tool_result', toolUseId: 'call_2', content: [{ type: 'text', text: 'no data' }], isError: true },
  ],
};

function params(fields: Partial<CreateMessageRequestParams>): CreateMessageRequestParams {
  return { messages: [ASK], maxTokens: 100, ...fields };
}

describe('toGenerateOptions with tools', () => {
  it('maps the tool loop: tool_use -> assistant tool-call parts, tool_result -> a tool message', () => {
    const options = toGenerateOptions(params({ messages: [ASK, CALLS, RESULTS], tools: [WEATHER] }));
    expect(options.toolChoice).toBe('auto');
    expect(Object.keys(options.tools ?? {})).toEqual(['get_weather']);
    expect(options.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Lyon?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Let me look.' },
          { type: 'tool-call', toolCallId: 'call_1', toolName: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool-call', toolCallId: 'call_2', toolName: 'get_weather', input: { city: 'Lyon' } },
        ],
      },
      {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: 'call_1',
            toolName: 'get_weather',
            output: { type: 'text', value: '18°C' },
          },
          {
            type: 'tool-result',
            toolCallId: 'call_2',
            toolName: 'get_weather',
            output: { type: 'error-text', value: 'no data' },
          },
        ],
      },
    ]);
  });

  it('a user message with tool results and text becomes a tool message, then a user message', () => {
    const mixed: SamplingMessage = {
      role: 'user',
      content: [...(RESULTS.content as never[]), { type: 'text', text: 'Now compare them.' }],
    };
    const { messages } = toGenerateOptions(params({ messages: [ASK, CALLS, mixed], tools: [WEATHER] }));
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'user']);
    expect(messages[3]).toEqual({ role: 'user', content: [{ type: 'text', text: 'Now compare them.' }] });
  });

  it.each(['auto', 'required', 'none'] as const)('passes toolChoice %s', (mode) => {
    expect(toGenerateOptions(params({ tools: [WEATHER], toolChoice: { mode } })).toolChoice).toBe(mode);
  });

  it('without tools: no tools and no toolChoice (an empty list offers none)', () => {
    for (const options of [toGenerateOptions(params({})), toGenerateOptions(params({ tools: [] }))]) {
      expect(options.tools).toBeUndefined();
      expect(options.toolChoice).toBeUndefined();
    }
    expect(toolsOffered(params({ tools: [] }))).toBe(0);
    expect(toolsOffered(params({ tools: [WEATHER] }))).toBe(1);
    expect(hasToolContent(params({}))).toBe(false);
    expect(hasToolContent(params({ messages: [ASK, CALLS, RESULTS] }))).toBe(true);
  });

  it.each<[string, Partial<CreateMessageRequestParams>, string]>([
    [
      'a tool call left unanswered',
      { messages: [ASK, CALLS], tools: [WEATHER] },
      "message 1: the tool call(s) 'call_1', 'call_2' of the previous assistant message have no tool_result",
    ],
    [
      'a user turn before the results',
      { messages: [ASK, CALLS, ASK, RESULTS], tools: [WEATHER] },
      "message 2: the tool call(s) 'call_1', 'call_2' of the previous assistant message have no tool_result",
    ],
    [
      'a result that answers no call',
      {
        messages: [ASK, { role: 'user', content: { type: 'tool_result', toolUseId: 'call_9', content: [] } }],
        tools: [WEATHER],
      },
      "message 1: the tool_result for 'call_9' answers no tool_use of an earlier assistant message",
    ],
    [
      'a call answered twice',
      { messages: [ASK, CALLS, RESULTS, { role: 'user', content: RESULTS.content }], tools: [WEATHER] },
      "message 3: the tool call 'call_1' is answered twice",
    ],
    [
      'a tool call in a user message',
      {
        messages: [{ role: 'user', content: { type: 'tool_use', id: 'x', name: 'get_weather', input: {} } }],
        tools: [WEATHER],
      },
      "message 0: a user message may not hold 'tool_use' (tool calls come from the assistant)",
    ],
    [
      'an image from the assistant',
      { messages: [ASK, { role: 'assistant', content: { type: 'image', data: 'AA', mimeType: 'image/png' } }] },
      "message 1: an assistant message may hold text and tool_use here, not 'image'",
    ],
    [
      'toolChoice required without tools',
      { toolChoice: { mode: 'required' } },
      "toolChoice is 'required' but the request offers no tools",
    ],
  ])('refuses %s with -32602', (_name, fields, message) => {
    const map = () => toGenerateOptions(params(fields));
    expect(map).toThrow(UnsupportedSamplingContentError);
    expect(map).toThrow(message);
    try {
      map();
    } catch (error) {
      expect(toWireError(error).code).toBe(-32602);
    }
  });
});

describe('toCreateMessageResult', () => {
  it('without tool calls: one text block, as before tools', () => {
    expect(toCreateMessageResult({ text: 'Sunny.', finishReason: 'stop' }, 'gpt-4o')).toEqual({
      role: 'assistant',
      content: { type: 'text', text: 'Sunny.' },
      model: 'gpt-4o',
      stopReason: 'endTurn',
    });
  });

  it('with tool calls: a content array (text first when there is any) and stopReason toolUse', () => {
    const call = { id: 'call_1', name: 'get_weather', input: { city: 'Paris' } };
    expect(toCreateMessageResult({ text: '', finishReason: 'tool-calls', toolCalls: [call] }, 'm')).toEqual({
      role: 'assistant',
      content: [{ type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } }],
      model: 'm',
      stopReason: 'toolUse',
    });
    expect(
      toCreateMessageResult({ text: 'Let me look.', finishReason: 'tool-calls', toolCalls: [call] }, 'm').content,
    ).toEqual([
      { type: 'text', text: 'Let me look.' },
      { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
    ]);
  });

  it('a provider that says tool-calls but returns none has ended its turn', () => {
    expect(toCreateMessageResult({ text: 'Done.', finishReason: 'tool-calls' }, 'm').stopReason).toBe('endTurn');
  });
});

describe('generateText with the mapped options', () => {
  it('sends the tools and tool choice to the model and stops at its tool calls', async () => {
    const model = new MockLanguageModelV3({
      doGenerate: {
        content: [{ type: 'tool-call', toolCallId: 'call_1', toolName: 'get_weather', input: '{"city":"Paris"}' }],
        finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
        usage: {
          inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 },
          outputTokens: { total: 5, text: 5, reasoning: 0 },
        },
        warnings: [],
      },
    });
    const value = await generateText({
      model,
      ...toGenerateOptions(params({ tools: [WEATHER], toolChoice: { mode: 'required' } })),
    });
    expect(model.doGenerateCalls).toHaveLength(1); // one step: nothing was executed
    expect(model.doGenerateCalls[0]).toMatchObject({
      tools: [
        { type: 'function', name: 'get_weather', description: WEATHER.description, inputSchema: WEATHER.inputSchema },
      ],
      toolChoice: { type: 'required' },
    });
    expect(value.finishReason).toBe('tool-calls');
    expect(value.toolCalls).toMatchObject([
      { toolCallId: 'call_1', toolName: 'get_weather', input: { city: 'Paris' } },
    ]);
  });
});
