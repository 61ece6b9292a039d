/**
 * What `extract_key_points` asks for and returns: the schema of its structured result (title, key points,
 * named entities), the sampling parameters, the system prompt, and the text rendering of a result.
 */
import * as z from 'zod/v4';

import { SUMMARY_SAMPLING } from './summarize-document-params.js';

export const ENTITY_TYPES = ['person', 'organization', 'place', 'date', 'other'] as const;

export const DEFAULT_MAX_POINTS = 7;
export const MAX_POINTS_LIMIT = 20;

/** The result for at most `maxPoints` key points: what the model must produce and the tool returns. */
export function keyPointsSchema(maxPoints: number) {
  return z.object({
    title: z.string().min(1).describe('A short title for the document.'),
    key_points: z
      .array(z.string().min(1))
      .min(1)
      .max(maxPoints)
      .describe(`The key points, most important first, each one sentence (at most ${maxPoints}).`),
    entities: z
      .array(
        z.object({
          name: z.string().min(1).describe('The name as the document writes it.'),
          type: z.enum(ENTITY_TYPES),
        }),
      )
      .describe('The named entities the document mentions, each once.'),
  });
}

export type KeyPoints = z.output<ReturnType<typeof keyPointsSchema>>;

export const KEY_POINTS_SAMPLING = {
  temperature: 0.2,
  maxTokens: 600,
  // As for a summary: a capable model first, speed and cost not ignored.
  modelPreferences: SUMMARY_SAMPLING.modelPreferences,
} as const;

/** Named in the sampling prompts and in the error when the model never complies. */
export const RESULT_NAME = 'key points result';

export function keyPointsSystemPrompt(maxPoints: number): string {
  return (
    'You are an expert analyst. From the document the user sends, extract: a short title; its key points ' +
    `(at most ${maxPoints}, most important first, each one self-contained sentence); and the named entities it ` +
    'mentions (people, organizations, places, dates, other names), each once, with its type. Use only what the ' +
    'document says, and write in the language of the document.'
  );
}

/** The framing of a long document's summary, sent instead of the document. */
export const REDUCED_PREFIX =
  'The document was too long for one request; here is a summary of the whole document. Treat it as the document.\n\n';

/** The result as people read it: the title, the key points as bullets, then the entities. */
export function formatKeyPoints(value: KeyPoints): string {
  const points = value.key_points.map((point) => `- ${point}`).join('\n');
  const entities =
    value.entities.length === 0
      ? 'Entities: none'
      : `Entities:\n${value.entities.map((entity) => `- ${entity.name} (${entity.type})`).join('\n')}`;
  return `Title: ${value.title}\n\nKey points:\n${points}\n\n${entities}`;
}
