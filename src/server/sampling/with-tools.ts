/**
 * Sampling with tools, for tool authors (2025-11-25 `sampling.tools`), on top of the era-neutral `Sampler`:
 *
 * - `sampleWithTools(sampler, { messages, tools, maxIterations })` runs the loop: the client's model may
 *   answer with `tool_use` blocks; each call's input is validated with the tool's zod schema (an invalid
 *   one goes back as an error `tool_result` the model can read and correct), the tools run (calls of one
 *   turn in parallel), the results go back, and the model is asked again. The loop is capped
 *   (`maxIterations`, default 8); the last iteration forbids tools (`toolChoice: none`) so that it ends
 *   with an answer.
 * - `sampleObject(sampler, { schema, messages })` returns a value validated by a zod schema: through a
 *   final-response tool the model must call when the client supports tools, otherwise as JSON in the
 *   text, with at most 2 retries that tell the model what was wrong.
 *
 * Both work on both eras because `sampler.sample()` does: on the 2026-07-28 era each iteration is a
 * round, and the tool body replays from the top each round with the answers so far, so tools run again
 * on replay and must be pure functions of their input (reads, searches), not actions.
 */
import type {
  ContentBlock,
  CreateMessageRequestParams,
  SamplingMessage,
  ToolResultContent,
  ToolUseContent,
} from '@modelcontextprotocol/server';
import * as z from 'zod/v4';

import { blocksOf, resultText } from '../../shared/mcp-content.js';
import type { Sampler, SamplingResult } from './sampler.js';

/** What a tool returns to the model: text, or MCP content blocks. */
export type ToolOutput = string | ContentBlock[];

/**
 * A tool the client's model may call in `sampleWithTools`. On the 2026 era the body replays, so `run` runs
 * again each round: it must be pure (a read, a search), never an action.
 *
 * @example
 * ```ts
 * const lookup: SamplingTool = {
 *   description: 'Looks a word up in the glossary',
 *   input: z.object({ word: z.string() }),
 *   run: ({ word }) => GLOSSARY[word] ?? 'not in the glossary',
 * };
 * ```
 */
export interface SamplingTool<Input extends z.ZodType = z.ZodType> {
  description: string;
  /** The input schema: validated before `run`, and sent to the client as JSON Schema. */
  input: Input;
  /** Runs the tool. A thrown error becomes an error `tool_result` the model reads. */
  run(input: z.output<Input>): ToolOutput | Promise<ToolOutput>;
}

/** The request without what the loop sets itself (tools, tool choice), and with messages required. */
export type SamplingParams = Omit<CreateMessageRequestParams, 'tools' | 'toolChoice' | 'messages'> & {
  messages: SamplingMessage[];
};

/**
 * Options of `sampleWithTools`: the request (messages required), the tools, and the loop's cap.
 *
 * @example
 * ```ts
 * const options: SampleWithToolsOptions = {
 *   systemPrompt: 'Answer from the glossary only.',
 *   messages: [{ role: 'user', content: { type: 'text', text: 'What is a quorum?' } }],
 *   tools: { lookup: { description: 'Looks a word up', input: z.object({ word: z.string() }), run: ({ word }) => lookUp(word) } },
 *   maxTokens: 400,
 *   maxIterations: 4,
 * };
 * ```
 */
export interface SampleWithToolsOptions extends SamplingParams {
  tools: Record<string, SamplingTool>;
  /** Most model turns, the last one without tools. Default 8. */
  maxIterations?: number;
  /** For all but the last iteration. Default `auto`. */
  toolChoice?: 'auto' | 'required';
}

/**
 * One tool call of the loop, as `SampleWithToolsResult.calls` lists it.
 *
 * @example
 * ```ts
 * const failed = (await sampleWithTools(sampler, options)).calls.filter((call: ToolCallRecord) => call.isError);
 * ```
 */
export interface ToolCallRecord {
  name: string;
  input: unknown;
  isError: boolean;
  /** The output's text as the model saw it. */
  output: string;
}

