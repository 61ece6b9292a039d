/**
 * Map-reduce over a text too long for one request, through sampling: split it into chunks sized from a
 * token budget, send one *map* request per chunk (in parallel), then combine the answers level by level
 * with *reduce* requests until one final request can take them all. The requests are the caller's to
 * build (`MapReduceRequests`): a summary, a translation, an extraction, a classification are all the same
 * walk. `mapReduceText` is the public face (a text in memory, budgets from the caller's requests);
 * `mapReduceSource` is the walk itself, over a source read a segment at a time; `mapReduceSummarize` is
 * the summary the Document Assistant's tools ask for, built on it.
 *
 * Chunks come a segment at a time (a file is read in segments of about 64 chunks), so a 100 MB file is
 * never held in memory whole; on the 2026 era each round carries the answers done so far as a checkpoint
 * and resumes at the next segment instead of re-reading the file. A summary of a document that fits is
 * exactly one request, with the original demo's parameters.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';

import type { CreateMessageRequestParams } from '@modelcontextprotocol/server';

import { estimateTokens } from '../../shared/estimate-tokens.js';
import { chunkBudget, chunkText } from './chunk-text.js';
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
  carry?: MapReduceCarry | undefined;
}

/** State of the caller's own (JSON) carried across 2026-era rounds in the map checkpoint. */
export interface MapReduceCarry {
  save(): unknown;
  restore(value: unknown): void;
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

/**
 * The requests of a map-reduce, built by the caller. Each must be a pure function of its arguments: on the
 * 2026-07-28 era the tool body replays, and a request is matched with its answer by its parameters.
 *
 * @example
 * ```ts
 * const requests: MapReduceRequests = {
 *   map: (chunk) => ({
 *     systemPrompt: 'List every date in this part of a contract, one per line, with what happens then.',
 *     messages: [{ role: 'user', content: { type: 'text', text: chunk } }],
 *     maxTokens: 400,
 *   }),
 *   reduce: (parts, { final }) => ({
 *     systemPrompt: final ? 'Merge these lists into one timeline, oldest first.' : 'Merge these lists, keep every date.',
 *     messages: [{ role: 'user', content: { type: 'text', text: parts.join('\n\n') } }],
 *     maxTokens: final ? 800 : 400,
 *   }),
 * };
 * ```
 */
export interface MapReduceRequests {
  /** The request for one chunk; `index` counts the chunks from 0, in text order. */
  map(chunk: string, info: { index: number }): CreateMessageRequestParams;
  /**
   * The request that combines consecutive answers (in text order). `final` is true for the last one, whose
   * answer is the result; `level` counts the reduce levels from 1.
   */
  reduce(parts: readonly string[], info: { final: boolean; level: number }): CreateMessageRequestParams;
  /**
   * The one request for a text that fits one chunk. Without it, such a text is one map request and one
   * final reduce over its one answer.
   */
  single?(text: string): CreateMessageRequestParams;
}

/**
 * What a map-reduce produced.
 *
 * @example
 * ```ts
 * const { text, chunks, requests }: MapReduceTextResult = await mapReduceText(sampler, document, requests);
 * return { content: [{ type: 'text', text }], structuredContent: { chunks, requests } };
 * ```
 */
export interface MapReduceTextResult {
  /** The final answer's text (trimmed). */
  text: string;
  /** The model(s) that answered, as the client reported them. */
  models: string[];
  /** Chunks the text was split into. */
  chunks: number;
  /** Sampling requests sent in all. */
  requests: number;
  /** 0 when `single` answered; else 1 (the map) + the reduce levels. */
  levels: number;
}

/** Words of the progress messages: what a map answer is called ("summaries"), the map's verb. */
interface ProgressWords {
  mapped: string;
  results: string;
}

interface MapReduceSourceOptions {
  requests: MapReduceRequests;
  /** Most tokens the parts of one reduce request may take (joined by blank lines). */
  reduceTokens: number;
  carry?: MapReduceCarry | undefined;
  /** The message of the error for a source with no chunk. */
  empty: string;
  words: ProgressWords;
}

/** Tokens a request's instructions take besides the document part (system prompt + framing). */
const PROMPT_OVERHEAD_TOKENS = 64;

/** Tokens of the longer of the two system prompts and the framing: the same for every request. */
const SUMMARY_PROMPT_TOKENS =
  Math.max(estimateTokens(MAP_SYSTEM_PROMPT), estimateTokens(COMBINE_SYSTEM_PROMPT)) + PROMPT_OVERHEAD_TOKENS;

/** Tokens left for the document part of one request: the context minus the prompt, the answer and a margin. */
export function documentBudget(contextTokens: number, outputTokens: number): number {
  return chunkBudget({ contextTokens, promptTokens: SUMMARY_PROMPT_TOKENS, outputTokens });
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

/** Greedy groups of consecutive answers whose joined text fits the budget (at least one each). */
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

const isPromise = <T>(value: T | Promise<T>): value is Promise<T> =>
  typeof (value as { then?: unknown } | null)?.then === 'function';

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

/** What a 2026-era round carries forward: the answers of the segments already done. */
interface MapCheckpoint {
  /** where the next segment starts; -1 when the map is complete */
  b: number;
  /** the part answers so far, in order: JSON, deflated, base64 (it crosses the wire every round) */
  p: string;
  /** requests made so far, and the models that answered them */
  r: number;
  m: string[];
  /** the source's counters */
  x?: unknown;
}

/** A walk that ended: its result, and the source's counters, so that a replay returns it without asking. */
interface DoneCheckpoint {
  d: MapReduceTextResult;
  x?: unknown;
}

/**
 * The call's checkpoint while map-reduce walks use it: one entry per walk, in the order the body starts
 * them, so that a body may run several (two texts, or one text after another) and each resumes its own.
 */
interface WalksCheckpoint {
  t: typeof WALKS_TAG;
  w: (MapCheckpoint | DoneCheckpoint | null)[];
}

const WALKS_TAG = 'mcp-sampling/map-reduce';

/** Per replay (a 2026-era round gets a fresh sampler): how many walks started, and the entries so far. */
const walksOf = new WeakMap<Sampler, { started: number; entries: WalksCheckpoint['w'] }>();

function isWalks(value: unknown): value is WalksCheckpoint {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { t?: unknown }).t === WALKS_TAG &&
    Array.isArray((value as { w?: unknown }).w)
  );
}

