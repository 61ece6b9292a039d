/**
 * Summarizing documents longer than a model's context, through sampling: split into chunks sized from a
 * token budget, summarize the chunks in parallel (map), then combine the summaries level by level until
 * one request can produce the final summary (reduce). A document that fits takes exactly one request,
 * with the original demo's parameters.
 *
 * Chunks come a segment at a time (a file is read in segments of about 64 chunks), so a 100 MB file is
 * never held in memory whole; on the 2026 era each round carries the summaries done so far as a checkpoint
 * and resumes at the next segment instead of re-reading the file.
 *
 * How the requests sample (temperature, model preferences, the one request for a document that fits) is
 * the calling tool's to say (`SummaryRequests`): this module knows no tool.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';

import type { CreateMessageRequestParams } from '@modelcontextprotocol/server';

import { estimateTokens } from '../../shared/estimate-tokens.js';
import { chunkBudget } from './chunk-text.js';
import { resultText, type Sampler } from '../sampling/sampler.js';

export const MAP_SYSTEM_PROMPT =
  'You are an expert summarizer. The user sends one part of a longer document. Summarize this part: keep ' +
  'its main points, key facts, names and numbers, in the language of the document. Reply with the summary only.';

export const COMBINE_SYSTEM_PROMPT =
  'You are an expert summarizer. The user sends summaries of consecutive parts of one document, in order. ' +
  'Combine them into one coherent summary of the whole document, in its language. Reply with the summary only.';

/** How a tool's summary requests sample. */
export interface SummaryRequests {
  /** Temperature of the map and combine requests. */
  temperature: number;
  /** Model preferences of the map and combine requests (each request gets its own copy). */
  modelPreferences: {
    readonly hints: readonly { readonly name?: string }[];
    readonly intelligencePriority?: number;
    readonly speedPriority?: number;
    readonly costPriority?: number;
  };
  /** The one request for a document that fits in one (for `summarize_document`, the original demo's). */
  single(text: string): CreateMessageRequestParams;
}

