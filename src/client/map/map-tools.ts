/**
 * Pure mappings for MCP sampling with tools (2025-11-25) to and from the AI SDK: the request's `tools` and
 * `toolChoice`, a `tool_result` block as a tool-result output, and the model's tool calls as `tool_use`
 * blocks. The tools carry no `execute`: the client never runs a tool, it hands the calls back to the server.
 */
import type { ContentBlock, Tool as McpTool, ToolResultContent, ToolUseContent } from '@modelcontextprotocol/client';
import type { JSONSchema7, JSONValue, Tool, ToolResultPart, ToolSet } from 'ai';

import { loadedAiSdk } from '../../providers/ai-sdk.js';
import { ProviderCallError } from '../../providers/errors.js';
import { UnsupportedSamplingContentError } from '../errors.js';

export type ToolChoiceMode = 'auto' | 'required' | 'none';
export type ToolResultOutput = ToolResultPart['output'];

const jsonSchemaOf = (schema: JSONSchema7) => loadedAiSdk().jsonSchema<Record<string, unknown>>(schema);

/**
 * The request's tools as AI SDK tools without `execute`, so generation stops at the model's tool calls.
 * Each input schema is a lazy one (a function the AI SDK calls when it needs the schema): it is built
 * inside `generateText`, which generate-completion.ts has loaded by then, so mapping a request does not
 * load the AI SDK (providers/ai-sdk.ts). `tool()` of the AI SDK returns its argument as it is.
 */
export function toToolSet(tools: readonly McpTool[]): ToolSet {
  const set: ToolSet = {};
  for (const [index, offered] of tools.entries()) {
    if (Object.hasOwn(set, offered.name)) {
      throw new UnsupportedSamplingContentError(`tools[${index}]: the tool name '${offered.name}' is offered twice`);
    }
    const inputSchema = offered.inputSchema as JSONSchema7;
    let schema: ReturnType<typeof jsonSchemaOf> | undefined;
    const tool: Tool<Record<string, unknown>> = {
      ...(offered.description !== undefined && { description: offered.description }),
      inputSchema: () => (schema ??= jsonSchemaOf(inputSchema)),
    };
    set[offered.name] = tool;
  }
  return set;
}

/** MCP `toolChoice.mode` (default `auto`) as the AI SDK's tool choice. */
export function toToolChoice(choice: { mode?: ToolChoiceMode | undefined } | undefined): ToolChoiceMode {
  return choice?.mode ?? 'auto';
}

function textOfBlock(block: ContentBlock): string | undefined {
  switch (block.type) {
    case 'text':
      return block.text;
    case 'resource':
      return 'text' in block.resource ? block.resource.text : undefined;
    case 'resource_link':
      return `${block.name}: ${block.uri}`;
    default:
      return undefined;
  }
}

type ContentOutputPart = Extract<ToolResultOutput, { type: 'content' }>['value'][number];

function toContentPart(block: ContentBlock): ContentOutputPart | undefined {
  switch (block.type) {
    case 'image':
      return { type: 'image-data', data: block.data, mediaType: block.mimeType };
    case 'audio':
      return { type: 'file-data', data: block.data, mediaType: block.mimeType };
    case 'resource':
      return 'blob' in block.resource
        ? {
            type: 'file-data',
            data: block.resource.blob,
            mediaType: block.resource.mimeType ?? 'application/octet-stream',
          }
        : undefined;
    default:
      return undefined;
  }
}

/**
 * A `tool_result` block as an AI SDK tool-result output:
 * - `isError` -> `error-text` (the text content, or the structured content as JSON text when there is none);
 * - media in the content (image, audio, a binary resource) -> `content` (text and media parts, in order);
 * - `structuredContent` -> `json` (the spec asks servers to put the same data in the text content too);
 * - otherwise -> `text`: the text of every block, one per line.
 */
export function toToolResultOutput(block: ToolResultContent): ToolResultOutput {
  const texts = block.content.flatMap((inner) => textOfBlock(inner) ?? []);
  const text = texts.join('\n');
  if (block.isError === true) {
    const value = text === '' && block.structuredContent !== undefined ? JSON.stringify(block.structuredContent) : text;
    return { type: 'error-text', value };
  }
  if (block.content.some((inner) => toContentPart(inner) !== undefined)) {
    return {
      type: 'content',
      value: block.content.flatMap((inner): ContentOutputPart[] => {
        const media = toContentPart(inner);
        if (media !== undefined) return [media];
        const innerText = textOfBlock(inner);
        return innerText === undefined ? [] : [{ type: 'text', text: innerText }];
      }),
    };
  }
  if (block.structuredContent !== undefined) return { type: 'json', value: block.structuredContent as JSONValue };
  return { type: 'text', value: text };
}

/** A tool call as the model made it (the AI SDK's `toolCalls` entries fit). */
export interface ModelToolCall {
  toolCallId: string;
  toolName: string;
  input: unknown;
}

/** A tool call as MCP carries it (`tool_use`): the input is a JSON object. */
export interface ToolUseCall {
  id: string;
  name: string;
  input: Record<string, unknown>;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The model's tool calls with their ids and names as the model gave them. MCP requires each input to be a
 * JSON object; a call whose input is not one (a model that wrote broken JSON) fails the completion, naming
 * the provider and model, rather than reaching the server altered.
 */
export function toToolUseCalls(
  calls: readonly ModelToolCall[],
  where: { provider: string; model: string },
): ToolUseCall[] {
  return calls.map((call) => {
    if (!isPlainObject(call.input)) {
      throw new ProviderCallError(
        `${where.provider} ${where.model}: the model called tool '${call.toolName}' with an input that is not a JSON object`,
        where.provider,
        where.model,
        undefined,
      );
    }
    return { id: call.toolCallId, name: call.toolName, input: call.input };
  });
}

/** Tool calls as MCP `tool_use` blocks. */
export function toToolUseBlocks(calls: readonly ToolUseCall[]): ToolUseContent[] {
  return calls.map((call) => ({ type: 'tool_use', id: call.id, name: call.name, input: call.input }));
}
