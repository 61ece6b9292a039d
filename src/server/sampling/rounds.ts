/**
 * The 2026-07-28 era (input_required rounds). Servers cannot send requests, so the tool body runs as a
 * *replay*: each `sample()` gets a key (a digest of its params plus an occurrence number); a known answer
 * resolves at once, an unknown one is recorded and never settles in this run. When the body is blocked (a
 * full turn of the event loop adds no new request, and no `track()`ed work is running), the run ends with
 * one `input_required` result carrying the pending requests (at most `maxRequestsPerRound`, and at most
 * MAX_ROUND_BYTES of their params) and a signed
 * `requestState` (state.ts) with the answers used so far. The client answers and retries; the body runs
 * again from the top and gets further. Within a round, progress is coalesced to the last value.
 *
 * When the engine's fallback answers this call (`call.fallback`), `sample()` runs on it at once and its
 * answer is kept like a client's; a call then ends in its first round unless it needs the client's roots.
 */
import { setMaxListeners } from 'node:events';

import {
  inputRequired,
  inputResponse,
  ProtocolError,
  ProtocolErrorCode,
  type CallToolResult,
  type InputRequest,
  type InputRequiredResult,
  type Root,
} from '@modelcontextprotocol/server';

import { checkSamplingAnswer } from './check-answer.js';
import type { HmacStateCodec } from './hmac-state-codec.js';
import {
  rootsUnsupported,
  samplingUnsupported,
  type Sampler,
  type SamplingResult,
  type SamplingToolBody,
} from './sampler.js';
import { digestText, openRoundState, ROOTS_KEY, SAMPLING_KEY, samplingKey, type RoundState } from './state.js';
import { progressSender, type ToolCall } from './tool-call.js';

export interface RoundsOptions {
  /** Signs and verifies `requestState`. */
  codec: HmacStateCodec<RoundState>;
  /** Most requests one input_required round carries; the rest go in later rounds. */
  maxRequestsPerRound: number;
}

/**
 * Most bytes of request params (their JSON) one round carries, besides the request count: a long
 * document's map requests go in as few rounds as this allows (each round re-sends the call's arguments),
 * while one result stays a size any client reads. A single larger request still goes alone.
 */
export const MAX_ROUND_BYTES = 16 * 1024 * 1024;

/**
 * Why a 2026-era retry's `inputResponses` cannot be used, in one line; undefined when they can. Entries
 * under the engine's own keys must have the shape of what was asked (a sampling result, a roots list);
 * other keys are not the engine's and are left to the SDK.
 */
export function checkInputResponses(responses: unknown): string | undefined {
  if (responses === undefined) return undefined;
  if (typeof responses !== 'object' || responses === null || Array.isArray(responses)) {
    return 'inputResponses must be an object of answers by request key';
  }
  for (const [key, value] of Object.entries(responses)) {
    if (SAMPLING_KEY.test(key)) {
      // The 2026 era allows content arrays (and tool_use blocks) in an embedded sampling answer.
      const check = checkSamplingAnswer(value, { tools: true });
      if (!check.ok) return `inputResponses["${key}"] is not a valid sampling answer: ${check.reason}`;
    } else if (key === ROOTS_KEY) {
      const roots = (value as { roots?: unknown } | null)?.roots;
      const valid =
        Array.isArray(roots) && roots.every((root) => typeof (root as { uri?: unknown } | null)?.uri === 'string');
      if (!valid) return `inputResponses["${key}"] is not a valid roots list: expected { roots: [{ uri, name? }] }`;
    }
  }
  return undefined;
}

/**
 * The answer a round knows under `key`: this retry's (`inputResponses`) first, else an earlier round's
 * (the state). Looked up per request: nothing is copied into a map for a round that asks once.
 */
function knownAnswer(
  responses: Record<string, unknown> | undefined,
  state: RoundState | undefined,
  key: string,
): SamplingResult | undefined {
  if (responses !== undefined) {
    const view = inputResponse(responses, key);
    if (view.kind === 'sampling') return view.result;
  }
  const saved = state?.a;
  return saved !== undefined && Object.hasOwn(saved, key) ? saved[key] : undefined;
}

/** The client's roots as a round knows them: this retry's answer under ROOTS_KEY, else the state's. */
function knownRoots(responses: Record<string, unknown> | undefined, state: RoundState | undefined): Root[] | undefined {
  if (responses !== undefined) {
    const view = inputResponse(responses, ROOTS_KEY);
    if (view.kind === 'roots') return view.roots;
  }
  return state?.r;
}

/** How a round ended: the body's result, or blocked on requests this round cannot answer. */
const BLOCKED = Symbol('blocked');
type Outcome = CallToolResult | typeof BLOCKED;

