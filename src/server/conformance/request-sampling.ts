/**
 * `test_sampling` (conformance: `tools-call-sampling`): asks the client for one completion of `prompt`
 * (100 tokens at most) and returns `LLM response: <text>`. It goes through the sampling engine like every
 * tool of this server, so it works on both protocol eras: a pushed `sampling/createMessage` on 2025-era
 * connections, an input_required round on 2026-07-28.
 */
import type { McpServer } from '@modelcontextprotocol/server';
import * as z from 'zod/v4';

import type { SamplingEngine } from '../sampling/engine.js';
import { resultText } from '../sampling/sampler.js';

export const TEST_SAMPLING_TOOL = 'test_sampling';
export const TEST_SAMPLING_MAX_TOKENS = 100;

const inputSchema = z.object({
  prompt: z.string().describe('The prompt sent to the client’s model as one user message.'),
});

export function registerTestSamplingTool(server: McpServer, sampling: SamplingEngine): void {
  sampling.registerTool(
    server,
    TEST_SAMPLING_TOOL,
    {
      description:
        "Asks the client's model to answer a prompt through MCP sampling and returns its answer (conformance: tools-call-sampling).",
      inputSchema,
    },
    async ({ prompt }, sampler) => {
      const result = await sampler.sample({
        messages: [{ role: 'user', content: { type: 'text', text: prompt } }],
        maxTokens: TEST_SAMPLING_MAX_TOKENS,
      });
      return { content: [{ type: 'text', text: `LLM response: ${resultText(result)}` }] };
    },
  );
}