/**
 * The next walk of this replay: its index and its entry from the round's checkpoint. A checkpoint that is
 * not ours (the body saved its own) is ignored: the walk starts over, which costs requests, never answers.
 */
function startWalk(sampler: Sampler): { index: number; saved: MapCheckpoint | DoneCheckpoint | undefined } {
  let walks = walksOf.get(sampler);
  if (walks === undefined) {
    const restored = sampler.restore<unknown>();
    walks = { started: 0, entries: isWalks(restored) ? [...restored.w] : [] };
    walksOf.set(sampler, walks);
  }
  const index = walks.started++;
  return { index, saved: walks.entries[index] ?? undefined };
}

/** Saves walk `index`'s entry with the others' (a checkpoint covers everything before it). */
function saveWalk(sampler: Sampler, index: number, entry: MapCheckpoint | DoneCheckpoint): void {
  const walks = walksOf.get(sampler)!;
  while (walks.entries.length < index) walks.entries.push(null);
  walks.entries[index] = entry;
  sampler.save({ t: WALKS_TAG, w: walks.entries } satisfies WalksCheckpoint);
}

/**
 * The map-reduce walk over a segmented source (see the module comment): the map a segment at a time, a
 * checkpoint after each, then the reduce level by level.
 */
export async function mapReduceSource(
  sampler: Sampler,
  source: SegmentedSource,
  options: MapReduceSourceOptions,
): Promise<MapReduceTextResult> {
  const { requests: build, words } = options;
  const budget = options.reduceTokens;
  const models = new Set<string>();
  let requests = 0;
  const ask = async (params: CreateMessageRequestParams): Promise<string> => {
    requests++;
    const result = await sampler.sample(params);
    models.add(result.model);
    return resultText(result).trim();
  };

  // Map, a segment at a time: all chunks of a segment go out together (on the 2026 era, in one round).
  const walk = startWalk(sampler);
  if (walk.saved !== undefined && 'd' in walk.saved) {
    // This walk ended in an earlier round: its answers are in the checkpoint, not to be asked again.
    if (walk.saved.x !== undefined) options.carry?.restore(walk.saved.x);
    return walk.saved.d;
  }
  const saved = walk.saved;
  const finish = (result: MapReduceTextResult): MapReduceTextResult => {
    const extra = options.carry?.save();
    saveWalk(sampler, walk.index, { d: result, ...(extra !== undefined && { x: extra }) });
    return result;
  };
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
    // handle and its buffer) instead of leaving it to the garbage collector. An iterator without `return`
    // (a text in memory) holds nothing to close: the signal is not read then, so a 2026-era round of a short
    // text makes no AbortController (sampling/rounds.ts).
    const closable = iterator.return !== undefined;
    const close = () => void Promise.resolve(iterator.return?.()).catch(() => {});
    if (closable && sampler.signal.aborted) close();
    else if (closable) sampler.signal.addEventListener('abort', close, { once: true });
    const chunks: string[] = [];
    // A synchronous source (a text in memory) is read as it is; only a read that waits is tracked.
    let step = iterator.next();
    let item = isPromise(step) ? await sampler.track(step) : step;
    while (item.done !== true) {
      chunks.push(item.value);
      step = iterator.next();
      item = isPromise(step) ? await sampler.track(step) : step;
    }
    if (closable) sampler.signal.removeEventListener('abort', close);
    const following = item.value;
    if (start === 0 && following === undefined && parts.length === 0) {
      if (chunks.length === 0) throw new EmptyDocumentError(options.empty);
      // A text that fits is one request when the caller says how (a summary: the original demo's).
      if (chunks.length === 1 && build.single !== undefined) {
        const text = await ask(build.single(chunks[0]!));
        return finish({ text, models: [...models], chunks: 1, requests, levels: 0 });
      }
    }
    const first = seen;
    seen += chunks.length;
    const estimate = following === undefined ? seen : Math.max(seen, source.expectedChunks ?? seen);
    const answers = await Promise.all(
      chunks.map((chunk, i) =>
        ask(build.map(chunk, { index: first + i })).then((text) => {
          done++;
          const approximate = following !== undefined && source.expectedChunks !== undefined ? '~' : '';
          sampler.progress(done, estimate, `${words.mapped} ${done} of ${approximate}${estimate} parts`);
          return text;
        }),
      ),
    );
    parts.push(...answers);
    start = following;
    const packed = deflateRawSync(JSON.stringify(parts)).toString('base64');
    const extra = options.carry?.save();
    saveWalk(sampler, walk.index, {
      b: start ?? -1,
      p: packed,
      r: requests,
      m: [...models],
      ...(extra !== undefined && { x: extra }),
    });
  }
  let answers = parts;
  const chunks = answers.length;

  // Reduce, level by level, until the answers fit one final request (or only one is left).
  let levels = 1;
  for (;;) {
    if (answers.length === 1 || estimateTokens(answers.join('\n\n')) <= budget) {
      sampler.progress(chunks, chunks, `combining ${answers.length} ${words.results} into the final one`);
      const text = await ask(build.reduce(answers, { final: true, level: levels }));
      return finish({ text, models: [...models], chunks, requests, levels: levels + 1 });
    }
    let groups = groupsWithin(answers, budget);
    // Estimates can disagree with a provider's tokenizer: if nothing would merge, merge pairs anyway, so
    // every level at least halves the count and the reduce always ends.
    if (groups.length === answers.length) {
      groups = answers.flatMap((answer, i) => (i % 2 === 0 ? [answers.slice(i, i + 2)] : []));
    }
    sampler.progress(chunks, chunks, `combining ${answers.length} ${words.results} in ${groups.length} groups`);
    const level = levels;
    answers = await Promise.all(groups.map((group) => ask(build.reduce(group, { final: false, level }))));
    levels++;
  }
}

