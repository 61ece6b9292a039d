/**
 * The contract between the Document Assistant's tools and our CLI: the tool names, the `_meta` keys of
 * their results, and zod schemas of the `_meta` payloads the server writes. The server types what it writes
 * with them (`satisfies`); the CLI parses what it reads with them instead of casting. Other clients see
 * ordinary results.
 */
import { z } from 'zod';

export const SUMMARIZE_DOCUMENT_TOOL = 'summarize_document';
export const EXTRACT_KEY_POINTS_TOOL = 'extract_key_points';
export const ASK_DOCUMENT_TOOL = 'ask_document';

/**
 * Why a tool of the Document Assistant refused a call, in the `isError` result's `_meta`, so that our CLI
 * can tell bad input (a file that is not text, an empty document: exit code 2) from a failed job (exit
 * code 1) without reading the message's words.
 */
export const TOOL_ERROR_META_KEY = 'mcp-sampling/error';
/** How `summarize_document` got its summary. */
export const SUMMARY_META_KEY = 'mcp-sampling/summary';
/** How `extract_key_points` got its result. */
export const KEY_POINTS_META_KEY = 'mcp-sampling/key-points';
/** How `ask_document` got its answer, and the passages it cites. */
export const ANSWER_META_KEY = 'mcp-sampling/answer';

/**
 * `invalid-input`: the document or the arguments cannot be used as given (the same call will fail again);
 * `document-changed`: the file changed while it was read (the same call may succeed later).
 */
export const ToolErrorMeta = z.object({ kind: z.enum(['invalid-input', 'document-changed']) }).loose();
export type ToolErrorKind = z.output<typeof ToolErrorMeta>['kind'];

export const SummaryMeta = z
  .object({
    chunks: z.number(),
    requests: z.number(),
    /** 0 when the document fit in one request; else 1 (map) + the reduce levels. */
    levels: z.number(),
    models: z.array(z.string()),
  })
  .loose();
export type SummaryMeta = z.output<typeof SummaryMeta>;

export const KeyPointsMeta = z
  .object({
    /** The document was too long for one request and was summarized first. */
    reduced: z.boolean(),
    chunks: z.number(),
    requests: z.number(),
    levels: z.number().optional(),
    attempts: z.number(),
    models: z.array(z.string()),
  })
  .loose();
export type KeyPointsMeta = z.output<typeof KeyPointsMeta>;

const CitedPassage = z.object({ id: z.string(), text: z.string() });

export const AnswerMeta = z
  .object({
    /** `tools`: the model searched and read; `retrieval…`: the best passages went in one request. */
    mode: z.enum(['tools', 'retrieval', 'retrieval-extractive']),
    passages: z.number(),
    /** With tools: model turns, searches made, passages read. */
    iterations: z.number().optional(),
    searches: z.array(z.string()).optional(),
    read: z.array(z.string()).optional(),
    /** Without tools: the passages sent. */
    retrieved: z.array(z.string()).optional(),
    cited: z.array(CitedPassage),
    model: z.string(),
  })
  .loose();
export type AnswerMeta = z.output<typeof AnswerMeta>;

/**
 * Which path answered a `sampler.sample()` call, in the sampling result's `_meta`: written by the server's
 * sampling engine on every answer of a direct-provider fallback (`mcp-sampling/server/direct`), never on a
 * client's answer (those are passed on as the client sent them).
 */
export const SAMPLED_BY_META_KEY = 'mcp-sampling/sampled-by';

export const SampledByMeta = z
  .object({
    /** `direct`: the server's own model (the operator's key) answered, not the client. */
    path: z.literal('direct'),
    /** The model that answered (the provider's name for it when it reported one). */
    model: z.string(),
    /** The AI SDK provider of that model, e.g. `openai.chat`. */
    provider: z.string().optional(),
    /** Tokens the provider reported, billed to the server operator. */
    usage: z.object({ inputTokens: z.number(), outputTokens: z.number() }).optional(),
    /** Set when the completion was cut to maxTokens: its estimated length before, and the limit. */
    truncated: z.object({ estimatedTokens: z.number(), maxTokens: z.number() }).optional(),
  })
  .loose();
export type SampledByMeta = z.output<typeof SampledByMeta>;

/** The payload under `key` of a result's `_meta`, parsed by `schema`; undefined when absent or not of that shape. */
export function readMeta<Schema extends z.ZodType>(
  meta: Readonly<Record<string, unknown>> | undefined,
  key: string,
  schema: Schema,
): z.output<Schema> | undefined {
  const parsed = schema.safeParse(meta?.[key]);
  return parsed.success ? parsed.data : undefined;
}

/** The kind a result's `_meta` carries, if any. */
export function toolErrorKind(meta: Readonly<Record<string, unknown>> | undefined): ToolErrorKind | undefined {
  return readMeta(meta, TOOL_ERROR_META_KEY, ToolErrorMeta)?.kind;
}
