/**
 * `summarize_document`: the Document Assistant's tool, kept under the original demo's name. It asks the
 * client's model for a summary of the given text and returns it as `Summary:\n<text>`.
 */
import type { CreateMessageRequestParams, McpServer } from '@modelcontextprotocol/server';
import * as z from 'zod/v4';

import { resultText, type SamplingEngine } from '../sampling.js';

export const SUMMARIZE_DOCUMENT_TOOL = 'summarize_document';

/** The sampling parameters of the original demo, made explicit. */
export const SUMMARY_SAMPLING = {
  systemPrompt:
    'You are an expert summarizer. Summarize the document the user sends: keep its main points, key facts ' +
    'and conclusions, in clear prose, in the language of the document. Reply with the summary only.',
  temperature: 0.7,
  maxTokens: 300,
  modelPreferences: {
    hints: [{ name: 'gpt-4o' }],
    // A summary wants a capable model more than a cheap or fast one, but neither should be ignored.
    intelligencePriority: 0.8,
    speedPriority: 0.5,
    costPriority: 0.3,
  },
} as const;

export function toSummaryRequest(documentText: string): CreateMessageRequestParams {
  return {
    messages: [{ role: 'user', content: { type: 'text', text: documentText } }],
    systemPrompt: SUMMARY_SAMPLING.systemPrompt,
    temperature: SUMMARY_SAMPLING.temperature,
    maxTokens: SUMMARY_SAMPLING.maxTokens,
    modelPreferences: {
      ...SUMMARY_SAMPLING.modelPreferences,
      hints: SUMMARY_SAMPLING.modelPreferences.hints.map((hint) => ({ ...hint })),
    },
  };
}

const inputSchema = z.object({
  document_text: z.string().describe('The full text of the document to summarize.'),
});

export function registerSummarizeDocumentTool(server: McpServer, sampling: SamplingEngine): void {
  server.registerTool(
    SUMMARIZE_DOCUMENT_TOOL,
    {
      title: 'Summarize document',
      description:
        "Summarizes a document with the client's own language model (MCP sampling): this server holds no model and no key.",
      inputSchema,
    },
    sampling.tool<z.infer<typeof inputSchema>>(server, SUMMARIZE_DOCUMENT_TOOL, async ({ document_text }, sampler) => {
      if (document_text.trim() === '') {
        return {
          content: [{ type: 'text', text: 'document_text is empty: there is nothing to summarize' }],
          isError: true,
        };
      }
      const result = await sampler.sample(toSummaryRequest(document_text));
      const text = resultText(result).trim();
      if (text === '') {
        return {
          content: [{ type: 'text', text: `the client's model (${result.model}) returned no text` }],
          isError: true,
        };
      }
      return { content: [{ type: 'text', text: `Summary:\n${text}` }] };
    }),
  );
}
