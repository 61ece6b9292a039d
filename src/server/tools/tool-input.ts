/**
 * A tool's input schema whose refusals read as one line per problem. The MCP SDK validates a tool's
 * arguments before the handler runs and joins the schema's issues with commas after its own prefix
 * ("Input validation error: Invalid arguments for tool …: a: …, b: …"); zod's default wording adds
 * "Invalid input: expected …". This wrapper is a Standard Schema (the interface the SDK takes) around the
 * zod schema: the same JSON Schema is advertised and the same parse runs, but a refusal is reported as one
 * issue whose message holds every problem on its own line.
 *
 * Its JSON Schema is converted once per target and kept (frozen): a stateless 2026-era HTTP server builds
 * a fresh `McpServer` for each request, and the SDK converts the called tool's schema for its `Mcp-Param-*`
 * check on every one (zod's `toJSONSchema` each time was about a tenth of the server's CPU under load).
 */
import type { StandardSchemaWithJSON } from '@modelcontextprotocol/server';
import type * as z from 'zod/v4';

import { issueLine } from '../../shared/issue-lines.js';

/** "context_tokens: must be …" for one problem; "2 problems:" and one indented line each otherwise. */
export function describeToolInputIssues(issues: readonly z.core.$ZodIssue[]): string {
  const lines = issues.map(issueLine);
  if (lines.length === 1) return lines[0]!;
  return `${lines.length} problems:\n${lines.map((line) => `  ${line}`).join('\n')}`;
}

/** Wraps a tool's zod input schema for `registerTool` (see the module comment). */
export function toolInput<Schema extends z.ZodType>(
  schema: Schema,
): StandardSchemaWithJSON<z.input<Schema>, z.output<Schema>> {
  const standard = schema['~standard'];
  return {
    '~standard': {
      version: 1,
      vendor: 'mcp-sampling',
      jsonSchema: {
        input: convertedOnce(standard.jsonSchema.input),
        output: convertedOnce(standard.jsonSchema.output),
      },
      validate: (value: unknown) => {
        const result = schema.safeParse(value);
        return result.success
          ? { value: result.data }
          : { issues: [{ message: describeToolInputIssues(result.error.issues) }] };
      },
    },
  };
}

type Convert = StandardSchemaWithJSON['~standard']['jsonSchema']['input'];

/** `convert`, called once per distinct options (the target, the library options) and its result kept. */
function convertedOnce(convert: Convert): Convert {
  const made = new Map<string, Record<string, unknown>>();
  return (options) => {
    const key = JSON.stringify(options);
    let json = made.get(key);
    if (json === undefined) {
      json = deepFreeze(convert(options));
      // Bounded: the SDK asks for one target; a caller cycling through options gets fresh conversions.
      if (made.size < 8) made.set(key, json);
    }
    return json;
  };
}

/** `value` with every nested object frozen: one conversion is shared by every server and request. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}

/**
 * `build(key)`, made once per key object and kept while the key lives. A stateless 2026-era HTTP server
 * builds a fresh `McpServer` (and registers every tool) for each request; the tools' input schemas depend
 * only on the server's file-access rule, so they are built once per rule instead of once per request.
 */
export function oncePerKey<Key extends object, Value>(build: (key: Key) => Value): (key: Key) => Value {
  const made = new WeakMap<Key, Value>();
  return (key) => {
    let value = made.get(key);
    if (value === undefined) {
      value = build(key);
      made.set(key, value);
    }
    return value;
  };
}
