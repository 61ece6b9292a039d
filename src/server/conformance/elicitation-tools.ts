/**
 * Conformance tools that ask the user for input (`tools-call-elicitation`, `elicitation-sep1034-defaults`,
 * `elicitation-sep1330-enums`). Each is written once in the input_required style: the first run returns
 * the elicitation request, the retry reads the answer. On 2026-07-28 the client does the retry; on 2025-era
 * connections the SDK's legacy shim pushes a real `elicitation/create` and re-enters the handler, so no
 * code here knows the era.
 */
import {
  inputRequired,
  inputResponse,
  type CallToolResult,
  type ElicitRequestFormParams,
  type InputRequiredResult,
  type McpServer,
  type ServerContext,
} from '@modelcontextprotocol/server';
import * as z from 'zod/v4';

type RequestedSchema = ElicitRequestFormParams['requestedSchema'];

const ANSWER_KEY = 'answer';

/** First run: ask. Retry: report what the user did with the form (`<prefix> action=…, content={…}`). */
function elicitOnce(
  ctx: ServerContext,
  message: string,
  requestedSchema: RequestedSchema,
  prefix: string,
): CallToolResult | InputRequiredResult {
  const answer = inputResponse(ctx.mcpReq.inputResponses, ANSWER_KEY);
  if (answer.kind === 'missing') {
    return inputRequired({ inputRequests: { [ANSWER_KEY]: inputRequired.elicit({ message, requestedSchema }) } });
  }
  if (answer.kind !== 'elicit') {
    return {
      content: [
        { type: 'text', text: `expected an elicitation answer under '${ANSWER_KEY}', got a ${answer.kind} answer` },
      ],
      isError: true,
    };
  }
  return {
    content: [
      { type: 'text', text: `${prefix} action=${answer.action}, content=${JSON.stringify(answer.content ?? {})}` },
    ],
  };
}

const CONTACT_SCHEMA: RequestedSchema = {
  type: 'object',
  properties: {
    username: { type: 'string', description: "User's response" },
    email: { type: 'string', description: "User's email address" },
  },
  required: ['username', 'email'],
};

/** One field per primitive type, each with a default (SEP-1034). */
const DEFAULTS_SCHEMA: RequestedSchema = {
  type: 'object',
  properties: {
    name: { type: 'string', description: 'Name', default: 'John Doe' },
    age: { type: 'integer', description: 'Age', default: 30 },
    score: { type: 'number', description: 'Score', default: 95.5 },
    status: { type: 'string', description: 'Status', enum: ['active', 'inactive', 'pending'], default: 'active' },
    verified: { type: 'boolean', description: 'Verified', default: true },
  },
};

/** The five enum shapes of SEP-1330: untitled/titled single select, legacy enumNames, untitled/titled multi. */
const ENUMS_SCHEMA: RequestedSchema = {
  type: 'object',
  properties: {
    untitledSingle: { type: 'string', description: 'Untitled single select', enum: ['option1', 'option2', 'option3'] },
    titledSingle: {
      type: 'string',
      description: 'Titled single select',
      oneOf: [
        { const: 'value1', title: 'First Option' },
        { const: 'value2', title: 'Second Option' },
        { const: 'value3', title: 'Third Option' },
      ],
    },
    legacyEnum: {
      type: 'string',
      description: 'Titled single select, deprecated enumNames form',
      enum: ['opt1', 'opt2', 'opt3'],
      enumNames: ['Option One', 'Option Two', 'Option Three'],
    },
    untitledMulti: {
      type: 'array',
      description: 'Untitled multi select',
      items: { type: 'string', enum: ['option1', 'option2', 'option3'] },
    },
    titledMulti: {
      type: 'array',
      description: 'Titled multi select',
      items: {
        anyOf: [
          { const: 'value1', title: 'First Choice' },
          { const: 'value2', title: 'Second Choice' },
          { const: 'value3', title: 'Third Choice' },
        ],
      },
    },
  },
};

export function registerElicitationTools(server: McpServer): void {
  server.registerTool(
    'test_elicitation',
    {
      description: 'Asks the user for a username and an email (conformance: tools-call-elicitation).',
      inputSchema: z.object({ message: z.string().describe('The message shown to the user.') }),
    },
    async ({ message }, ctx) => elicitOnce(ctx, message, CONTACT_SCHEMA, 'User response:'),
  );
  server.registerTool(
    'test_elicitation_sep1034_defaults',
    { description: 'Asks for one value of each primitive type, each with a default (conformance: SEP-1034).' },
    async (ctx) =>
      elicitOnce(ctx, 'Please review these values (defaults filled in)', DEFAULTS_SCHEMA, 'Elicitation completed:'),
  );
  server.registerTool(
    'test_elicitation_sep1330_enums',
    { description: 'Asks for five choices, one per enum schema shape (conformance: SEP-1330).' },
    async (ctx) => elicitOnce(ctx, 'Please choose from these options', ENUMS_SCHEMA, 'Elicitation completed:'),
  );
}
