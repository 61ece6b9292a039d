/**
 * `ask_document`: answers a question about a document (its text, or a file the server may read)
 * that may be far larger than the model's context window. The document is cut into numbered passages and
 * indexed (BM25); the client's model gets two tools, `search_document(query)` and `read_passage(id)`, and
 * answers from what it read, citing passage ids (`[p12]`). The reply is the answer and the passages cited.
 *
 * A client without tool use in sampling (no `sampling.tools`: for example ours when only its offline
 * extractive model is available) gets the fallback: the passages that best match the question are
 * retrieved here and sent in one plain request, and the reply says that is what happened; when the
 * client's model is an extractive one, the answer is labelled as sentences picked from those passages.
 */
import type { McpServer } from '@modelcontextprotocol/server';
import * as z from 'zod/v4';

import { ANSWER_META_KEY, ASK_DOCUMENT_TOOL, type AnswerMeta } from '../../shared/contract.js';
import type { FileAccess } from '../documents/file-access.js';
import { EmptyDocumentError } from '../documents/map-reduce.js';
import { createPassageIndex, PASSAGE_TOKENS, snippetOf, type PassageIndex } from '../documents/passage-index.js';
import { openDocument, readAllChunks, requireOneDocument } from '../documents/read-document-input.js';
import { listPassages, textPassages, type PassageTexts } from '../documents/text-passages.js';
import type { SamplingEngine } from '../sampling/engine.js';
import { resultText, type Sampler } from '../sampling/sampler.js';
import { clientSupportsTools, sampleWithTools, ToolLoopError } from '../sampling/with-tools.js';
import { oncePerKey, toolInput } from './tool-input.js';
import { toolErrorResult, toolFailure } from './tool-result.js';

/** Passages the fallback sends in its one request, and results a search returns. */
const FALLBACK_PASSAGES = 4;
const SEARCH_RESULTS = 5;
const ANSWER_TOKENS = 700;
/** The fallback's answer: short, since with the extractive model it is sentences copied from passages. */
const FALLBACK_ANSWER_TOKENS = 250;

export const ASK_SYSTEM_PROMPT =
  'You answer a question about a document you cannot see whole. It is cut into numbered passages (p1, p2, …). ' +
  'Use search_document to find the passages that matter (try several queries if needed) and read_passage to ' +
  'read one in full. Answer from what you have read only, in the language of the question, and cite the ' +
  'passages you used in square brackets, like [p3]. If the document does not answer the question, say so.';

const FALLBACK_SYSTEM_PROMPT =
  'Answer the question below from these passages of a document only, and cite the passages you used in ' +
  'square brackets, like [p3]. If they do not answer it, say so.';

const ASK_PREFERENCES = {
  hints: [{ name: 'gpt-4o' }],
  intelligencePriority: 0.8,
  speedPriority: 0.5,
  costPriority: 0.3,
};

/** The input schema; the `path` description states the server's file-access rule. */
const inputSchemaFor = (access: FileAccess) =>
  requireOneDocument(
    z.object({
      question: z.string().min(1).describe('The question to answer from the document.'),
      document_text: z.string().optional().describe('The full text of the document.'),
      path: z.string().min(1).optional().describe(`A text file to read instead; ${access.rule}`),
      lossy: z
        .boolean()
        .optional()
        .describe('Replace invalid UTF-8 in a file with U+FFFD instead of refusing the file.'),
    }),
  );

type Args = z.infer<ReturnType<typeof inputSchemaFor>>;

/** The schema as registered, built once per file-access rule (see `oncePerKey`). */
const registeredInput = oncePerKey((access: FileAccess) => toolInput(inputSchemaFor(access)));

const emptyDocument = () => new EmptyDocumentError('the document is empty: there is nothing to ask about');

/**
 * The document's passages: a file's read (decoded and cut as it streams) by the shared document input; a
 * `document_text`'s kept as spans of that one text, which the call holds anyway (text-passages.ts).
 */
async function readPassages(args: Args, sampler: Sampler, access: FileAccess): Promise<PassageTexts> {
  const document = await openDocument(args, sampler, { verb: 'ask about', report: { replaced: 0 }, access });
  if (args.document_text !== undefined) return textPassages(args.document_text, PASSAGE_TOKENS);
  return listPassages(await sampler.track(readAllChunks(document.chunks(PASSAGE_TOKENS))));
}

/** About how many words the passages hold (for the model's first message). */
function wordCount(passages: PassageTexts): number {
  let words = 0;
  for (let i = 0; i < passages.size; i++) words += passages.text(i).split(/\s+/).length;
  return words;
}

/** The passage ids an answer cites, in order of first mention, that exist. */
export function citedPassages(answer: string, index: PassageIndex): string[] {
  const seen = new Set<string>();
  for (const match of answer.matchAll(/\[\s*(p\d+(?:\s*,\s*p\d+)*)\s*\]/gi)) {
    for (const id of match[1]!.split(',')) {
      const passage = index.get(id);
      if (passage !== undefined) seen.add(passage.id);
    }
  }
  return [...seen];
}

function citationsText(ids: readonly string[], index: PassageIndex): string {
  if (ids.length === 0) return '';
  return `\n\nPassages cited:\n${ids.map((id) => `[${id}] ${snippetOf(index.get(id)!.text)}`).join('\n')}`;
}