/** A document's summary by map-reduce, with the calling tool's sampling parameters. */
export async function mapReduceSummarize(
  sampler: Sampler,
  source: SegmentedSource,
  options: MapReduceOptions,
): Promise<MapReduceOutcome> {
  // Cheap to work out again (the prompt's tokens are a constant): the caller sized its chunks with the same.
  const budget = documentBudget(options.contextTokens, options.summaryTokens);
  // Partial summaries must leave room to combine at least two per request, or the reduce would not converge.
  const partTokens = Math.max(16, Math.min(options.summaryTokens, Math.floor(budget / 3)));
  const { requests } = options;
  const outcome = await mapReduceSource(sampler, source, {
    requests: {
      map: (chunk) => request(requests, MAP_SYSTEM_PROMPT, chunk, partTokens),
      reduce: (parts, { final }) =>
        request(requests, COMBINE_SYSTEM_PROMPT, parts.join('\n\n'), final ? options.summaryTokens : partTokens),
      single: requests.single,
    },
    reduceTokens: budget,
    carry: options.carry,
    empty: 'the document is empty: there is nothing to summarize',
    words: { mapped: 'summarized', results: 'summaries' },
  });
  const { text, ...counts } = outcome;
  return { summary: text, ...counts };
}

/**
 * Options of `mapReduceText`: the requests (`MapReduceRequests`), and the budgets they are sized for.
 *
 * @example
 * ```ts
 * const options: MapReduceTextOptions = { ...requests, contextTokens: 32000, chunkTokens: 6000 };
 * ```
 */
