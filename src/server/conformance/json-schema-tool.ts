/**
 * `json_schema_2020_12_tool` (conformance: `json-schema-2020-12`, SEP-1613): a tool whose input schema uses
 * JSON Schema 2020-12 keywords (`$schema`, `$defs` with a `$ref`, `additionalProperties`), given as raw
 * JSON Schema so `tools/list` can be checked for keeping them.
 */
import { fromJsonSchema, type McpServer } from '@modelcontextprotocol/server';

const INPUT_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  $defs: {
    address: {
      type: 'object',
      properties: { street: { type: 'string' }, city: { type: 'string' } },
    },
  },
  properties: {
    name: { type: 'string' },
    address: { $ref: '#/$defs/address' },
  },
  additionalProperties: false,
} as const;

export function registerJsonSchemaTool(server: McpServer): void {
  server.registerTool(
    'json_schema_2020_12_tool',
    {
      description: 'Tool with JSON Schema 2020-12 features (conformance: json-schema-2020-12).',
      inputSchema: fromJsonSchema<{ name?: string; address?: { street?: string; city?: string } }>(INPUT_SCHEMA),
    },
    async (args) => ({ content: [{ type: 'text', text: `Received: ${JSON.stringify(args)}` }] }),
  );
}
