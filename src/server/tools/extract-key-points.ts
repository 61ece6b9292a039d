/**
 * `extract_key_points`: a title, the key points and the named entities of a document (`document_text`, or
 * a file at `path` the server's file-access policy allows), as `structuredContent` matching the tool's declared
 * `outputSchema`, plus the same data as text for people. The value comes from the client's model through
 * `sampleObject`: a `final_response` tool call when the client supports tools in sampling, otherwise JSON
 * text (2 retries). A document too long for one request is first reduced to a summary by the map-reduce
 * summarizer, and the key points are extracted from that summary (`_meta` says so).
 *
 * A model that cannot follow instructions (the client's embedded extractive summarizer) cannot produce the
 * result: the call fails with one line saying so, never with made-up structure.
 */
import type { CallToolResult, McpServer } from '@modelcontextprotocol/server';
import * as z from 'zod/v4';

import { EXTRACT_KEY_POINTS_TOOL, KEY_POINTS_META_KEY, type KeyPointsMeta } from '../../shared/contract.js';
import { estimateTokens } from '../../shared/estimate-tokens.js';
import { chunkBudget } from '../documents/chunk-text.js';
import type { FileReadReport } from '../documents/chunk-source.js';
import type { FileAccess } from '../documents/file-access.js';
import {
  documentBudget,
  EmptyDocumentError,
  mapReduceSummarize,
  type SegmentedSource,
} from '../documents/map-reduce.js';
import {
  documentInputFields,
  openDocument,
  replacementCarry,
  requireOneDocument,
} from '../documents/read-document-input.js';
import { sampleObject, StructuredOutputError, toInputSchema } from '../sampling/with-tools.js';
import type { SamplingEngine } from '../sampling/engine.js';
import { SamplingRequestError, type Sampler } from '../sampling/sampler.js';
import {
  DEFAULT_MAX_POINTS,
  formatKeyPoints,
  KEY_POINTS_SAMPLING,
  keyPointsSchema,
  keyPointsSystemPrompt,
  MAX_POINTS_LIMIT,
  REDUCED_PREFIX,
  RESULT_NAME,
} from './extract-key-points-params.js';
import { SUMMARY_REQUESTS } from './summarize-document-params.js';
import { oncePerKey, toolInput } from './tool-input.js';
import { documentErrorKind, toolErrorResult, toolFailure } from './tool-result.js';

export interface ExtractKeyPointsToolOptions {
  /** Default context window requests are sized for. Default 8192 tokens. */
  contextTokens?: number | undefined;
  /** Which files `path` may name (the server's policy, decided by its transport). */
  fileAccess: FileAccess;
}

/** The input schema; the `path` description states the server's file-access rule. */
const inputSchemaFor = (access: FileAccess) =>
  requireOneDocument(
    z.object({
      ...documentInputFields('extract key points from', access),
      max_points: z
        .number()
        .int()
        .min(1)
        .max(MAX_POINTS_LIMIT)
        .optional()
        .describe(`Most key points to return (default ${DEFAULT_MAX_POINTS}).`),
    }),
  );

type Args = z.infer<ReturnType<typeof inputSchemaFor>>;

/** The schema as registered, built once per file-access rule (see `oncePerKey`). */
const registeredInput = oncePerKey((access: FileAccess) => toolInput(inputSchemaFor(access)));

const outputSchema = keyPointsSchema(MAX_POINTS_LIMIT);

/** Tokens of a request besides the system prompt and schema: sampleObject's instructions, framing, a margin. */
const PROMPT_OVERHEAD_TOKENS = 128;

/** Longest summary a long document is reduced to before extraction. */
const MAX_SUMMARY_TOKENS = 1500;

/**
 * The document as one chunk when it fits a chunk of the source's budget, else undefined. Reads at most two
 * chunks: a long file is closed as soon as it is known not to fit.
 */
async function wholeDocument(source: SegmentedSource, sampler: Sampler): Promise<string | undefined> {
  const iterator = source.segment(0);
  try {
    const first = await sampler.track(Promise.resolve(iterator.next()));
    if (first.done === true) {
      throw new EmptyDocumentError('the document is empty: there are no key points to extract');
    }
    const second = await sampler.track(Promise.resolve(iterator.next()));
    return second.done === true && second.value === undefined ? first.value : undefined;
  } finally {
    await sampler.track(Promise.resolve(iterator.return?.()));
  }
}

export function registerExtractKeyPointsTool(
  server: McpServer,
  sampling: SamplingEngine,
  options: ExtractKeyPointsToolOptions,
): void {
  sampling.registerTool(
    server,
    EXTRACT_KEY_POINTS_TOOL,
    {
      title: 'Extract key points',
      description:
        'Extracts a title, the key points and the named entities of a document (its text, or a file the server may ' +
        "read) as structured content, with the client's own language model through MCP sampling; long documents are " +
        'summarized part by part first. Needs a model that follows instructions (not an extractive summarizer).',
      inputSchema: registeredInput(options.fileAccess),
      outputSchema,
      annotations: { readOnlyHint: true },
    },
    (args, sampler) => extractKeyPoints(args, sampler, options),
  );
}

