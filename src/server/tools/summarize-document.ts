/**
 * `summarize_document`: the Document Assistant's tool, kept under the original demo's name. It summarizes
 * `document_text`, or the file at `path` (as the server's file-access policy allows), with the client's own model through
 * MCP sampling, and returns `Summary:\n<text>`. A document that fits one request is one sampling request,
 * as in the demo; a longer one is summarized by map-reduce over chunks sized for `context_tokens`.
 */
import type { McpServer } from '@modelcontextprotocol/server';
import * as z from 'zod/v4';

import { SUMMARIZE_DOCUMENT_TOOL, SUMMARY_META_KEY, type SummaryMeta } from '../../shared/contract.js';
import type { FileReadReport } from '../documents/chunk-source.js';
import type { FileAccess } from '../documents/file-access.js';
import { documentBudget, mapReduceSummarize } from '../documents/map-reduce.js';
import {
  documentInputFields,
  openDocument,
  replacementCarry,
  requireOneDocument,
} from '../documents/read-document-input.js';
import type { SamplingEngine } from '../sampling/engine.js';
import { SUMMARY_REQUESTS, SUMMARY_SAMPLING } from './summarize-document-params.js';
import { oncePerKey, toolInput } from './tool-input.js';
import { toolFailure } from './tool-result.js';

export { SUMMARY_SAMPLING, toSummaryRequest } from './summarize-document-params.js';

export interface SummarizeToolOptions {
  /** Default context window the chunks are sized for. Default 8192 tokens. */
  contextTokens?: number | undefined;
  /** Which files `path` may name (the server's policy, decided by its transport). */
  fileAccess: FileAccess;
}

/** The input schema; the `path` description states the server's file-access rule. */
const inputSchemaFor = (access: FileAccess) => requireOneDocument(z.object(documentInputFields('summarize', access)));

/** The schema as registered, built once per file-access rule (see `oncePerKey`). */
const registeredInput = oncePerKey((access: FileAccess) => toolInput(inputSchemaFor(access)));

export function registerSummarizeDocumentTool(
  server: McpServer,
  sampling: SamplingEngine,
  options: SummarizeToolOptions,
): void {
  sampling.registerTool(
    server,
    SUMMARIZE_DOCUMENT_TOOL,
    {
      title: 'Summarize document',
      description:
        "Summarizes a document (its text, or a file the server may read) with the client's own language " +
        'model through MCP sampling; long documents are summarized part by part. This server holds no model and no key.',
      inputSchema: registeredInput(options.fileAccess),
    },
    async (args, sampler) => {
      const contextTokens = args.context_tokens ?? options.contextTokens ?? 8192;
      const summaryTokens = SUMMARY_SAMPLING.maxTokens;
      let maxTokens: number;
      try {
        maxTokens = documentBudget(contextTokens, summaryTokens);
      } catch (error) {
        // A context too small for the prompt and the answer: the arguments, not the job, are at fault.
        return toolFailure((error as Error).message, 'invalid-input');
      }
      const report: FileReadReport = { replaced: 0 };
      // Errors about the document (empty, not allowed, not text, changed) become isError results with
      // their kind, through the engine (tools/tool-result.ts).
      const document = await openDocument(args, sampler, { verb: 'summarize', report, access: options.fileAccess });
      const source = document.chunks(maxTokens);
      const outcome = await mapReduceSummarize(sampler, source, {
        requests: SUMMARY_REQUESTS,
        contextTokens,
        summaryTokens,
        carry: replacementCarry(report),
      });
      if (outcome.summary === '') {
        return toolFailure(`the client's model (${outcome.models.join(', ')}) returned no text`);
      }
      const notes =
        report.replaced > 0 ? `\n\n(${report.replaced} invalid UTF-8 sequences were replaced by U+FFFD)` : '';
      return {
        content: [{ type: 'text', text: `Summary:\n${outcome.summary}${notes}` }],
        _meta: {
          [SUMMARY_META_KEY]: {
            chunks: outcome.chunks,
            requests: outcome.requests,
            levels: outcome.levels,
            models: outcome.models,
          } satisfies SummaryMeta,
        },
      };
    },
  );
}