/** The sampler of one round, and what the round learns from the body's calls. */
interface Round {
  sampler: Sampler;
  /** Resolves with the body's result, or with BLOCKED once the body waits on requests this round cannot answer. */
  outcome: Promise<Outcome>;
  /** Answers the body used since its last checkpoint, to carry to the next round (insertion order). */
  used(): Record<string, SamplingResult>;
  /** Requests to send in this round's input_required result. */
  pending(): Record<string, InputRequest>;
  /** The client's roots, when this round or an earlier one got them. */
  roots: Root[] | undefined;
  /** The last progress the body reported, sent once when the round ends. */
  lastProgress(): [number, number | undefined, string | undefined] | undefined;
  /** The body's latest checkpoint (or the state's, when it saved none). */
  checkpoint(): unknown;
}

/**
 * Runs `body` as one round. What a round keeps is sized for the common body, one `sample()`: the
 * occurrence counts are a Map only once a second distinct request comes, the answers are looked up where
 * they are (knownAnswer), and the round's end is one promise that the body's result or the blocked
 * watch settles (no race, no separate "blocked" promise).
 */
function startRound<Args>(
  call: ToolCall,
  state: RoundState | undefined,
  body: SamplingToolBody<Args>,
  args: Args,
  lazySignal: LazySignal,
  maxRequestsPerRound: number,
): Round {
  const responses = call.ctx.mcpReq.inputResponses as Record<string, unknown> | undefined;
  const roots = knownRoots(responses, state);
  let used: Record<string, SamplingResult> = {};
  const pending: Record<string, InputRequest> = {};
  let pendingCount = 0;
  // Occurrences of each request's params: one digest and its count until a second distinct one comes.
  let onlyBase: string | undefined;
  let onlyCount = 0;
  let occurrences: Map<string, number> | undefined;
  const occurrence = (base: string): number => {
    if (occurrences === undefined) {
      if (onlyBase === undefined || onlyBase === base) {
        onlyBase = base;
        return onlyCount++;
      }
      occurrences = new Map([[onlyBase, onlyCount]]);
    }
    const n = occurrences.get(base) ?? 0;
    occurrences.set(base, n + 1);
    return n;
  };
  let waiting = 0; // requests issued without an answer (some beyond the round's cap)
  let pendingBytes = 0;
  let busy = 0;
  let settle!: (outcome: Outcome) => void;
  let fail!: (error: unknown) => void;
  const outcome = new Promise<Outcome>((resolve, reject) => {
    settle = resolve;
    fail = reject;
  });
  let watching = false;
  let lastProgress: [number, number | undefined, string | undefined] | undefined;
  let checkpoint: unknown = state?.c;

  // Declare the round blocked once a full turn of the event loop adds no new request while no tracked
  // work runs: requests issued together (Promise.all) always land in the same round.
  const watch = () => {
    if (watching) return;
    watching = true;
    const seen = waiting;
    setImmediate(() => {
      watching = false;
      if (busy === 0 && waiting === seen) settle(BLOCKED);
      else if (busy === 0) watch();
    });
  };
  // One per unanswered request, never shared: an abandoned body is then garbage once its round ends.
  const never = <T>() => new Promise<T>(() => {});
  // The round's signal gets a listener per fallback request and per tracked read; the common case (one
  // request, nothing tracked) never needs the limit lifted, so it is lifted only once a second one comes.
  let calls = 0;
  const manyListeners = () => {
    calls++;
    if (calls === 2) lazySignal.manyListeners();
  };
  const track = <T>(work: Promise<T>): Promise<T> => {
    manyListeners();
    busy++;
    const done = () => {
      busy--;
      if (busy === 0 && waiting > 0) watch();
    };
    work.then(done, done);
    return work;
  };

  const sampler: Sampler = {
    // Made on first use: a body that never reads it (the common case) costs no AbortController.
    get signal() {
      return lazySignal.get();
    },
    capabilities: call.samplerCapabilities(),
    sample(params) {
      manyListeners();
      const json = JSON.stringify(params);
      const base = digestText(json);
      const key = samplingKey(base, occurrence(base));
      const answer = knownAnswer(responses, state, key);
      if (answer !== undefined) {
        used[key] = answer;
        return Promise.resolve(answer);
      }
      if (call.fallback !== undefined) {
        // The server's own model answers now, in this run; the answer is carried in requestState like a
        // client's (`used`), so a later round (one that needs roots) replays it instead of paying again.
        // Tracked, so that the round is not declared blocked while the provider call runs.
        return track(call.fallback.sample(params, lazySignal.get())).then((result) => {
          used[key] = result;
          return result;
        });
      }
      if (call.capabilities()?.sampling === undefined) return Promise.reject(samplingUnsupported(call.toolName));
      waiting++;
      if (pendingCount < maxRequestsPerRound) {
        const bytes = Buffer.byteLength(json);
        if (pendingCount === 0 || pendingBytes + bytes <= MAX_ROUND_BYTES) {
          pending[key] = inputRequired.createMessage(params);
          pendingCount++;
          pendingBytes += bytes;
        }
      }
      watch();
      return never();
    },
    roots() {
      if (roots !== undefined) return Promise.resolve(roots);
      if (call.capabilities()?.roots === undefined) return Promise.reject(rootsUnsupported(call.toolName));
      waiting++;
      if (!Object.hasOwn(pending, ROOTS_KEY)) pendingCount++;
      pending[ROOTS_KEY] = inputRequired.listRoots();
      watch();
      return never();
    },
    track,
    // Within a round the body replays every answered step at once: only the last value is worth sending.
    progress(progress, total, message) {
      lastProgress = [progress, total, message];
    },
    restore: <T>() => state?.c as T | undefined,
    save(value) {
      checkpoint = value;
      used = {};
    },
  };
  body(args, sampler).then(settle, fail);
  return {
    sampler,
    outcome,
    used: () => used,
    pending: () => pending,
    roots,
    lastProgress: () => lastProgress,
    checkpoint: () => checkpoint,
  };
}

