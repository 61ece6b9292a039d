/**
 * Checks a client's answer to `sampling/createMessage` before a tool body sees it, on both eras: a pushed
 * request's result (2025) and an `inputResponses` entry (2026-07-28), which the SDK hands over unvalidated.
 * A wrong shape becomes one line naming what is wrong, never a dump of the schema's issues.
 */
import { z } from 'zod';

import { issuesInOneLine } from '../../shared/issue-lines.js';
import type { SamplingResult } from './sampler.js';

/** `data.reason` of the error response that stands for a result that was not an object (guard-inbound.ts). */
export const INVALID_RESULT_REASON = 'invalid_result';

const text = z.object({ type: z.literal('text'), text: z.string() }).loose();
const image = z.object({ type: z.literal('image'), data: z.string(), mimeType: z.string() }).loose();
const audio = z.object({ type: z.literal('audio'), data: z.string(), mimeType: z.string() }).loose();
const toolUse = z
  .object({ type: z.literal('tool_use'), id: z.string(), name: z.string(), input: z.record(z.string(), z.unknown()) })
  .loose();
const toolResult = z
  .object({ type: z.literal('tool_result'), toolUseId: z.string(), content: z.array(z.unknown()) })
  .loose();

const plainBlock = z.discriminatedUnion('type', [text, image, audio]);
const toolsBlock = z.discriminatedUnion('type', [text, image, audio, toolUse, toolResult]);

const answer = (content: z.ZodType) =>
  z
    .object({
      role: z.enum(['user', 'assistant']),
      model: z.string(),
      stopReason: z.string().optional(),
      content,
    })
    .loose();

/** Without tools: one text, image or audio block. */
const PLAIN = answer(plainBlock);
/** With tools (and on the 2026 era, where arrays are allowed): a block or an array of blocks. */
const WITH_TOOLS = answer(z.union([toolsBlock, z.array(toolsBlock)]));

/** A role, a model, an optional string stopReason and one text block: a valid answer with or without tools. */
function isPlainTextAnswer(value: Record<string, unknown>): boolean {
  const content = value['content'] as Record<string, unknown> | null | undefined;
  return (
    (value['role'] === 'assistant' || value['role'] === 'user') &&
    typeof value['model'] === 'string' &&
    (value['stopReason'] === undefined || typeof value['stopReason'] === 'string') &&
    typeof content === 'object' &&
    content !== null &&
    !Array.isArray(content) &&
    content['type'] === 'text' &&
    typeof content['text'] === 'string'
  );
}

/** The answer, or why it is not one (one line). */
export type SamplingAnswerCheck = { ok: true; result: SamplingResult } | { ok: false; reason: string };

/**
 * Checks `value` as a sampling result. `tools`: the request offered tools (or the era allows content
 * arrays), so tool_use / tool_result blocks and arrays are accepted.
 */
export function checkSamplingAnswer(value: unknown, options: { tools: boolean }): SamplingAnswerCheck {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return {
      ok: false,
      reason: `expected an object, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`,
    };
  }
  // The common answer, one text block, is accepted without the schema (which copies the whole object):
  // exactly what the schema accepts in that shape; anything else (and every refusal) goes through it.
  if (isPlainTextAnswer(value as Record<string, unknown>)) return { ok: true, result: value as SamplingResult };
  const parsed = (options.tools ? WITH_TOOLS : PLAIN).safeParse(value);
  if (!parsed.success) return { ok: false, reason: issuesInOneLine(parsed.error.issues) };
  return { ok: true, result: value as SamplingResult };
}
