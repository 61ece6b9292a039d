/**
 * The diagnostic tools of the suite's `server-stateless` scenario (SEP-2575, the stateless 2026-07-28 wire):
 *
 * - `test_missing_capability`: asks for one completion with an input_required round and no capability check
 *   of its own, so that the SDK's seam is what refuses it: a 2026-07-28 request whose client capabilities
 *   lack `sampling` gets -32021 MissingRequiredClientCapabilityError with `requiredCapabilities:
 *   { sampling: {} }` (HTTP 400). (The engine's own tools check first and answer with an `isError` result
 *   naming the missing capability, on both eras.)
 * - `test_streaming_elicitation`: asks for a name with an input_required elicitation; on 2026-07-28 the
 *   response stream carries only that result (never a request of the server's own).
 * - `test_trigger_tool_change`, `test_trigger_prompt_change`: announce a change of the tool or prompt list
 *   (`sendToolListChanged()`, `sendPromptListChanged()`); over HTTP on 2026-07-28 the change reaches every
 *   open `subscriptions/listen` stream that asked for it (transports/http/list-change-bridge.ts). The lists
 *   themselves stay as they are: these only exercise the delivery.
 * - `test_logging_tool`: logs while it runs; the SDK sends the messages only when the request asked for
 *   a log level (`_meta["io.modelcontextprotocol/logLevel"]`).
 */
import {
  inputRequired,
  inputResponse,
  type CallToolResult,
  type InputRequiredResult,
  type McpServer,
} from '@modelcontextprotocol/server';
import * as z from 'zod/v4';

import { resultText } from '../sampling/sampler.js';

const noArguments = z.object({});

export function registerStatelessTools(server: McpServer): void {
  server.registerTool(
    'test_missing_capability',
    { description: "Needs the client's sampling capability: asks its model for one word.", inputSchema: noArguments },
    (_args, ctx): CallToolResult | InputRequiredResult => {
      const answer = inputResponse(ctx.mcpReq.inputResponses, 'word');
      if (answer.kind === 'sampling') return { content: [{ type: 'text', text: resultText(answer.result) }] };
      const word = inputRequired.createMessage({
        messages: [{ role: 'user', content: { type: 'text', text: 'Say one word.' } }],
        maxTokens: 10,
      });
      return inputRequired({ inputRequests: { word } });
    },
  );
  server.registerTool(
    'test_streaming_elicitation',
    { description: 'Asks for a name with an input_required elicitation, then greets.', inputSchema: noArguments },
    (_args, ctx): CallToolResult | InputRequiredResult => {
      const answer = inputResponse(ctx.mcpReq.inputResponses, 'user_name');
      if (answer.kind !== 'elicit') {
        const requestedSchema = { type: 'object' as const, properties: { name: { type: 'string' as const } } };
        return inputRequired({
          inputRequests: { user_name: inputRequired.elicit({ message: 'What is your name?', requestedSchema }) },
        });
      }
      const name = answer.action === 'accept' ? answer.content?.['name'] : undefined;
      return { content: [{ type: 'text', text: `Hello, ${typeof name === 'string' ? name : 'stranger'}!` }] };
    },
  );
  server.registerTool(
    'test_trigger_tool_change',
    {
      description: 'Announces a change of the tool list (notifications/tools/list_changed).',
      inputSchema: noArguments,
    },
    (): CallToolResult => {
      server.sendToolListChanged();
      return { content: [{ type: 'text', text: 'Tool list change announced.' }] };
    },
  );
  server.registerTool(
    'test_trigger_prompt_change',
    {
      description: 'Announces a change of the prompt list (notifications/prompts/list_changed).',
      inputSchema: noArguments,
    },
    (): CallToolResult => {
      server.sendPromptListChanged();
      return { content: [{ type: 'text', text: 'Prompt list change announced.' }] };
    },
  );
  server.registerTool(
    'test_logging_tool',
    { description: 'Logs two info messages while it runs, then returns.', inputSchema: noArguments },
    async (_args, ctx): Promise<CallToolResult> => {
      await ctx.mcpReq.log('info', 'test_logging_tool started');
      await ctx.mcpReq.log('info', 'test_logging_tool finished');
      return { content: [{ type: 'text', text: 'Logged two messages.' }] };
    },
  );
}
