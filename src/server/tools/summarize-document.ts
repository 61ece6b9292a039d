/**
 * `summarize_document`: the Document Assistant's tool, kept under the original demo's name. It summarizes
 * `document_text`, or the file at `path` (inside the client's roots), with the client's own model through
 * MCP sampling, and returns `Summary:\n<text>`. A document that fits one request is one sampling request,
 * as in the demo; a longer one is summarized by map-reduce over chunks sized for `context_tokens`.
 */
import { basename } from 'node:path';

import type { McpServer } from '@modelcontextprotocol/server';
import * as z from 'zod/v4';

import { TextDecodeError } from '../../shared/decode-text.js';
import { fileSegmentChunks, textChunks, type FileReadReport } from '../documents/chunk-source.js';
import {
  documentBudget,
  EmptyDocumentError,
  inMemorySource,
  mapReduceSummarize,
  type SegmentedSource,
} from '../documents/map-reduce.js';
import { PathRefusedError, resolveInRoots } from '../documents/resolve-in-roots.js';
import type { SamplingEngine } from '../sampling.js';
import { SUMMARY_SAMPLING } from './summarize-document-params.js';

export { SUMMARY_SAMPLING, toSummaryRequest } from './summarize-document-params.js';

export const SUMMARIZE_DOCUMENT_TOOL = 'summarize_document';

/** Chunks per segment of a file: one 2026-era round's worth of map requests. */
const SEGMENT_CHUNKS = 64;

export interface SummarizeToolOptions {
  /** Default context window the chunks are sized for. Default 8192 tokens. */
  contextTokens?: number | undefined;
}

const inputSchema = z
  .object({
    document_text: z.string().optional().describe('The full text of the document to summarize.'),
    path: z
      .string()
      .min(1)
      .optional()
      .describe("A text file to summarize instead; it must lie inside one of the client's roots."),
    context_tokens: z
      .number()
      .int()
      .min(512)
      .max(10_000_000)
      .optional()
      .describe('Context window of the model, in tokens; long documents are split to fit it (default 8192).'),
    lossy: z
      .boolean()
      .optional()
      .describe('Replace invalid UTF-8 in a file with U+FFFD (and count it) instead of refusing the file.'),
  })
  .refine((args) => (args.document_text === undefined) !== (args.path === undefined), {
    message: 'give exactly one of document_text or path',
  });

type Args = z.infer<typeof inputSchema>;

function failure(text: string) {
  return { content: [{ type: 'text' as const, text }], isError: true };
}

export function registerSummarizeDocumentTool(
  server: McpServer,
  sampling: SamplingEngine,
  options: SummarizeToolOptions = {},
): void {
  server.registerTool(
    SUMMARIZE_DOCUMENT_TOOL,
    {
      title: 'Summarize document',
      description:
        "Summarizes a document (its text, or a file inside the client's roots) with the client's own language " +
        'model through MCP sampling; long documents are summarized part by part. This server holds no model and no key.',
      inputSchema,
    },
    sampling.tool<Args>(server, SUMMARIZE_DOCUMENT_TOOL, async (args, sampler) => {
      const contextTokens = args.context_tokens ?? options.contextTokens ?? 8192;
      const summaryTokens = SUMMARY_SAMPLING.maxTokens;
      let maxTokens: number;
      try {
        maxTokens = documentBudget(contextTokens, summaryTokens);
      } catch (error) {
        return failure((error as Error).message);
      }
      const report: FileReadReport = { replaced: 0 };
      try {
        let source: SegmentedSource;
        if (args.path !== undefined) {
          const file = await resolveInRoots(args.path, await sampler.roots());
          const name = basename(args.path);
          // About four bytes a token in prose: enough for a progress estimate and for segment sizes.
          const chunkBytes = maxTokens * 4;
          source = {
            segment: (start) =>
              fileSegmentChunks(file.path, start, {
                maxTokens,
                lossy: args.lossy === true,
                name,
                segmentBytes: SEGMENT_CHUNKS * chunkBytes,
                report,
              }),
            expectedChunks: Math.max(1, Math.round(file.bytes / chunkBytes)),
          };
        } else {
          if ((args.document_text ?? '').trim() === '') {
            return failure('document_text is empty: there is nothing to summarize');
          }
          source = inMemorySource(textChunks(args.document_text ?? '', maxTokens));
        }
        const outcome = await mapReduceSummarize(sampler, source, {
          contextTokens,
          summaryTokens,
          // Replacements counted in earlier rounds' segments still count.
          carry: {
            save: () => report.replaced,
            restore: (value) => {
              if (typeof value === 'number') report.replaced = value;
            },
          },
        });
        if (outcome.summary === '') {
          return failure(`the client's model (${outcome.models.join(', ')}) returned no text`);
        }
        const notes =
          report.replaced > 0 ? `\n\n(${report.replaced} invalid UTF-8 sequences were replaced by U+FFFD)` : '';
        return {
          content: [{ type: 'text', text: `Summary:\n${outcome.summary}${notes}` }],
          _meta: {
            'mcp-sampling/summary': {
              chunks: outcome.chunks,
              requests: outcome.requests,
              levels: outcome.levels,
              models: outcome.models,
            },
          },
        };
      } catch (error) {
        if (
          error instanceof EmptyDocumentError ||
          error instanceof PathRefusedError ||
          error instanceof TextDecodeError
        ) {
          return failure(error.message);
        }
        throw error;
      }
    }),
  );
}