/**
 * What `sampleWithTools` returns: the final text and result, and how it got there.
 *
 * @example
 * ```ts
 * const { text, iterations, calls }: SampleWithToolsResult = await sampleWithTools(sampler, options);
 * sampler.progress(1, 1, `answered after ${iterations} turns and ${calls.length} tool calls`);
 * ```
 */
export interface SampleWithToolsResult {
  /** The final answer's text. */
  text: string;
  /** The final `sampling/createMessage` result. */
  result: SamplingResult;
  /** Model turns taken (1 when it answered without calling a tool). */
  iterations: number;
  /** Every tool call, in order. */
  calls: ToolCallRecord[];
  /** The whole conversation, the final answer included. */
  messages: SamplingMessage[];
}

export const DEFAULT_MAX_ITERATIONS = 8;

/**
 * The client did not declare `sampling.tools`: nothing was sent. Left uncaught, it becomes the call's
 * `isError` result; catch it to answer without tools.
 *
 * @example
 * ```ts
 * const result = await sampleWithTools(sampler, options).catch((error) => {
 *   if (error instanceof ToolsUnsupportedError) return answerWithoutTools();
 *   throw error;
 * });
 * ```
 */
export class ToolsUnsupportedError extends Error {
  override readonly name = 'ToolsUnsupportedError';
}

/**
 * The model kept calling tools when it was told not to (on the last iteration). Left uncaught, it becomes
 * the call's `isError` result.
 *
 * @example
 * ```ts
 * if (error instanceof ToolLoopError) throw new ToolError('the model did not settle on an answer; try a more capable one');
 * ```
 */
export class ToolLoopError extends Error {
  override readonly name = 'ToolLoopError';
}

/**
 * The model never returned a value matching the schema (after the retries). Left uncaught, it becomes the
 * call's `isError` result.
 *
 * @example
 * ```ts
 * if (error instanceof StructuredOutputError) return { content: [{ type: 'text', text: error.message }], isError: true };
 * ```
 */
export class StructuredOutputError extends Error {
  override readonly name = 'StructuredOutputError';
}

export function clientSupportsTools(sampler: Pick<Sampler, 'capabilities'>): boolean {
  return sampler.capabilities?.sampling?.tools !== undefined;
}

function toToolDefinitions(tools: Record<string, SamplingTool>): NonNullable<CreateMessageRequestParams['tools']> {
  return Object.entries(tools).map(([name, tool]) => ({
    name,
    description: tool.description,
    inputSchema: toInputSchema(tool.input, name),
  }));
}

/** An MCP tool input schema (a JSON Schema object) from a zod schema. */
export function toInputSchema(schema: z.ZodType, name: string): { type: 'object'; [key: string]: unknown } {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', unrepresentable: 'any' }) as Record<string, unknown>;
  if (json['type'] !== 'object') throw new TypeError(`the input schema of tool '${name}' must be an object schema`);
  delete json['$schema'];
  return json as { type: 'object'; [key: string]: unknown };
}

const outputText = (output: ToolOutput): string =>
  typeof output === 'string'
    ? output
    : output.map((block) => (block.type === 'text' ? block.text : `[${block.type}]`)).join('\n');

const zodIssues = (error: z.ZodError): string =>
  error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(input)'}: ${issue.message}`)
    .join('; ');

async function runToolCall(
  call: ToolUseContent,
  tools: Record<string, SamplingTool>,
): Promise<{ block: ToolResultContent; record: ToolCallRecord }> {
  const failed = (message: string) => ({
    block: {
      type: 'tool_result' as const,
      toolUseId: call.id,
      content: [{ type: 'text' as const, text: message }],
      isError: true,
    },
    record: { name: call.name, input: call.input, isError: true, output: message },
  });
  const tool = Object.hasOwn(tools, call.name) ? tools[call.name] : undefined;
  if (tool === undefined) {
    return failed(`there is no tool named '${call.name}'; the tools are: ${Object.keys(tools).join(', ')}`);
  }
  const parsed = tool.input.safeParse(call.input);
  if (!parsed.success) return failed(`invalid input for ${call.name}: ${zodIssues(parsed.error)}`);
  let output: ToolOutput;
  try {
    output = await tool.run(parsed.data);
  } catch (error) {
    return failed(`${call.name} failed: ${(error as Error).message}`);
  }
  const content: ContentBlock[] = typeof output === 'string' ? [{ type: 'text', text: output }] : output;
  return {
    block: { type: 'tool_result', toolUseId: call.id, content },
    record: { name: call.name, input: parsed.data, isError: false, output: outputText(output) },
  };
}

