/**
 * Summarizing documents longer than a model's context, through sampling: split into chunks sized from a
 * token budget, summarize the chunks in parallel (map), then combine the summaries level by level until
 * one request can produce the final summary (reduce). A document that fits takes exactly one request,
 * with the original demo's parameters.
 *
 * Chunks come from a source that may stream a file: at most `window` chunk requests are outstanding at
 * once, so a 100 MB file is never held in memory whole.
 */
import type { CreateMessageRequestParams } from '@modelcontextprotocol/server';

import { estimateTokens } from '../../shared/estimate-tokens.js';
import { chunkBudget } from '../chunking/chunk-text.js';
import { resultText, type Sampler } from '../sampling.js';
import { SUMMARY_SAMPLING, toSummaryRequest } from '../tools/summarize-document-params.js';

export const MAP_SYSTEM_PROMPT =
  'You are an expert summarizer. The user sends one part of a longer document. Summarize this part: keep ' +
  'its main points, key facts, names and numbers, in the language of the document. Reply with the summary only.';

export const COMBINE_SYSTEM_PROMPT =
  'You are an expert summarizer. The user sends summaries of consecutive parts of one document, in order. ' +
  'Combine them into one coherent summary of the whole document, in its language. Reply with the summary only.';

export interface MapReduceOptions {
  /** Context window the requests are sized for (document part + prompt + answer). Default 8192. */
  contextTokens: number;
  /** Length of the final summary. Default 300 (the demo's maxTokens). */
  summaryTokens: number;
  /** Chunk requests outstanding at once while a source is read. Default 64. */
  window?: number;
  /** For a streamed source: the expected number of chunks (from the file size), for progress. */
  expectedChunks?: number | undefined;
}

export interface MapReduceOutcome {
  summary: string;
  /** The model(s) that answered, as the client reported them. */
  models: string[];
  chunks: number;
  requests: number;
  /** 0 when the document fit in one request; else 1 (map) + the reduce levels. */
  levels: number;
}

/** Where chunks come from: whole text, or a streamed file. */
export type ChunkSource = AsyncIterable<string> | Iterable<string>;

/** Tokens a request's instructions take besides the document part (system prompt + framing). */
const PROMPT_OVERHEAD_TOKENS = 64;

/** Tokens left for the document part of one request: the context minus the prompt, the answer and a margin. */
export function documentBudget(contextTokens: number, outputTokens: number): number {
  const prompt = Math.max(estimateTokens(MAP_SYSTEM_PROMPT), estimateTokens(COMBINE_SYSTEM_PROMPT));
  return chunkBudget({ contextTokens, promptTokens: prompt + PROMPT_OVERHEAD_TOKENS, outputTokens });
}

function request(system: string, text: string, maxTokens: number): CreateMessageRequestParams {
  return {
    messages: [{ role: 'user', content: { type: 'text', text } }],
    systemPrompt: system,
    temperature: SUMMARY_SAMPLING.temperature,
    maxTokens,
    modelPreferences: {
      ...SUMMARY_SAMPLING.modelPreferences,
      hints: SUMMARY_SAMPLING.modelPreferences.hints.map((hint) => ({ ...hint })),
    },
  };
}

/** Greedy groups of consecutive summaries whose joined text fits the budget (at least one each). */
function groupsWithin(summaries: readonly string[], budget: number): string[][] {
  const groups: string[][] = [];
  let current: string[] = [];
  let tokens = 0;
  for (const summary of summaries) {
    const size = estimateTokens(summary) + 2;
    if (current.length > 0 && tokens + size > budget) {
      groups.push(current);
      current = [];
      tokens = 0;
    }
    current.push(summary);
    tokens += size;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

export async function mapReduceSummarize(
  sampler: Sampler,
  source: ChunkSource,
  options: MapReduceOptions,
): Promise<MapReduceOutcome> {
  const budget = documentBudget(options.contextTokens, options.summaryTokens);
  // Partial summaries must leave room to combine at least two per request, or the reduce would not converge.
  const partTokens = Math.max(16, Math.min(options.summaryTokens, Math.floor(budget / 3)));
  const window = options.window ?? 64;
  const expected = Array.isArray(source) ? source.length : options.expectedChunks;
  const models = new Set<string>();
  let requests = 0;
  const ask = async (params: CreateMessageRequestParams): Promise<string> => {
    requests++;
    const result = await sampler.sample(params);
    models.add(result.model);
    return resultText(result).trim();
  };

  // Map. The first chunk waits until a second appears: a document that fits is one request, as in the demo.
  const iterator = (Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]()) as
    AsyncIterator<string> | Iterator<string>;
  const next = () => sampler.track(Promise.resolve(iterator.next()));
  // When the call is cancelled, or a 2026-era round ends with the body waiting, close the source (a file
  // handle and its buffer) instead of leaving it to the garbage collector.
  const closeSource = () => void Promise.resolve(iterator.return?.()).catch(() => {});
  if (sampler.signal.aborted) closeSource();
  else sampler.signal.addEventListener('abort', closeSource, { once: true });
  const first = await next();
  if (first.done === true) throw new EmptyDocumentError('the document is empty: there is nothing to summarize');
  const second = await next();
  if (second.done === true) {
    const summary = await ask(toSummaryRequest(first.value));
    return { summary, models: [...models], chunks: 1, requests, levels: 0 };
  }

  const parts: Promise<string>[] = [];
  let done = 0;
  let reading = true;
  const outstanding: Promise<string>[] = [];
  const addChunk = async (chunk: string) => {
    const part = ask(request(MAP_SYSTEM_PROMPT, chunk, partTokens)).then((text) => {
      done++;
      // While a file is still being read the total is an estimate from its size.
      const total = reading ? Math.max(parts.length, expected ?? parts.length) : parts.length;
      sampler.progress(
        done,
        total,
        `summarized ${done} of ${reading && expected !== undefined ? '~' : ''}${total} parts`,
      );
      return text;
    });
    parts.push(part);
    outstanding.push(part);
    if (outstanding.length >= window) await outstanding.shift();
  };
  await addChunk(first.value);
  await addChunk(second.value);
  for (let item = await next(); item.done !== true; item = await next()) await addChunk(item.value);
  reading = false;
  let summaries = await Promise.all(parts);
  const chunks = summaries.length;

  // Reduce, level by level, until the summaries fit one final request.
  let levels = 1;
  for (;;) {
    const joined = summaries.join('\n\n');
    if (estimateTokens(joined) <= budget) {
      sampler.progress(chunks, chunks, `combining ${summaries.length} summaries into the final one`);
      const summary = await ask(request(COMBINE_SYSTEM_PROMPT, joined, options.summaryTokens));
      return { summary, models: [...models], chunks, requests, levels: levels + 1 };
    }
    let groups = groupsWithin(summaries, budget);
    // Estimates can disagree with a provider's tokenizer: if nothing would merge, merge pairs anyway, so
    // every level at least halves the count and the reduce always ends.
    if (groups.length === summaries.length) {
      groups = summaries.flatMap((summary, i) => (i % 2 === 0 ? [summaries.slice(i, i + 2)] : []));
    }
    sampler.progress(chunks, chunks, `combining ${summaries.length} summaries in ${groups.length} groups`);
    summaries = await Promise.all(
      groups.map((group) => ask(request(COMBINE_SYSTEM_PROMPT, group.join('\n\n'), partTokens))),
    );
    levels++;
  }
}

export class EmptyDocumentError extends Error {
  override readonly name = 'EmptyDocumentError';
}
