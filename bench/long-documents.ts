/**
 * B2 — long documents through a simulated model. A real Document Assistant server and a real sampling
 * client, linked in memory, on each protocol era; the client's sampling handler is a simulated model that
 * answers after 200 ms + maxTokens / 500 tokens/s, at most 4 requests at once. The wall time of one
 * `summarize_document` call is compared with the least time that model allows:
 *
 *   Σ over levels of ceil(requests at the level / 4) × (200 ms + maxTokens / 500 s)
 *
 * where the levels (map, then each reduce level) and their requests are observed by the handler and checked
 * against the tool's `_meta["mcp-sampling/summary"]` and against the server's own budget functions.
 */
import { InMemoryTransport, type ClientContext, type CreateMessageRequest } from '@modelcontextprotocol/client';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import { performance } from 'node:perf_hooks';

import { buildSamplingClient } from '../src/client/connect/session.js';
import type { SamplingHandler } from '../src/client/sampling/handler.js';
import { createDocumentAssistant } from '../src/server/create-server.js';
import { clientRootsAccess } from '../src/server/documents/file-access.js';
import { textChunks } from '../src/server/documents/chunk-source.js';
import { documentBudget, MAP_SYSTEM_PROMPT } from '../src/server/documents/map-reduce.js';
import { SUMMARY_SAMPLING } from '../src/server/tools/summarize-document-params.js';
import {
  collectGarbage,
  document,
  formatMs,
  FULL,
  MB,
  median,
  progress,
  round,
  sampleRss,
  toMB,
  type Benchmark,
  type RssPeak,
  type Table,
  type TargetResult,
} from './lib.js';

type Era = 'legacy' | 'modern';
const ERAS: readonly Era[] = ['legacy', 'modern'];

/** The simulated model: fixed latency, then output at a fixed rate; concurrency limited on the client. */
const LATENCY_MS = 200;
const TOKENS_PER_SECOND = 500;
const CONCURRENCY = 4;
const CONTEXT_TOKENS = 8192; // the tool's default
const TARGET_RATIO = 1.25;

const callMs = (maxTokens: number): number => LATENCY_MS + (maxTokens / TOKENS_PER_SECOND) * 1000;

interface Call {
  level: number;
  maxTokens: number;
  /** Times relative to the start of the tool call, ms. */
  receivedAt: number;
  startedAt: number;
  endedAt: number;
}

interface Simulated {
  handler: SamplingHandler;
  calls: Call[];
  maxInFlight(): number;
  /** Sets time zero for the recorded calls. */
  start(): void;
}

/**
 * A FIFO semaphore: at most `limit` holders. Waiters add no abort listener (on the 2026 era all requests of
 * a round share one signal); one whose request was aborted while it waited gives its turn away at once.
 */
