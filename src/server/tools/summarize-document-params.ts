/**
 * The sampling parameters of `summarize_document` for a document that fits one request: the original
 * demo's, made explicit (expert-summarizer system prompt, temperature 0.7, 300 tokens, hint gpt-4o).
 */
import type { CreateMessageRequestParams } from '@modelcontextprotocol/server';

import type { SummaryRequests } from '../documents/map-reduce.js';

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

/** The map-reduce's requests for a summary: the demo's sampling, and the demo's request when the document fits. */
export const SUMMARY_REQUESTS: SummaryRequests = {
  temperature: SUMMARY_SAMPLING.temperature,
  modelPreferences: SUMMARY_SAMPLING.modelPreferences,
  single: toSummaryRequest,
};