function searchTool(index: PassageIndex, searched: string[]) {
  return {
    description:
      'Full-text search over the document (BM25). Returns the best-matching passages: id, score and the first words.',
    input: z.object({ query: z.string().min(1).describe('Words to look for.') }),
    run: ({ query }: { query: string }) => {
      searched.push(query);
      const hits = index.search(query, SEARCH_RESULTS);
      if (hits.length === 0) return `No passage matches "${query}". Try other words.`;
      return hits.map((hit) => `[${hit.id}] (score ${hit.score}) ${hit.snippet}`).join('\n');
    },
  };
}

function readTool(index: PassageIndex, read: Set<string>) {
  return {
    description: `Returns one passage in full, by id (p1 … p${index.size}).`,
    input: z.object({ id: z.string().min(1).describe('A passage id, such as p12.') }),
    run: ({ id }: { id: string }) => {
      const passage = index.get(id);
      if (passage === undefined) throw new Error(`there is no passage ${id}; ids go from p1 to p${index.size}`);
      read.add(passage.id);
      return `[${passage.id}]\n${passage.text}`;
    },
  };
}

export interface AskDocumentToolOptions {
  /** Which files `path` may name (the server's policy, decided by its transport). */
  fileAccess: FileAccess;
}

export function registerAskDocumentTool(
  server: McpServer,
  sampling: SamplingEngine,
  options: AskDocumentToolOptions,
): void {
  sampling.registerTool(
    server,
    ASK_DOCUMENT_TOOL,
    {
      title: 'Ask a document',
      description:
        'Answers a question about a document (its text, or a file the server may read), however long, with ' +
        "the client's own model through MCP sampling: the model searches the document and reads passages with " +
        'tools, and cites them. Clients without tool use in sampling get an answer from the best-matching passages.',
      inputSchema: registeredInput(options.fileAccess),
      annotations: { readOnlyHint: true },
    },
    async (args, sampler) => {
      let passages: PassageTexts;
      try {
        passages = await readPassages(args, sampler, options.fileAccess);
      } catch (error) {
        // An empty document is refused in this tool's words; other errors about it as they are.
        if (error instanceof EmptyDocumentError) return toolErrorResult(emptyDocument())!;
        throw error;
      }
      if (passages.size === 0) return toolErrorResult(emptyDocument())!;
      const index = createPassageIndex(passages);
      const words = wordCount(passages);

      if (clientSupportsTools(sampler)) {
        const searched: string[] = [];
        const read = new Set<string>();
        let outcome;
        try {
          outcome = await sampleWithTools(sampler, {
            systemPrompt: ASK_SYSTEM_PROMPT,
            messages: [
              {
                role: 'user',
                content: {
                  type: 'text',
                  text:
                    `Question: ${args.question}\n\nThe document has ${index.size} passages (p1 to p${index.size}), ` +
                    `about ${words.toLocaleString('en-US')} words.`,
                },
              },
            ],
            maxTokens: ANSWER_TOKENS,
            temperature: 0.2,
            modelPreferences: ASK_PREFERENCES,
            tools: { search_document: searchTool(index, searched), read_passage: readTool(index, read) },
          });
        } catch (error) {
          if (error instanceof ToolLoopError) return toolFailure(`${ASK_DOCUMENT_TOOL}: ${error.message}`);
          throw error;
        }
        const cited = citedPassages(outcome.text, index);
        return {
          content: [{ type: 'text', text: `${outcome.text}${citationsText(cited, index)}` }],
          _meta: {
            [ANSWER_META_KEY]: {
              mode: 'tools',
              passages: index.size,
              iterations: outcome.iterations,
              searches: searched,
              read: [...read],
              cited: cited.map((id) => ({ id, text: index.get(id)!.text })),
              model: outcome.result.model,
            } satisfies AnswerMeta,
          },
        };
      }

      // No tool use: retrieval here, one plain request with the best passages.
      const hits = index.search(args.question, FALLBACK_PASSAGES);
      const chosen =
        hits.length > 0
          ? hits.map((hit) => hit.id)
          : Array.from({ length: Math.min(FALLBACK_PASSAGES, index.size) }, (_, i) => `p${i + 1}`);
      const result = await sampler.sample({
        systemPrompt: `${FALLBACK_SYSTEM_PROMPT}\n\nQuestion: ${args.question}`,
        messages: [
          {
            role: 'user',
            content: { type: 'text', text: chosen.map((id) => `[${id}]\n\n${index.get(id)!.text}`).join('\n\n') },
          },
        ],
        maxTokens: FALLBACK_ANSWER_TOKENS,
        temperature: 0.2,
        modelPreferences: ASK_PREFERENCES,
      });
      const answer = resultText(result).trim();
      const extractive = /extractive/i.test(result.model);
      const label = extractive
        ? `Extractive answer: sentences picked by the client's extractive model (${result.model}, not an LLM) from ` +
          `the ${chosen.length} passages that best match the question; your client offered no tool use.`
        : `Answer from the ${chosen.length} passages that best match the question (your client offered no tool ` +
          'use, so the model could not search the document itself).';
      const cited = extractive ? chosen : citedPassages(answer, index);
      return {
        content: [
          { type: 'text', text: `${label}\n\n${answer}${citationsText(cited.length > 0 ? cited : chosen, index)}` },
        ],
        _meta: {
          [ANSWER_META_KEY]: {
            mode: extractive ? 'retrieval-extractive' : 'retrieval',
            passages: index.size,
            retrieved: chosen,
            cited: (cited.length > 0 ? cited : chosen).map((id) => ({ id, text: index.get(id)!.text })),
            model: result.model,
          } satisfies AnswerMeta,
        },
      };
    },
  );
}