export interface MapReduceTextOptions extends MapReduceRequests {
  /** The model's context window the requests must fit, in tokens. Default 8192. */
  contextTokens?: number | undefined;
  /**
   * Most tokens of text in one chunk. Default: the context less the map request's own prompt (its system
   * prompt and messages, measured by calling `map('', { index: 0 })`), its `maxTokens` and a 10 % margin.
   */
  chunkTokens?: number | undefined;
  /**
   * Most tokens of answers in one reduce request (joined by blank lines). Default: the context less the
   * final reduce request's own prompt and `maxTokens`, and the margin.
   */
  reduceTokens?: number | undefined;
}

/** Tokens of a request besides the part it carries: its system prompt and its messages' text. */
function ownTokens(params: CreateMessageRequestParams): number {
  let tokens = estimateTokens(params.systemPrompt ?? '');
  for (const message of params.messages) {
    for (const block of Array.isArray(message.content) ? message.content : [message.content]) {
      if (block.type === 'text') tokens += estimateTokens(block.text);
    }
  }
  return tokens + PROMPT_OVERHEAD_TOKENS;
}

function positiveInteger(name: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isInteger(value) && value > 0)) {
    throw new RangeError(`mapReduceText: ${name} must be a positive integer (got ${String(value)})`);
  }
}

/** The budget a request leaves for its part, or a one-line RangeError naming `what`. */
function budgetFor(what: string, contextTokens: number, params: CreateMessageRequestParams): number {
  try {
    return chunkBudget({ contextTokens, promptTokens: ownTokens(params), outputTokens: params.maxTokens });
  } catch {
    throw new RangeError(
      `mapReduceText: a ${contextTokens}-token context leaves no room for the text of a ${what} request ` +
        `(its prompt takes about ${ownTokens(params)} tokens and its answer ${params.maxTokens}): raise contextTokens or lower maxTokens`,
    );
  }
}