/**
 * Why a round's signal is aborted when the round ends without the body finishing. One instance: a
 * `new Error` per round would capture a stack every time, for a reason nobody reads.
 */
const ROUND_ENDED = new Error('sampling round ended');

/**
 * The round's signal, made on first use: aborted when the call is cancelled or the round ends. A round
 * whose body never reads `sampler.signal` and has no fallback or tracked work (one `sample()`, the common
 * case) creates no AbortController and adds no listener to the call's signal. Once the round has ended,
 * a late first use gets a signal already aborted with ROUND_ENDED, as an eager one would be by then.
 */
interface LazySignal {
  get(): AbortSignal;
  /** Lifts the listener limit of the signal, now if it exists, else when it is made. */
  manyListeners(): void;
  end(): void;
}

function createLazySignal(callSignal: AbortSignal): LazySignal {
  let abort: AbortController | undefined;
  let onCancel: (() => void) | undefined;
  let ended = false;
  let many = false;
  return {
    get() {
      if (abort === undefined) {
        abort = new AbortController();
        if (many) setMaxListeners(0, abort.signal);
        if (ended) abort.abort(ROUND_ENDED);
        else if (callSignal.aborted) abort.abort(callSignal.reason);
        else {
          const controller = abort;
          onCancel = () => controller.abort(callSignal.reason);
          callSignal.addEventListener('abort', onCancel, { once: true });
        }
      }
      return abort.signal;
    },
    manyListeners() {
      many = true;
      if (abort !== undefined) setMaxListeners(0, abort.signal);
    },
    end() {
      ended = true;
      if (onCancel !== undefined) callSignal.removeEventListener('abort', onCancel);
      abort?.abort(ROUND_ENDED);
    },
  };
}

/** Runs one round of `body` (see the module comment). */
export async function runRounds<Args>(
  call: ToolCall,
  body: SamplingToolBody<Args>,
  args: Args,
  options: RoundsOptions,
): Promise<CallToolResult | InputRequiredResult> {
  const { ctx, toolName } = call;
  const { state, argsHash } = openRoundState(ctx, toolName, args);

  // Normally refused with -32602 before the tool runs (guard-inbound.ts); checked here as well so that a
  // server without that guard fails at once too, instead of asking again for ever.
  const invalid = checkInputResponses(ctx.mcpReq.inputResponses);
  if (invalid !== undefined) throw new ProtocolError(ProtocolErrorCode.InvalidParams, invalid);

  const lazySignal = createLazySignal(ctx.mcpReq.signal);
  try {
    // The body starts at once; if the round ends first, a later rejection of the abandoned body settles
    // nothing and is never left unhandled.
    const round = startRound(call, state, body, args, lazySignal, options.maxRequestsPerRound);
    const outcome = await round.outcome;
    const lastProgress = round.lastProgress();
    if (lastProgress !== undefined) progressSender(ctx)(...lastProgress);
    if (outcome !== BLOCKED) return outcome;
    const checkpoint = round.checkpoint();
    const requestState = options.codec.mintSync({
      t: toolName,
      h: argsHash,
      a: round.used(),
      ...(round.roots !== undefined && { r: round.roots }),
      ...(checkpoint !== undefined && { c: checkpoint }),
    });
    return inputRequired({ inputRequests: round.pending(), requestState });
  } finally {
    lazySignal.end();
  }
}