/**
 * Runs the tool loop (see the module comment). Throws `ToolsUnsupportedError` before sending anything when
 * the client did not declare `sampling.tools`.
 *
 * @example
 * ```ts
 * const { text, calls } = await sampleWithTools(sampler, {
 *   messages: [{ role: 'user', content: { type: 'text', text: 'What does "idempotent" mean in our glossary?' } }],
 *   tools: { lookup },
 *   maxTokens: 400,
 *   maxIterations: 4,
 * });
 * ```
 */
export async function sampleWithTools(
  sampler: Sampler,
  options: SampleWithToolsOptions,
): Promise<SampleWithToolsResult> {
  const { tools, maxIterations = DEFAULT_MAX_ITERATIONS, toolChoice = 'auto', messages: start, ...params } = options;
  if (!clientSupportsTools(sampler)) {
    throw new ToolsUnsupportedError(
      'this needs a client that supports tools in sampling (it did not declare the sampling.tools capability)',
    );
  }
  if (!Number.isInteger(maxIterations) || maxIterations < 1) {
    throw new RangeError(`maxIterations must be a positive integer (got ${maxIterations})`);
  }
  const definitions = toToolDefinitions(tools);
  const messages: SamplingMessage[] = [...start];
  const calls: ToolCallRecord[] = [];
  for (let iteration = 1; ; iteration += 1) {
    const last = iteration === maxIterations;
    const result = await sampler.sample({
      ...params,
      messages: [...messages],
      tools: definitions,
      toolChoice: { mode: last ? 'none' : toolChoice },
    });
    const blocks = blocksOf(result);
    const uses = blocks.filter((block): block is ToolUseContent => block.type === 'tool_use');
    messages.push({ role: 'assistant', content: blocks });
    if (uses.length === 0) {
      return { text: resultText(result).trim(), result, iterations: iteration, calls, messages };
    }
    if (last) {
      throw new ToolLoopError(
        `the model still called ${uses.map((u) => u.name).join(', ')} on its last turn (${maxIterations} turns; ` +
          'tools were not allowed on the last one)',
      );
    }
    const ran = await Promise.all(uses.map((use) => runToolCall(use, tools)));
    for (const { record } of ran) calls.push(record);
    messages.push({ role: 'user', content: ran.map(({ block }) => block) });
  }
}

/**
 * Options of `sampleObject`: the request (messages required), the schema, its name and the retries.
 *
 * @example
 * ```ts
 * const options: SampleObjectOptions<typeof schema> = {
 *   schema, // z.object({ language: z.string() })
 *   name: 'language',
 *   messages: [{ role: 'user', content: { type: 'text', text: `Which language is this? ${text}` } }],
 *   maxTokens: 50,
 *   maxRetries: 1,
 * };
 * ```
 */
export interface SampleObjectOptions<Schema extends z.ZodType> extends SamplingParams {
  schema: Schema;
  /** Named in prompts and errors, e.g. "key points". Default "result". */
  name?: string;
  /** Further attempts after an invalid answer. Default 2. */
  maxRetries?: number;
}

const FINAL_TOOL = 'final_response';

/** Parses JSON from a model's text: a bare object, or one inside a ``` fence. */
export function parseJsonText(text: string): unknown {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(text);
  const body = (fenced?.[1] ?? text).trim();
  const start = body.indexOf('{');
  const end = body.lastIndexOf('}');
  if (start < 0 || end < start) throw new SyntaxError('no JSON object in the answer');
  return JSON.parse(body.slice(start, end + 1));
}