function semaphore(limit: number) {
  let active = 0;
  const queue: (() => void)[] = [];
  return {
    async acquire(signal: AbortSignal): Promise<void> {
      signal.throwIfAborted();
      if (active < limit) {
        active++;
        return;
      }
      await new Promise<void>((resolve) => queue.push(resolve));
      active++;
      if (signal.aborted) {
        this.release();
        throw signal.reason;
      }
    },
    release(): void {
      active--;
      queue.shift()?.();
    },
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (ms <= 0) return resolve();
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function inputText(params: CreateMessageRequest['params']): string {
  const parts: string[] = [];
  for (const message of params.messages) {
    const blocks = Array.isArray(message.content) ? message.content : [message.content];
    for (const block of blocks) if (block.type === 'text') parts.push(block.text);
  }
  return parts.join('\n');
}

const FILLER = 'the simulated model summarizes this part of the document in plain words and keeps every key fact ';

/**
 * An answer of exactly `maxTokens` estimated tokens (ASCII: 4 characters a token), tagged with its level
 * so that a combine request's level is 1 + the highest level among the summaries it carries.
 */
function answer(level: number, n: number, maxTokens: number): string {
  const head = `[L${level}] #${n} `;
  const chars = maxTokens * 4;
  let body = head;
  while (body.length < chars) body += FILLER;
  body = body.slice(0, chars);
  return body.trimEnd().length === chars ? body : `${body.slice(0, chars - 1)}x`;
}

export function simulatedModel(options: { fast?: boolean } = {}): Simulated {
  const gate = semaphore(CONCURRENCY);
  const calls: Call[] = [];
  let zero = performance.now();
  let inFlight = 0;
  let max = 0;
  const handler: SamplingHandler = async (request, ctx: ClientContext) => {
    const params = request.params;
    const receivedAt = performance.now() - zero;
    const signal = ctx.mcpReq.signal;
    await gate.acquire(signal);
    const startedAt = performance.now() - zero;
    inFlight++;
    max = Math.max(max, inFlight);
    try {
      let level = 1;
      if (params.systemPrompt !== MAP_SYSTEM_PROMPT && params.systemPrompt !== SUMMARY_SAMPLING.systemPrompt) {
        let highest = 0;
        for (const match of inputText(params).matchAll(/\[L(\d+)\] #/g)) highest = Math.max(highest, Number(match[1]));
        level = highest + 1;
      }
      await sleep(options.fast === true ? 0 : callMs(params.maxTokens), signal);
      const n = calls.length + 1;
      calls.push({ level, maxTokens: params.maxTokens, receivedAt, startedAt, endedAt: performance.now() - zero });
      return {
        role: 'assistant',
        model: 'simulated',
        content: { type: 'text', text: answer(level, n, params.maxTokens) },
      };
    } finally {
      inFlight--;
      gate.release();
    }
  };
  return {
    handler,
    calls,
    maxInFlight: () => max,
    start: () => {
      zero = performance.now();
    },
  };
}

interface LevelStats {
  level: number;
  requests: number;
  maxTokens: number;
  /** ceil(requests / 4) × per-call time. */
  boundMs: number;
  /** From the first request received to the last answered. */
  spanMs: number;
  /** Before the level's first request: since the call started (level 1) or since the previous level ended. */
  gapBeforeMs: number;
}

interface RunResult {
  era: Era;
  sizeMB: number;
  rep: number;
  chars: number;
  wallMs: number;
  boundMs: number;
  ratio: number;
  chunks: number;
  requests: number;
  levels: number;
  levelStats: LevelStats[];
  /** After the last answer, until the tool result arrived. */
  tailMs: number;
  /** Mean time a request spent in the handler beyond its nominal duration (timer and scheduling lag). */
  meanLagMs: number;
  maxInFlight: number;
  /** tools/call requests the client sent: 1, or the number of input_required rounds + 1. */
  toolCalls: number;
  /** One `textChunks` pass over the document, timed after the call. */
  chunkPassMs: number;
  startRssMB: number;
  peakRssMB: number;
  rssSamples: number;
}

interface SummaryMeta {
  chunks: number;
  requests: number;
  levels: number;
}

export async function summarizeOnce(era: Era, text: string, model: Simulated) {
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  const served = serveStdio(createDocumentAssistant({ fileAccess: clientRootsAccess() }), {
    transport: serverTransport,
  });
  // Count the tools/call requests the client sends: 1 on the 2025 era, one per input_required round on 2026.
  let toolCalls = 0;
  const send = clientTransport.send.bind(clientTransport);
  clientTransport.send = (message, options) => {
    if ('method' in message && message.method === 'tools/call') toolCalls++;
    return send(message, options);
  };
  const client = buildSamplingClient(era, model.handler);
  try {
    await client.connect(clientTransport);
    if (client.getProtocolEra() !== era) throw new Error(`expected the ${era} era, got ${client.getProtocolEra()}`);
    const rss = sampleRss(50);
    model.start();
    const start = performance.now();
    let memory: RssPeak;
    let wallMs: number;
    let result;
    try {
      result = await client.callTool(
        { name: 'summarize_document', arguments: { document_text: text } },
        { onprogress: () => {}, timeout: 3_600_000, resetTimeoutOnProgress: true },
      );
      wallMs = performance.now() - start;
    } finally {
      memory = rss.stop();
    }
    if (result.isError === true) {
      const message = (result.content ?? []).map((block) => (block.type === 'text' ? block.text : '')).join(' ');
      throw new Error(`summarize_document returned an error on ${era}: ${message}`);
    }
    const meta = result._meta?.['mcp-sampling/summary'] as SummaryMeta | undefined;
    if (meta === undefined) throw new Error('the tool result has no _meta["mcp-sampling/summary"]');
    return { wallMs, meta, memory, toolCalls };
  } finally {
    await client.close().catch(() => {});
    await served.close().catch(() => {});
  }
}

async function measure(era: Era, sizeMB: number, rep: number): Promise<RunResult> {
  const text = document(sizeMB * MB);
  const model = simulatedModel();
  collectGarbage();
  const { wallMs, meta, memory, toolCalls } = await summarizeOnce(era, text, model);

  // Requests per level, as the simulated model saw them, checked against the tool's own account and the budget.
  const calls = model.calls;
  const levelCount = Math.max(...calls.map((c) => c.level));
  // One chunking pass, timed: the 2025 era chunks once per call, the 2026 era once per round (replay).
  const chunkStart = performance.now();
  const expectedChunks = textChunks(text, documentBudget(CONTEXT_TOKENS, SUMMARY_SAMPLING.maxTokens)).length;
  const chunkPassMs = performance.now() - chunkStart;
  const mapCalls = calls.filter((c) => c.level === 1).length;
  const problems: string[] = [];
  if (meta.chunks !== expectedChunks) problems.push(`_meta chunks ${meta.chunks} ≠ recomputed ${expectedChunks}`);
  if (meta.chunks !== mapCalls) problems.push(`_meta chunks ${meta.chunks} ≠ map requests seen ${mapCalls}`);
  if (meta.requests !== calls.length) problems.push(`_meta requests ${meta.requests} ≠ requests seen ${calls.length}`);
  if (meta.levels !== levelCount) problems.push(`_meta levels ${meta.levels} ≠ levels seen ${levelCount}`);
  if (problems.length > 0) throw new Error(`inconsistent request accounting on ${era}: ${problems.join('; ')}`);

  const levelStats: LevelStats[] = [];
  let previousEnd = 0;
  for (let level = 1; level <= levelCount; level++) {
    const own = calls.filter((c) => c.level === level);
    const maxTokens = Math.max(...own.map((c) => c.maxTokens));
    const first = Math.min(...own.map((c) => c.receivedAt));
    const last = Math.max(...own.map((c) => c.endedAt));
    levelStats.push({
      level,
      requests: own.length,
      maxTokens,
      boundMs: Math.ceil(own.length / CONCURRENCY) * callMs(maxTokens),
      spanMs: round(last - first, 1),
      gapBeforeMs: round(first - previousEnd, 1),
    });
    previousEnd = last;
  }
  const boundMs = levelStats.reduce((sum, l) => sum + l.boundMs, 0);
  const lags = calls.map((c) => c.endedAt - c.startedAt - callMs(c.maxTokens));
  return {
    era,
    sizeMB,
    rep,
    chars: text.length,
    wallMs: round(wallMs, 1),
    boundMs,
    ratio: round(wallMs / boundMs, 4),
    chunks: meta.chunks,
    requests: meta.requests,
    levels: meta.levels,
    levelStats,
    tailMs: round(wallMs - previousEnd, 1),
    meanLagMs: round(lags.reduce((a, b) => a + b, 0) / lags.length, 2),
    maxInFlight: model.maxInFlight(),
    toolCalls,
    chunkPassMs: round(chunkPassMs, 1),
    startRssMB: round(toMB(memory.startBytes), 0),
    peakRssMB: round(toMB(memory.peakBytes), 0),
    rssSamples: memory.samples,
  };
}

/** Where the time above the bound went, for one run. */
function overheadBreakdown(run: RunResult) {
  const gaps = run.levelStats.reduce((sum, l) => sum + l.gapBeforeMs, 0);
  const inLevels = run.levelStats.reduce((sum, l) => sum + (l.spanMs - l.boundMs), 0);
  return {
    totalMs: run.wallMs - run.boundMs,
    startMs: run.levelStats[0]?.gapBeforeMs ?? 0,
    betweenLevelsMs: gaps - (run.levelStats[0]?.gapBeforeMs ?? 0),
    inLevelsMs: inLevels,
    tailMs: run.tailMs,
  };
}

export const longDocuments: Benchmark = {
  id: 'B2',
  title: 'Long documents through a simulated model',
  async run() {
    const plan: { sizeMB: number; reps: number }[] = [{ sizeMB: 1, reps: 3 }];
    if (FULL) plan.push({ sizeMB: 10, reps: 1 });

    // Warm-up: one small document per era with an instant model (JIT, schemas, the SDK's code paths).
    for (const era of ERAS) {
      progress(`B2 warm-up on ${era} (256 KB, instant model)`);
      await summarizeOnce(era, document(256 * 1024), simulatedModel({ fast: true }));
    }

    const runs: RunResult[] = [];
    for (const { sizeMB, reps } of plan) {
      for (let rep = 1; rep <= reps; rep++) {
        // Interleave the eras, alternating which goes first, so that drifts in machine load hit both.
        const order = rep % 2 === 1 ? ERAS : [...ERAS].reverse();
        for (const era of order) {
          progress(`B2 ${sizeMB} MB on ${era}, run ${rep}/${reps} …`);
          const run = await measure(era, sizeMB, rep);
          runs.push(run);
          progress(
            `B2 ${sizeMB} MB on ${era}, run ${rep}/${reps}: ${formatMs(run.wallMs)} for a bound of ${formatMs(run.boundMs)} ` +
              `(×${run.ratio.toFixed(3)}), ${run.requests} requests, peak RSS ${run.peakRssMB} MB`,
          );
        }
      }
    }

    const groups = plan.flatMap(({ sizeMB }) =>
      ERAS.map((era) => {
        const own = runs.filter((r) => r.era === era && r.sizeMB === sizeMB);
        const ratio = median(own.map((r) => r.ratio));
        const representative = [...own].sort((a, b) => a.ratio - b.ratio)[Math.floor((own.length - 1) / 2)]!;
        return {
          era,
          sizeMB,
          runs: own,
          ratio,
          wallMs: median(own.map((r) => r.wallMs)),
          representative,
          peakRssMB: Math.max(...own.map((r) => r.peakRssMB)),
        };
      }),
    );

    const targets: TargetResult[] = groups.map((g) => ({
      name: `B2 ${g.sizeMB} MB ${g.era}`,
      description: `summarize_document on ${g.sizeMB} MB (${g.era} era): wall time / lower bound ≤ ${TARGET_RATIO}`,
      measured: round(g.ratio, 3),
      unit: '×',
      limit: `≤ ${TARGET_RATIO}`,
      pass: g.ratio <= TARGET_RATIO,
      detail: `${formatMs(g.wallMs)} vs bound ${formatMs(g.representative.boundMs)}, ${g.runs.length > 1 ? `median of ${g.runs.length}` : '1 run'}`,
    }));

    const tables: Table[] = [
      {
        title: 'Wall time against the lower bound',
        headers: [
          'Document',
          'Era',
          'Chunks',
          'Requests per level',
          'tools/call sent',
          'Lower bound',
          'Wall time (runs)',
          'Median',
          'Wall / bound',
          'Peak RSS',
        ],
        rows: groups.map((g) => [
          `${g.sizeMB} MB`,
          g.era,
          g.representative.chunks,
          g.representative.levelStats.map((l) => l.requests).join(' → '),
          g.representative.toolCalls,
          formatMs(g.representative.boundMs),
          g.runs.map((r) => (r.wallMs / 1000).toFixed(2)).join(', ') + ' s',
          formatMs(g.wallMs),
          g.ratio.toFixed(3),
          `${g.peakRssMB} MB`,
        ]),
      },
      {
        title: 'Where the time above the bound goes (median run of each variant)',
        headers: [
          'Document',
          'Era',
          'Above bound',
          'Before 1st request',
          'Between levels',
          'Inside levels',
          'After last answer',
          'Handler lag / call',
        ],
        rows: groups.map((g) => {
          const o = overheadBreakdown(g.representative);
          return [
            `${g.sizeMB} MB`,
            g.era,
            formatMs(o.totalMs),
            formatMs(o.startMs),
            formatMs(o.betweenLevelsMs),
            formatMs(o.inLevelsMs),
            formatMs(o.tailMs),
            `${g.representative.meanLagMs.toFixed(1)} ms`,
          ];
        }),
      },
    ];

    const notes: string[] = [];
    if (!FULL) {
      // Why 10 MB is left to BENCH_FULL, from its real chunk count: its map level alone takes this long.
      const chunks = textChunks(document(10 * MB), documentBudget(CONTEXT_TOKENS, SUMMARY_SAMPLING.maxTokens)).length;
      const mapMs = Math.ceil(chunks / CONCURRENCY) * callMs(SUMMARY_SAMPLING.maxTokens);
      notes.push(
        `10 MB runs only with \`BENCH_FULL=1\`: it makes ${chunks} chunks, so its map level alone needs at least ` +
          `${Math.ceil(chunks / CONCURRENCY)} waves of ${CONCURRENCY} requests of ${formatMs(callMs(SUMMARY_SAMPLING.maxTokens))} ` +
          `= ${formatMs(mapMs)} per era, well above the ~40 s that would fit the default run.`,
      );
    }
    for (const g of groups) {
      const inFlight = Math.max(...g.runs.map((r) => r.maxInFlight));
      if (inFlight !== CONCURRENCY) {
        notes.push(
          `${g.sizeMB} MB ${g.era}: at most ${inFlight} requests were in flight at once (expected ${CONCURRENCY}).`,
        );
      }
    }
    for (const g of groups.filter((g) => g.era === 'modern')) {
      const run = g.representative;
      const legacy = groups.find((o) => o.era === 'legacy' && o.sizeMB === g.sizeMB)?.representative;
      const above = run.wallMs - run.boundMs;
      notes.push(
        `${g.sizeMB} MB, 2026 era: ${formatMs(above)} above the bound` +
          (legacy !== undefined ? ` (2025 era: ${formatMs(legacy.wallMs - legacy.boundMs)})` : '') +
          `, over ${run.toolCalls} tools/call requests (the first call, then one retry per input_required round): ` +
          `about ${formatMs(above / run.toolCalls)} each. Every retry carries the whole \`document_text\` again, which ` +
          'the server validates and hashes, and the tool body is replayed from the top: it re-chunks the whole document ' +
          `(one \`textChunks\` pass over this document took ${formatMs(run.chunkPassMs)} here) and re-hashes the ` +
          'parameters of every request answered so far. The 2025 era does this work once. It grows with the document ' +
          'size times the number of rounds (ceil(chunks / 64) for the map, plus one per reduce level).',
      );
    }
    for (const g of groups.filter((g) => g.ratio > TARGET_RATIO)) {
      const o = overheadBreakdown(g.representative);
      const parts = [
        ['before the first request (argument transfer, validation, chunking)', o.startMs],
        ['between levels (round trips, replays of the tool body)', o.betweenLevelsMs],
        ['inside levels (waves not kept full, handler lag)', o.inLevelsMs],
        ['after the last answer', o.tailMs],
      ] as const;
      const [what, ms] = [...parts].sort((a, b) => b[1] - a[1])[0]!;
      notes.push(
        `**${g.sizeMB} MB ${g.era} misses the target** (×${g.ratio.toFixed(3)}): ${formatMs(o.totalMs)} above the bound, ` +
          `dominated by the time ${what}: ${formatMs(ms)}.`,
      );
    }

    return {
      about:
        'A real Document Assistant server (`createDocumentAssistant()`, default context of 8192 tokens) and a real ' +
        'sampling client (`createSamplingClient(era, handler)`) linked in memory (`InMemoryTransport`), on the 2025 ' +
        '(legacy: the server pushes requests, 4 in flight) and the 2026-07-28 (modern: input_required rounds of up ' +
        "to 64 requests) eras. The client's sampling handler is a **simulated model**: it answers after " +
        `${LATENCY_MS} ms + maxTokens / ${TOKENS_PER_SECOND} tokens/s with a text of exactly maxTokens (estimated) ` +
        `tokens, at most ${CONCURRENCY} requests at once (a semaphore in the handler, so both eras get the same ` +
        'concurrency). The document is generated English prose (deterministic; paragraphs), sent as `document_text`.\n\n' +
        'Lower bound = Σ over levels of ceil(requests at the level / 4) × (200 ms + maxTokens / 500 s): the map ' +
        'level, then every reduce level down to the final summary. The requests of each level are observed by the ' +
        "handler (each answer is tagged with its level) and checked against the tool result's " +
        '`_meta["mcp-sampling/summary"]` (chunks, requests, levels) and against `textChunks(text, documentBudget(8192, 300))`. ' +
        `Target: wall time ≤ ${TARGET_RATIO} × lower bound (median of the runs; eras interleaved). Peak RSS: ` +
        '`process.memoryUsage().rss` sampled every 50 ms during the call — client and server share the process here.',
      tables,
      targets,
      notes,
      measurements: runs,
    };
  },
};