/** The tool's body: see the module comment. */
async function extractKeyPoints(
  args: Args,
  sampler: Sampler,
  options: ExtractKeyPointsToolOptions,
): Promise<CallToolResult> {
  const contextTokens = args.context_tokens ?? options.contextTokens ?? 8192;
  const maxPoints = args.max_points ?? DEFAULT_MAX_POINTS;
  const schema = keyPointsSchema(maxPoints);
  const systemPrompt = keyPointsSystemPrompt(maxPoints);
  // A small context cannot spare 600 tokens for the answer: keep at most a third of it for that.
  const maxTokens = Math.min(KEY_POINTS_SAMPLING.maxTokens, Math.floor(contextTokens / 3));
  // The first request's budget; a retry adds the rejected answer, which the safety margin absorbs.
  const promptTokens =
    estimateTokens(systemPrompt) +
    estimateTokens(JSON.stringify(toInputSchema(schema, RESULT_NAME))) +
    PROMPT_OVERHEAD_TOKENS;
  let budget: number;
  try {
    budget = chunkBudget({ contextTokens, promptTokens, outputTokens: maxTokens });
  } catch {
    return toolFailure(
      `${EXTRACT_KEY_POINTS_TOOL}: a ${contextTokens}-token context leaves no room for the document after the ` +
        `instructions, the schema and the answer (about ${promptTokens + maxTokens} tokens): raise context_tokens`,
    );
  }

  const report: FileReadReport = { replaced: 0 };
  const models = new Set<string>();
  const recording: Sampler = {
    ...sampler,
    sample: (params) =>
      sampler.sample(params).then((result) => {
        models.add(result.model);
        return result;
      }),
  };
  try {
    const document = await openDocument(args, sampler, {
      verb: 'extract key points from',
      report,
      access: options.fileAccess,
    });
    let text = await wholeDocument(document.chunks(budget), sampler);
    let reduction: { chunks: number; requests: number; levels: number } | undefined;
    if (text === undefined) {
      const summaryTokens = Math.min(budget, MAX_SUMMARY_TOKENS);
      // Chunks no larger than the extraction's own budget: the map-reduce never takes its one-request
      // path (the demo's 300-token summary), so the summary is as long as asked.
      const chunkTokens = Math.min(budget, documentBudget(contextTokens, summaryTokens));
      const outcome = await mapReduceSummarize(recording, document.chunks(chunkTokens), {
        requests: SUMMARY_REQUESTS,
        contextTokens,
        summaryTokens,
        carry: replacementCarry(report),
      });
      if (outcome.summary === '') {
        return toolFailure(
          `${EXTRACT_KEY_POINTS_TOOL}: the client's model (${outcome.models.join(', ')}) returned an empty summary of the long document`,
        );
      }
      reduction = { chunks: outcome.chunks, requests: outcome.requests, levels: outcome.levels };
      sampler.progress(outcome.chunks + 1, outcome.chunks + 1, 'extracting key points from the summary');
      text = REDUCED_PREFIX + outcome.summary;
    } else {
      sampler.progress(0, 1, 'extracting key points');
    }

    const { value, attempts } = await sampleObject(recording, {
      schema,
      name: RESULT_NAME,
      systemPrompt,
      messages: [{ role: 'user', content: { type: 'text', text } }],
      temperature: KEY_POINTS_SAMPLING.temperature,
      maxTokens,
      modelPreferences: {
        ...KEY_POINTS_SAMPLING.modelPreferences,
        hints: KEY_POINTS_SAMPLING.modelPreferences.hints.map((hint) => ({ ...hint })),
      },
    });
    const notes = report.replaced > 0 ? `\n\n(${report.replaced} invalid UTF-8 sequences were replaced by U+FFFD)` : '';
    return {
      content: [{ type: 'text', text: `${formatKeyPoints(value)}${notes}` }],
      structuredContent: value,
      _meta: {
        [KEY_POINTS_META_KEY]: {
          reduced: reduction !== undefined,
          chunks: reduction?.chunks ?? 1,
          requests: (reduction?.requests ?? 0) + attempts,
          ...(reduction !== undefined && { levels: reduction.levels }),
          attempts,
          models: [...models],
        } satisfies KeyPointsMeta,
      },
    };
  } catch (error) {
    if (error instanceof StructuredOutputError) {
      const who = models.size > 0 ? `the client's model (${[...models].join(', ')})` : 'the model';
      return toolFailure(
        `${EXTRACT_KEY_POINTS_TOOL}: ${error.message.replace(/^the model\b/, who)}; ` +
          'this tool needs a model that follows instructions',
      );
    }
    // A failed request and an unusable document are refused with this tool's name first.
    if (error instanceof SamplingRequestError || documentErrorKind(error) !== undefined) {
      return toolErrorResult(error, `${EXTRACT_KEY_POINTS_TOOL}: `)!;
    }
    throw error;
  }
}