/**
 * Asks for a value matching `schema` (see the module comment) and returns it validated. Throws
 * `StructuredOutputError` when the model never complies.
 *
 * @example
 * ```ts
 * const { value } = await sampleObject(sampler, {
 *   schema: z.object({ language: z.string(), confidence: z.number().min(0).max(1) }),
 *   name: 'language guess',
 *   messages: [{ role: 'user', content: { type: 'text', text } }],
 *   maxTokens: 100,
 * });
 * ```
 */
export async function sampleObject<Schema extends z.ZodType>(
  sampler: Sampler,
  options: SampleObjectOptions<Schema>,
): Promise<{ value: z.output<Schema>; result: SamplingResult; attempts: number }> {
  const { schema, name = 'result', maxRetries = 2, messages: start, ...params } = options;
  const inputSchema = toInputSchema(schema, name);
  const messages: SamplingMessage[] = [...start];
  const viaTool = clientSupportsTools(sampler);
  const instructions = viaTool
    ? `Give the ${name} by calling the ${FINAL_TOOL} tool with it; do not answer in text.`
    : `Answer with only a JSON object, no other text, that matches this JSON Schema:\n${JSON.stringify(inputSchema)}`;
  const systemPrompt = params.systemPrompt === undefined ? instructions : `${params.systemPrompt}\n\n${instructions}`;
  let problem = '';
  for (let attempt = 1; attempt <= maxRetries + 1; attempt += 1) {
    const result = await sampler.sample({
      ...params,
      systemPrompt,
      messages: [...messages],
      ...(viaTool && {
        tools: [{ name: FINAL_TOOL, description: `Returns the ${name}.`, inputSchema }],
        toolChoice: { mode: 'required' as const },
      }),
    });
    const blocks = blocksOf(result);
    messages.push({ role: 'assistant', content: blocks });
    let candidate: unknown;
    if (viaTool) {
      const use = blocks.find((block): block is ToolUseContent => block.type === 'tool_use');
      if (use === undefined) {
        problem = `it answered without calling ${FINAL_TOOL}`;
        messages.push({
          role: 'user',
          content: { type: 'text', text: `Call the ${FINAL_TOOL} tool with the ${name}.` },
        });
        continue;
      }
      candidate = use.input;
      const parsed = schema.safeParse(candidate);
      if (parsed.success) return { value: parsed.data, result, attempts: attempt };
      problem = zodIssues(parsed.error);
      // Every tool_use needs its tool_result: the error tells the model what to fix.
      messages.push({
        role: 'user',
        content: blocks
          .filter((block): block is ToolUseContent => block.type === 'tool_use')
          .map((block) => ({
            type: 'tool_result' as const,
            toolUseId: block.id,
            content: [
              { type: 'text' as const, text: `invalid ${name}: ${problem}. Call ${FINAL_TOOL} again, corrected.` },
            ],
            isError: true,
          })),
      });
      continue;
    }
    try {
      candidate = parseJsonText(resultText(result).trim());
    } catch (error) {
      problem = `the answer was not JSON (${(error as Error).message})`;
      messages.push({ role: 'user', content: { type: 'text', text: `${problem}. Answer with only the JSON object.` } });
      continue;
    }
    const parsed = schema.safeParse(candidate);
    if (parsed.success) return { value: parsed.data, result, attempts: attempt };
    problem = zodIssues(parsed.error);
    messages.push({
      role: 'user',
      content: {
        type: 'text',
        text: `That JSON does not match the schema: ${problem}. Answer with the corrected JSON object only.`,
      },
    });
  }
  throw new StructuredOutputError(
    `the model did not return a valid ${name} in ${maxRetries + 1} attempts (${viaTool ? `via the ${FINAL_TOOL} tool` : 'as JSON text'}): ${problem}`,
  );
}
