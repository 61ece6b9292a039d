/**
 * The tool pieces of the MCP <-> AI SDK mapping, without a network: tools and toolChoice, tool results as
 * tool-result outputs, and the model's tool calls as tool_use blocks.
 */
import type { ToolResultContent } from '@modelcontextprotocol/client';
import { asSchema } from 'ai';
import { describe, expect, it } from 'vitest';

import { ProviderCallError } from '../../providers/errors.js';
import { toWireError, UnsupportedSamplingContentError } from '../errors.js';
import { toToolChoice, toToolResultOutput, toToolSet, toToolUseBlocks, toToolUseCalls } from './map-tools.js';

const WEATHER_SCHEMA = {
  type: 'object' as const,
  properties: { city: { type: 'string', description: 'City name' } },
  required: ['city'],
};

function result(fields: Partial<ToolResultContent>): ToolResultContent {
  return { type: 'tool_result', toolUseId: 'call_1', content: [], ...fields };
}

describe('toToolSet', () => {
  it('offers each tool with its description and JSON schema, and no execute (the server runs tools)', async () => {
    const set = toToolSet([
      { name: 'get_weather', description: 'Current weather for a city', inputSchema: WEATHER_SCHEMA },
      { name: 'get_time', inputSchema: { type: 'object' } },
    ]);
    expect(Object.keys(set)).toEqual(['get_weather', 'get_time']);
    expect(set['get_weather']?.description).toBe('Current weather for a city');
    expect(set['get_weather']?.execute).toBeUndefined();
    expect(await asSchema(set['get_weather']!.inputSchema).jsonSchema).toEqual(WEATHER_SCHEMA);
    expect(set['get_time']?.description).toBeUndefined();
  });

  it('refuses a tool name offered twice', () => {
    expect(() =>
      toToolSet([
        { name: 'a', inputSchema: { type: 'object' } },
        { name: 'a', inputSchema: { type: 'object' } },
      ]),
    ).toThrow(new UnsupportedSamplingContentError("tools[1]: the tool name 'a' is offered twice"));
  });
});

describe('toToolChoice', () => {
  it.each([
    [undefined, 'auto'],
    [{}, 'auto'],
    [{ mode: 'auto' as const }, 'auto'],
    [{ mode: 'required' as const }, 'required'],
    [{ mode: 'none' as const }, 'none'],
  ])('%j -> %s', (choice, expected) => {
    expect(toToolChoice(choice)).toBe(expected);
  });
});

describe('toToolResultOutput', () => {
  it('text content: the text of every block, one per line', () => {
    expect(
      toToolResultOutput(
        result({
          content: [
            { type: 'text', text: '18°C' },
            { type: 'text', text: 'sunny' },
          ],
        }),
      ),
    ).toEqual({ type: 'text', value: '18°C\nsunny' });
  });

  it('an empty result is empty text', () => {
    expect(toToolResultOutput(result({}))).toEqual({ type: 'text', value: '' });
  });

  it('structured content goes as JSON', () => {
    expect(
      toToolResultOutput(
        result({ content: [{ type: 'text', text: '{"celsius":18}' }], structuredContent: { celsius: 18 } }),
      ),
    ).toEqual({ type: 'json', value: { celsius: 18 } });
  });

  it('an error goes as error text, from the text or else the structured content', () => {
    expect(toToolResultOutput(result({ isError: true, content: [{ type: 'text', text: 'unknown city' }] }))).toEqual({
      type: 'error-text',
      value: 'unknown city',
    });
    expect(toToolResultOutput(result({ isError: true, structuredContent: { code: 404 } }))).toEqual({
      type: 'error-text',
      value: '{"code":404}',
    });
  });

  it('media go as content parts, in order with the text; resources by their text or as files', () => {
    expect(
      toToolResultOutput(
        result({
          content: [
            { type: 'text', text: 'the chart:' },
            { type: 'image', data: 'iVBORw0K', mimeType: 'image/png' },
            { type: 'audio', data: 'UklGR', mimeType: 'audio/wav' },
            { type: 'resource', resource: { uri: 'file:///a.txt', text: 'notes' } },
            { type: 'resource', resource: { uri: 'file:///a.bin', blob: 'AAEC' } },
            { type: 'resource_link', uri: 'file:///b.txt', name: 'b.txt' },
          ],
        }),
      ),
    ).toEqual({
      type: 'content',
      value: [
        { type: 'text', text: 'the chart:' },
        { type: 'image-data', data: 'iVBORw0K', mediaType: 'image/png' },
        { type: 'file-data', data: 'UklGR', mediaType: 'audio/wav' },
        { type: 'text', text: 'notes' },
        { type: 'file-data', data: 'AAEC', mediaType: 'application/octet-stream' },
        { type: 'text', text: 'b.txt: file:///b.txt' },
      ],
    });
  });
});

describe('tool calls -> tool_use', () => {
  it('keeps ids, names and inputs as the model gave them', () => {
    const calls = toToolUseCalls(
      [
        { toolCallId: 'call_1', toolName: 'get_weather', input: { city: 'Paris' } },
        { toolCallId: 'call_2', toolName: 'get_time', input: {} },
      ],
      { provider: 'openai', model: 'gpt-4o' },
    );
    expect(toToolUseBlocks(calls)).toEqual([
      { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
      { type: 'tool_use', id: 'call_2', name: 'get_time', input: {} },
    ]);
  });

  it('a call whose input is not a JSON object fails the completion with the provider and model named', () => {
    const call = () =>
      toToolUseCalls([{ toolCallId: 'call_1', toolName: 'get_weather', input: 'Paris' }], {
        provider: 'ollama',
        model: 'llama3.2',
      });
    expect(call).toThrow(ProviderCallError);
    expect(call).toThrow(
      "ollama llama3.2: the model called tool 'get_weather' with an input that is not a JSON object",
    );
    try {
      call();
    } catch (error) {
      expect(toWireError(error)).toMatchObject({ code: -32603, data: { provider: 'ollama', model: 'llama3.2' } });
    }
  });
});