/**
 * Runs a caller-defined map-reduce over `text` through `sampler` (any era): the text is split into chunks
 * that fit the context (at paragraph, sentence, line or word boundaries), one `map` request per chunk goes
 * out (all together: on the 2026 era one round), then `reduce` combines the answers in groups that fit, level
 * by level, until one final reduce answers. Progress goes to the caller (`mapped 3 of 12 parts`,
 * `combining 12 results …`); the call's cancellation stops it.
 *
 * On the 2026-07-28 era it keeps its answers in the call's checkpoint (`sampler.save`), so each round
 * resumes where the last one stopped instead of carrying every answer again. A body may run several (each
 * keeps its own entry, in the order the body starts them); a body that also calls `save()` itself replaces
 * those entries, and the walks after it start over (more requests, the same result). An empty text rejects
 * with `EmptyDocumentError`; bad options reject with a TypeError or RangeError before any request is sent.
 *
 * @example
 * ```ts
 * engine.registerTool(server, 'answer_from_text', { inputSchema: z.object({ text: z.string(), question: z.string() }) },
 *   async ({ text, question }, sampler) => {
 *     const ask = (systemPrompt: string, body: string, maxTokens: number) => ({
 *       systemPrompt,
 *       messages: [{ role: 'user' as const, content: { type: 'text' as const, text: body } }],
 *       maxTokens,
 *     });
 *     const result = await mapReduceText(sampler, text, {
 *       map: (chunk) => ask(`Note everything in this part of a document that helps answer: ${question}`, chunk, 300),
 *       reduce: (notes, { final }) =>
 *         final
 *           ? ask(`From these notes, answer: ${question}`, notes.join('\n\n'), 500)
 *           : ask('Merge these notes; keep every fact.', notes.join('\n\n'), 300),
 *     });
 *     return { content: [{ type: 'text', text: result.text }] };
 *   });
 * ```
 */
export async function mapReduceText(
  sampler: Sampler,
  text: string,
  options: MapReduceTextOptions,
): Promise<MapReduceTextResult> {
  if (typeof sampler?.sample !== 'function')
    throw new TypeError('mapReduceText: sampler must be the Sampler a tool body gets');
  if (typeof text !== 'string') throw new TypeError(`mapReduceText: text must be a string (got ${typeof text})`);
  if (typeof options?.map !== 'function' || typeof options.reduce !== 'function') {
    throw new TypeError('mapReduceText: options.map and options.reduce must be functions that build sampling requests');
  }
  if (options.single !== undefined && typeof options.single !== 'function') {
    throw new TypeError('mapReduceText: options.single must be a function when given');
  }
  positiveInteger('contextTokens', options.contextTokens);
  positiveInteger('chunkTokens', options.chunkTokens);
  positiveInteger('reduceTokens', options.reduceTokens);
  const contextTokens = options.contextTokens ?? 8192;
  const chunkTokens = options.chunkTokens ?? budgetFor('map', contextTokens, options.map('', { index: 0 }));
  const reduceTokens =
    options.reduceTokens ?? budgetFor('reduce', contextTokens, options.reduce([], { final: true, level: 1 }));
  const requests: MapReduceRequests = {
    map: (chunk, info) => options.map(chunk, info),
    reduce: (parts, info) => options.reduce(parts, info),
    ...(options.single !== undefined && { single: (whole: string) => options.single!(whole) }),
  };
  return mapReduceSource(sampler, inMemorySource(chunkText(text, { maxTokens: chunkTokens })), {
    requests,
    reduceTokens,
    empty: 'mapReduceText: the text is empty: there is nothing to map',
    words: { mapped: 'mapped', results: 'results' },
  });
}

/**
 * The text or document a tool was given is empty (or white space only): nothing to summarize or map. The
 * engine turns it into an `isError` result (with `_meta["mcp-sampling/error"].kind` `invalid-input`).
 *
 * @example
 * ```ts
 * if (text.trim() === '') throw new EmptyDocumentError('translate: the text is empty');
 * ```
 */
export class EmptyDocumentError extends Error {
  override readonly name = 'EmptyDocumentError';
}
