/**
 * The document input shared by the tools that read one document (`summarize_document`,
 * `extract_key_points`, `ask_document`): either `document_text`, or a `path` the server's file-access
 * policy allows (file-access.ts: the client's roots on stdio, the operator's directories over HTTP), decoded as UTF-8 or
 * UTF-16, strictly or `lossy`), plus `context_tokens`. Each tool builds its zod schema from these fields and
 * the one-of rule, and opens the document as chunks for a token budget of its choosing.
 */
import { basename } from 'node:path';

import * as z from 'zod/v4';

import { CONTEXT_TOKENS_MAX, CONTEXT_TOKENS_MIN, CONTEXT_TOKENS_RANGE } from '../../shared/context-tokens.js';
import { MAX_ROUND_BYTES } from '../sampling/rounds.js';
import type { Sampler } from '../sampling/sampler.js';
import {
  documentChanged,
  fileSegmentChunks,
  identityChange,
  textSegmentChunks,
  type FileIdentity,
  type FileReadReport,
} from './chunk-source.js';
import { EmptyDocumentError, type SegmentedSource } from './map-reduce.js';
import type { FileAccess } from './file-access.js';

/** Chunks per segment of a file: one 2026-era round's worth of map requests. */
const SEGMENT_CHUNKS = 64;

/**
 * A segment of `document_text`: at most this many chunks' worth, and this many UTF-8 bytes, so that its
 * map requests go in one 2026-era round (rounds.ts: 1024 requests and MAX_ROUND_BYTES of params; an
 * eighth of that is left for the requests' own prompts and JSON escapes). The chunk count is the
 * round's default request count, so that for chunks of a few thousand tokens the bytes are the bound.
 */
const TEXT_SEGMENT_CHUNKS = 1024;
const TEXT_SEGMENT_BYTES = MAX_ROUND_BYTES - MAX_ROUND_BYTES / 8;

/** One wording for every way `context_tokens` can be wrong, with the value it got. */
const contextTokensError = (issue: { input?: unknown }): string =>
  `must be ${CONTEXT_TOKENS_RANGE} (got ${JSON.stringify(issue.input) ?? 'nothing'})`;

/**
 * The input fields of a one-document tool; `verb` completes "the document to …" in their descriptions, and
 * the `path` description states the server's file-access rule.
 */
export function documentInputFields(verb: string, access: FileAccess) {
  return {
    document_text: z.string().optional().describe(`The full text of the document to ${verb}.`),
    path: z.string().min(1).optional().describe(`A text file to ${verb} instead; ${access.rule}`),
    context_tokens: z
      .number({ error: contextTokensError })
      .int({ error: contextTokensError })
      .min(CONTEXT_TOKENS_MIN, { error: contextTokensError })
      .max(CONTEXT_TOKENS_MAX, { error: contextTokensError })
      .optional()
      .describe('Context window of the model, in tokens; long documents are split to fit it (default 8192).'),
    lossy: z
      .boolean()
      .optional()
      .describe('Replace invalid UTF-8 in a file with U+FFFD (and count it) instead of refusing the file.'),
  };
}

export interface DocumentInput {
  document_text?: string | undefined;
  path?: string | undefined;
  lossy?: boolean | undefined;
}

/** Adds the rule "exactly one of document_text or path" to a tool's input schema. */
export function requireOneDocument<Schema extends z.ZodType<DocumentInput>>(schema: Schema): Schema {
  return schema.refine((args) => (args.document_text === undefined) !== (args.path === undefined), {
    message: 'give exactly one of document_text or path',
  });
}

/** A document whose source is known (the file resolved by the file-access policy), ready to be chunked. */
export interface OpenedDocument {
  /** The document's chunks for a budget of `maxTokens` each, a segment at a time. */
  chunks(maxTokens: number): SegmentedSource;
}

export interface OpenDocumentOptions {
  /** What the tool does, for the message about an empty text ("there is nothing to <verb>"). */
  verb: string;
  /** Counts the invalid UTF-8 sequences replaced in a `lossy` file; `file` is set to the file opened. */
  report: FileReadReport & { file?: DocumentFile | undefined };
  /** Which files `path` may name: the server's policy, decided by its transport. */
  access: FileAccess;
}