export interface MapReduceOptions {
  /** How the requests sample: the calling tool's parameters. */
  requests: SummaryRequests;
  /** Context window the requests are sized for (document part + prompt + answer). Default 8192. */
  contextTokens: number;
  /** Length of the final summary. Default 300 (the demo's maxTokens). */
  summaryTokens: number;
  /** The source's own counters (JSON) to carry across 2026-era rounds with the map checkpoint. */
  carry?: { save(): unknown; restore(value: unknown): void } | undefined;
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

/** Tokens a request's instructions take besides the document part (system prompt + framing). */
const PROMPT_OVERHEAD_TOKENS = 64;

/** Tokens left for the document part of one request: the context minus the prompt, the answer and a margin. */
export function documentBudget(contextTokens: number, outputTokens: number): number {
  const prompt = Math.max(estimateTokens(MAP_SYSTEM_PROMPT), estimateTokens(COMBINE_SYSTEM_PROMPT));
  return chunkBudget({ contextTokens, promptTokens: prompt + PROMPT_OVERHEAD_TOKENS, outputTokens });
}

function request(
  requests: SummaryRequests,
  system: string,
  text: string,
  maxTokens: number,
): CreateMessageRequestParams {
  return {
    messages: [{ role: 'user', content: { type: 'text', text } }],
    systemPrompt: system,
    temperature: requests.temperature,
    maxTokens,
    modelPreferences: {
      ...requests.modelPreferences,
      hints: requests.modelPreferences.hints.map((hint) => ({ ...hint })),
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

/**
 * Where chunks come from, one segment at a time. `segment(0)` reads the first; each returns, when done,
 * where the next one starts (undefined at the end). A text in memory is one segment.
 */
export interface SegmentedSource {
  segment(start: number): AsyncIterator<string, number | undefined> | Iterator<string, number | undefined>;
  /** The expected number of chunks in all, when it can only be estimated (a file being read). */
  expectedChunks?: number | undefined;
}

/** A text already split into chunks: one segment. */
export function inMemorySource(chunks: readonly string[]): SegmentedSource {
  return {
    segment: () => {
      let index = 0;
      return {
        next: (): IteratorResult<string, number | undefined> =>
          index < chunks.length ? { done: false, value: chunks[index++]! } : { done: true, value: undefined },
      };
    },
  };
}

/** What a 2026-era round carries forward: the summaries of the segments already done. */
interface MapCheckpoint {
  /** where the next segment starts; -1 when the map is complete */
  b: number;
  /** the part summaries so far, in order: JSON, deflated, base64 (it crosses the wire every round) */
  p: string;
  /** requests made so far, and the models that answered them */
  r: number;
  m: string[];
  /** the source's counters */
  x?: unknown;
}

export async function mapReduceSummarize(
  sampler: Sampler,
  source: SegmentedSource,
  options: MapReduceOptions,
): Promise<MapReduceOutcome> {
  const budget = documentBudget(options.contextTokens, options.summaryTokens);
  // Partial summaries must leave room to combine at least two per request, or the reduce would not converge.
  const partTokens = Math.max(16, Math.min(options.summaryTokens, Math.floor(budget / 3)));
  const models = new Set<string>();
  let requests = 0;
  const ask = async (params: CreateMessageRequestParams): Promise<string> => {
    requests++;
    const result = await sampler.sample(params);
    models.add(result.model);
    return resultText(result).trim();
  };

  // Map, a segment at a time: all chunks of a segment go out together (on the 2026 era, in one round).
  const saved = sampler.restore<MapCheckpoint>();
  const parts: string[] =
    saved === undefined
      ? []
      : (JSON.parse(inflateRawSync(Buffer.from(saved.p, 'base64')).toString('utf8')) as string[]);
  requests = saved?.r ?? 0;
  if (saved?.x !== undefined) options.carry?.restore(saved.x);
  for (const model of saved?.m ?? []) models.add(model);
  let start: number | undefined = saved === undefined ? 0 : saved.b < 0 ? undefined : saved.b;
  let done = parts.length;
  let seen = parts.length;
  while (start !== undefined) {
    const iterator = source.segment(start);
    // When the call is cancelled, or a 2026-era round ends with the body waiting, close the source (a file
    // handle and its buffer) instead of leaving it to the garbage collector.
    const close = () => void Promise.resolve(iterator.return?.()).catch(() => {});
    if (sampler.signal.aborted) close();
    else sampler.signal.addEventListener('abort', close, { once: true });
    const chunks: string[] = [];
    let item = await sampler.track(Promise.resolve(iterator.next()));
    while (item.done !== true) {
      chunks.push(item.value);
      item = await sampler.track(Promise.resolve(iterator.next()));
    }
    sampler.signal.removeEventListener('abort', close);
    const following = item.value;
    if (start === 0 && following === undefined && parts.length === 0) {
      if (chunks.length === 0) throw new EmptyDocumentError('the document is empty: there is nothing to summarize');
      // A document that fits is one request, as in the original demo.
      if (chunks.length === 1) {
        const summary = await ask(options.requests.single(chunks[0]!));
        return { summary, models: [...models], chunks: 1, requests, levels: 0 };
      }
    }
    seen += chunks.length;
    const estimate = following === undefined ? seen : Math.max(seen, source.expectedChunks ?? seen);
    const summaries = await Promise.all(
      chunks.map((chunk) =>
        ask(request(options.requests, MAP_SYSTEM_PROMPT, chunk, partTokens)).then((text) => {
          done++;
          const approximate = following !== undefined && source.expectedChunks !== undefined ? '~' : '';
          sampler.progress(done, estimate, `summarized ${done} of ${approximate}${estimate} parts`);
          return text;
        }),
      ),
    );
    parts.push(...summaries);
    start = following;
    const packed = deflateRawSync(JSON.stringify(parts)).toString('base64');
    const extra = options.carry?.save();
    sampler.save({
      b: start ?? -1,
      p: packed,
      r: requests,
      m: [...models],
      ...(extra !== undefined && { x: extra }),
    } satisfies MapCheckpoint);
  }
  let summaries = parts;
  const chunks = summaries.length;

  // Reduce, level by level, until the summaries fit one final request.
  let levels = 1;
  for (;;) {
    const joined = summaries.join('\n\n');
    if (estimateTokens(joined) <= budget) {
      sampler.progress(chunks, chunks, `combining ${summaries.length} summaries into the final one`);
      const summary = await ask(request(options.requests, COMBINE_SYSTEM_PROMPT, joined, options.summaryTokens));
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
      groups.map((group) => ask(request(options.requests, COMBINE_SYSTEM_PROMPT, group.join('\n\n'), partTokens))),
    );
    levels++;
  }
}

export class EmptyDocumentError extends Error {
  override readonly name = 'EmptyDocumentError';
}