/**
 * Resolves the document of `args`: an empty `document_text` is refused with `EmptyDocumentError`, a path
 * the file-access policy does not allow with `PathRefusedError` (both one line; tools/tool-result.ts turns them into `isError` results).
 */
export async function openDocument(
  args: DocumentInput,
  sampler: Pick<Sampler, 'roots' | 'capabilities'>,
  options: OpenDocumentOptions,
): Promise<OpenedDocument> {
  if (args.path !== undefined) {
    const file = await options.access.resolve(args.path, sampler);
    const name = basename(args.path);
    options.report.file = { name, identity: file.identity };
    return {
      chunks: (maxTokens) => {
        // About four bytes a token in prose: enough for a progress estimate and for segment sizes.
        const chunkBytes = maxTokens * 4;
        return {
          segment: (start) =>
            fileSegmentChunks(file.path, start, {
              maxTokens,
              lossy: args.lossy === true,
              name,
              segmentBytes: SEGMENT_CHUNKS * chunkBytes,
              report: options.report,
              expected: file.identity,
            }),
          expectedChunks: Math.max(1, Math.round(file.bytes / chunkBytes)),
        };
      },
    };
  }
  const text = args.document_text ?? '';
  if (text.trim() === '') {
    throw new EmptyDocumentError(`document_text is empty: there is nothing to ${options.verb}`);
  }
  return { chunks: (maxTokens) => textSource(text, maxTokens) };
}

/**
 * A text's chunks a segment at a time (chunk-source.ts `textSegmentChunks`), each cut only when a walk
 * reads it: a 2026-era round resumes at the segment its checkpoint names, so it chunks the segment whose
 * answers it gets and the next one, never the whole text again, and a round whose checkpoint says the map
 * is done (the reduce rounds) cuts nothing.
 */
function textSource(text: string, maxTokens: number): SegmentedSource {
  const options = { maxTokens, segmentBytes: TEXT_SEGMENT_BYTES, segmentChunks: TEXT_SEGMENT_CHUNKS };
  return {
    segment: (start) => textSegmentChunks(text, start, options),
    // About four characters a token in prose, as for a file: for the progress estimate only.
    expectedChunks: Math.max(1, Math.round(text.length / (maxTokens * 4))),
  };
}

/** Every chunk of a source, segment after segment (for tools that need the whole document at once). */
export async function readAllChunks(source: SegmentedSource): Promise<string[]> {
  const chunks: string[] = [];
  let start: number | undefined = 0;
  while (start !== undefined) {
    const segment = source.segment(start);
    for (;;) {
      const step = await segment.next();
      if (step.done === true) {
        start = step.value;
        break;
      }
      chunks.push(step.value);
    }
  }
  return chunks;
}

/**
 * Carries across 2026-era rounds (the map-reduce's checkpoint `carry`) the count of invalid UTF-8 sequences
 * replaced in a `lossy` file, so replacements counted in earlier rounds' segments still count, and the
 * identity of the file those rounds read: a round that finds another version refuses to go on, since the
 * summaries so far and the next segment's offset belong to the old one.
 */
export function replacementCarry(report: FileReadReport & { file?: DocumentFile | undefined }) {
  return {
    save: () => (report.file === undefined ? report.replaced : { n: report.replaced, f: report.file.identity }),
    restore: (value: unknown) => {
      const saved = (typeof value === 'number' ? { n: value } : value) as { n?: unknown; f?: FileIdentity } | undefined;
      if (typeof saved?.n === 'number') report.replaced = saved.n;
      const now = report.file;
      const change = saved?.f === undefined || now === undefined ? undefined : identityChange(saved.f, now.identity);
      if (change !== undefined) throw documentChanged(now!.name, change);
    },
  };
}

/** The file an opened document reads, as the tool's report records it. */
export interface DocumentFile {
  name: string;
  identity: FileIdentity;
}
