/**
 * The sampling API for tool authors, and the one module of the server that knows about protocol eras.
 *
 * Tool code is straight-line: `await sampler.sample(params)`, and parallel requests are
 * `await Promise.all(items.map((i) => sampler.sample(…)))`, with no era branch. Underneath:
 *
 * - **2025 era** (pushed requests): `sample()` sends a real `sampling/createMessage` tied to the tool call,
 *   through a semaphore (`concurrency`, default 4), with a long timeout reset by progress. The call's
 *   cancellation cancels the requests in flight, and those still queued are never sent.
 * - **2026-07-28** (input_required rounds): the tool body runs as a *replay*. Each `sample()` whose answer
 *   is known resolves at once; the others are recorded and never settle in this run. When the body is
 *   blocked (a full turn of the event loop adds no new request, and no `track()`ed work is running), the
 *   run ends with one `input_required` result carrying the pending requests (at most
 *   `maxRequestsPerRound`) and a signed `requestState` with the answers learned so far. The client answers
 *   and retries; the body runs again from the top and gets further. The server keeps nothing between
 *   rounds: the state is HMAC-signed with a TTL and bound to the tool name and a digest of its arguments
 *   (signed, not encrypted: it holds model output only). Tampered or expired state is refused by the SDK
 *   with -32602; state replayed for another tool call is refused here (the SDK reports an error thrown in
 *   a tool handler as an isError result, so that refusal arrives as one).
 */
import { createHash, randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';

import { z } from 'zod';

import {
  CLIENT_CAPABILITIES_META_KEY,
  createRequestStateCodec,
  inputRequired,
  inputResponse,
  PROTOCOL_VERSION_META_KEY,
  ProtocolError,
  ProtocolErrorCode,
  type CallToolResult,
  type ClientCapabilities,
  type CreateMessageRequestParams,
  type CreateMessageResult,
  type CreateMessageResultWithTools,
  type InputRequest,
  type InputRequiredResult,
  type McpServer,
  type RequestStateCodec,
  type Root,
  type ServerContext,
} from '@modelcontextprotocol/server';

import { rewriteIssueDump } from '../../shared/issue-lines.js';
import { createSemaphore } from '../../shared/semaphore.js';
import { checkSamplingAnswer, INVALID_RESULT_REASON } from './check-answer.js';

export type SamplingResult = CreateMessageResult | CreateMessageResultWithTools;

/** What a tool body gets: the way to ask the client, progress, and the call's cancellation signal. */
export interface Sampler {
  /** Asks the client for one completion. Resolves with the client's answer (possibly in a later round). */
  sample(params: CreateMessageRequestParams): Promise<SamplingResult>;
  /** The client's roots (`roots/list`); rejects with `RootsUnsupportedError` when it declares none. */
  roots(): Promise<Root[]>;
  /**
   * Marks non-sampling async work (file reads between samples) so that a 2026-era round is not closed
   * while it runs. Returns the same promise.
   */
  track<T>(work: Promise<T>): Promise<T>;
  /** Reports progress to the caller, when it sent a progress token. */
  progress(progress: number, total?: number, message?: string): void;
  /**
   * A checkpoint saved in an earlier 2026-era round of this call (undefined on the first round, and
   * always on the 2025 era, where the body runs once).
   */
  restore<T>(): T | undefined;
  /**
   * Saves a checkpoint (JSON) for the next 2026-era round, so the body can skip work it already did. A
   * checkpoint covers everything before it: answers used before it are not carried to the next round.
   * No-op on the 2025 era.
   */
  save(checkpoint: unknown): void;
  /** Aborted when the tool call is cancelled, or when this round ends without the body finishing. */
  readonly signal: AbortSignal;
  /** What the client declared (`sampling.tools` among them); undefined when it declared nothing. */
  readonly capabilities: ClientCapabilities | undefined;
}

export type SamplingToolBody<Args> = (args: Args, sampler: Sampler) => Promise<CallToolResult>;

export interface SamplingEngineOptions {
  /**
   * HMAC key for `requestState`: 32 random bytes, or a passphrase of at least 32 characters (hashed to
   * 32 bytes). Default: `MCP_SAMPLING_STATE_KEY` from the environment, else a random key per process.
   * Instances that serve rounds of the same call (behind a load balancer) must share it.
   */
  stateKey?: Uint8Array | string | undefined;
  /** How long a round's state stays valid. Default 900 s: long enough for a human to approve. */
  stateTtlSeconds?: number | undefined;
  /** Pushed sampling requests in flight at once per tool call (2025 era). Default 4. */
  concurrency?: number | undefined;
  /** Timeout of one pushed sampling request, reset by progress (2025 era). Default 10 minutes. */
  samplingTimeoutMs?: number | undefined;
  /** Most requests one input_required round carries (2026 era); the rest go in later rounds. Default 64. */
  maxRequestsPerRound?: number | undefined;
}

/** Answers carried between rounds, by request key. Short keys: it crosses the wire every round. */
interface RoundState {
  /** tool name */
  t: string;
  /** digest of the tool's arguments */
  h: string;
  /** sampling answers so far */
  a: Record<string, SamplingResult>;
  /** the client's roots, once known */
  r?: Root[];
  /** the tool body's checkpoint */
  c?: unknown;
}

/** Thrown by `sample()` when the connected client cannot answer sampling requests. */
export class SamplingUnsupportedError extends Error {
  override readonly name = 'SamplingUnsupportedError';
}

/** Thrown by `roots()` when the connected client does not declare roots. */
export class RootsUnsupportedError extends Error {
  override readonly name = 'RootsUnsupportedError';
}

/** A pushed sampling request the client answered with an error (2025 era). */
export class SamplingRequestError extends Error {
  override readonly name = 'SamplingRequestError';
  constructor(
    message: string,
    readonly code: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const STATE_KEY_MIN_CHARS = 32;

/** The pushed request's answer as it comes: `checkSamplingAnswer` judges it. */
const ANY_ANSWER = z.unknown();

function invalidAnswer(reason: string): string {
  return `the client's sampling answer is invalid: ${reason}`;
}
const ROOTS_KEY = 'roots';

/** Turns the configured key material into the 32-byte HMAC key; a one-line error says what is wrong. */
export function resolveStateKey(material: Uint8Array | string | undefined): Uint8Array {
  if (material === undefined || material === '') return new Uint8Array(randomBytes(32));
  if (typeof material === 'string') {
    if (material.length < STATE_KEY_MIN_CHARS) {
      throw new Error(
        `MCP_SAMPLING_STATE_KEY is too short (${material.length} characters): use at least ${STATE_KEY_MIN_CHARS} random characters`,
      );
    }
    return new Uint8Array(createHash('sha256').update(material, 'utf8').digest());
  }
  if (material.byteLength < 32) {
    throw new Error(`the requestState key must be at least 32 bytes (got ${material.byteLength})`);
  }
  return material;
}

/** A short, stable digest of a JSON value (object key order as produced by the caller). */
function digest(value: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(value) ?? 'undefined')
    .digest('base64url')
    .slice(0, 16);
}

function envelopeOf(ctx: ServerContext): Record<string, unknown> | undefined {
  return ctx.mcpReq.envelope as Record<string, unknown> | undefined;
}

/** 2026-07-28 requests carry their protocol version in the `_meta` envelope; 2025-era requests do not. */
function isModern(ctx: ServerContext): boolean {
  return envelopeOf(ctx)?.[PROTOCOL_VERSION_META_KEY] !== undefined;
}

/** The client's declared capabilities, wherever this era carries them. */
function clientCapabilities(server: McpServer, ctx: ServerContext): ClientCapabilities | undefined {
  const perRequest = envelopeOf(ctx)?.[CLIENT_CAPABILITIES_META_KEY];
  if (perRequest !== undefined) return perRequest as ClientCapabilities;
  return server.server.getClientCapabilities();
}

function unsupported(toolName: string): SamplingUnsupportedError {
  return new SamplingUnsupportedError(
    `${toolName} needs a client that supports MCP sampling (the client did not declare the 'sampling' capability)`,
  );
}

function noRoots(toolName: string): RootsUnsupportedError {
  return new RootsUnsupportedError(
    `${toolName} reads files only inside the client's roots, and this client declares no roots: pass the text instead`,
  );
}

function progressSender(ctx: ServerContext) {
  const token = ctx.mcpReq._meta?.progressToken;
  return (progress: number, total?: number, message?: string) => {
    if (token === undefined) return;
    void ctx.mcpReq
      .notify({
        method: 'notifications/progress',
        params: {
          progressToken: token,
          progress,
          ...(total !== undefined && { total }),
          ...(message !== undefined && { message }),
        },
      })
      .catch(() => {});
  };
}

/** The keys the engine gives its requests: `s<digest>.<occurrence>` for sampling, `roots` for roots/list. */
const SAMPLING_KEY = /^s[\w-]{16}\.\d+$/;

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

export interface SamplingEngine {
  /** Pass as `ServerOptions.requestState.verify`: tampered or expired state is refused with -32602. */
  readonly verifyState: RequestStateCodec<RoundState>['verify'];
  /** Wraps a tool body into a tool callback that serves both eras. */
  tool<Args>(
    server: McpServer,
    toolName: string,
    body: SamplingToolBody<Args>,
  ): (args: Args, ctx: ServerContext) => Promise<CallToolResult | InputRequiredResult>;
}

/** Turns what a tool body threw into the result the caller sees, when it is one of ours. */
function toToolError(error: unknown): CallToolResult | undefined {
  if (
    error instanceof SamplingUnsupportedError ||
    error instanceof RootsUnsupportedError ||
    error instanceof SamplingRequestError
  ) {
    return { content: [{ type: 'text', text: error.message }], isError: true };
  }
  return undefined;
}

export function createSamplingEngine(options: SamplingEngineOptions = {}): SamplingEngine {
  const codec = createRequestStateCodec<RoundState>({
    key: resolveStateKey(options.stateKey ?? process.env['MCP_SAMPLING_STATE_KEY']),
    ttlSeconds: options.stateTtlSeconds ?? 900,
  });
  const concurrency = options.concurrency ?? 4;
  const samplingTimeoutMs = options.samplingTimeoutMs ?? 600_000;
  const maxRequestsPerRound = options.maxRequestsPerRound ?? 64;

  /** 2025 era: straight-line code over pushed requests. */
  const runPushed = async <Args>(
    server: McpServer,
    toolName: string,
    body: SamplingToolBody<Args>,
    args: Args,
    ctx: ServerContext,
  ): Promise<CallToolResult> => {
    const gate = createSemaphore(concurrency);
    const signal = ctx.mcpReq.signal;
    const sampler: Sampler = {
      signal,
      capabilities: clientCapabilities(server, ctx),
      sample: (params) => {
        if (clientCapabilities(server, ctx)?.sampling === undefined) return Promise.reject(unsupported(toolName));
        const tools = params.tools !== undefined || params.toolChoice !== undefined;
        if (tools && clientCapabilities(server, ctx)?.sampling?.tools === undefined) {
          return Promise.reject(
            new SamplingUnsupportedError(`${toolName}: the client does not support tools in sampling`),
          );
        }
        return gate.acquire(signal).then((release) =>
          ctx.mcpReq
            // Tied to the tool call: over Streamable HTTP the request travels on that POST's stream (without
            // it, it would go to the session's GET stream, which a client need not open). The answer is taken
            // as it comes and checked here, so that a wrong shape fails in one line, not in a schema dump.
            .send({ method: 'sampling/createMessage', params }, ANY_ANSWER, {
              signal,
              timeout: samplingTimeoutMs,
              resetTimeoutOnProgress: true,
              relatedRequestId: ctx.mcpReq.id,
            })
            .then(
              (answer) => {
                const check = checkSamplingAnswer(answer, { tools });
                if (!check.ok) throw new SamplingRequestError(invalidAnswer(check.reason), undefined);
                return check.result;
              },
              (error: unknown) => {
                if (signal.aborted) throw signal.reason;
                const code = (error as { code?: unknown }).code;
                // A result that was not even an object, turned into an error response by guard-inbound.ts.
                if ((error as { data?: { reason?: unknown } }).data?.reason === INVALID_RESULT_REASON) {
                  throw new SamplingRequestError(invalidAnswer((error as Error).message), undefined, { cause: error });
                }
                throw new SamplingRequestError(
                  `the client's sampling request failed: ${rewriteIssueDump((error as Error).message)}`,
                  typeof code === 'number' ? code : undefined,
                  { cause: error },
                );
              },
            )
            .finally(release),
        );
      },
      roots: async () => {
        if (clientCapabilities(server, ctx)?.roots === undefined) throw noRoots(toolName);
        const result = await ctx.mcpReq.send({ method: 'roots/list' }, { signal });
        return result.roots;
      },
      track: (work) => work,
      progress: progressSender(ctx),
      restore: () => undefined,
      save: () => {},
    };
    try {
      return await body(args, sampler);
    } catch (error) {
      const asResult = toToolError(error);
      if (asResult !== undefined) return asResult;
      throw error;
    }
  };

  /** 2026-07-28: the replay described at the top of this file. */
  const runRounds = async <Args>(
    server: McpServer,
    toolName: string,
    body: SamplingToolBody<Args>,
    args: Args,
    ctx: ServerContext,
  ): Promise<CallToolResult | InputRequiredResult> => {
    const argsHash = digest(args);
    const state = ctx.mcpReq.requestState<RoundState>();
    if (state !== undefined && (state.t !== toolName || state.h !== argsHash)) {
      throw new ProtocolError(
        ProtocolErrorCode.InvalidParams,
        'requestState was issued for another tool call; it is valid only for the same tool with the same arguments',
      );
    }

    // Normally refused with -32602 before the tool runs (guard-inbound.ts); checked here as well so that a
    // server without that guard fails at once too, instead of asking again for ever.
    const invalid = checkInputResponses(ctx.mcpReq.inputResponses);
    if (invalid !== undefined) throw new ProtocolError(ProtocolErrorCode.InvalidParams, invalid);

    const known = new Map<string, SamplingResult>(Object.entries(state?.a ?? {}));
    let roots: Root[] | undefined = state?.r;
    for (const key of Object.keys(ctx.mcpReq.inputResponses ?? {})) {
      const view = inputResponse(ctx.mcpReq.inputResponses, key);
      if (view.kind === 'sampling') known.set(key, view.result);
      else if (view.kind === 'roots' && key === ROOTS_KEY) roots = view.roots;
    }

    const round = new AbortController();
    const onCancel = () => round.abort(ctx.mcpReq.signal.reason);
    ctx.mcpReq.signal.addEventListener('abort', onCancel, { once: true });

    const used = new Map<string, SamplingResult>();
    const pending = new Map<string, InputRequest>();
    const occurrences = new Map<string, number>();
    let waiting = 0; // requests issued without an answer (some beyond the round's cap)
    let busy = 0;
    let blocked!: () => void;
    const whenBlocked = new Promise<'blocked'>((resolve) => (blocked = () => resolve('blocked')));
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
        if (busy === 0 && waiting === seen) blocked();
        else if (busy === 0) watch();
      });
    };
    const never = <T>() => new Promise<T>(() => {});

    const sampler: Sampler = {
      signal: round.signal,
      capabilities: clientCapabilities(server, ctx),
      sample(params) {
        const base = digest(params);
        const n = occurrences.get(base) ?? 0;
        occurrences.set(base, n + 1);
        const key = `s${base}.${n}`;
        const answer = known.get(key);
        if (answer !== undefined) {
          used.set(key, answer);
          return Promise.resolve(answer);
        }
        if (clientCapabilities(server, ctx)?.sampling === undefined) return Promise.reject(unsupported(toolName));
        waiting++;
        if (pending.size < maxRequestsPerRound) pending.set(key, inputRequired.createMessage(params));
        watch();
        return never();
      },
      roots() {
        if (roots !== undefined) return Promise.resolve(roots);
        if (clientCapabilities(server, ctx)?.roots === undefined) return Promise.reject(noRoots(toolName));
        waiting++;
        pending.set(ROOTS_KEY, inputRequired.listRoots());
        watch();
        return never();
      },
      track(work) {
        busy++;
        const done = () => {
          busy--;
          if (busy === 0 && waiting > 0) watch();
        };
        work.then(done, done);
        return work;
      },
      // Within a round the body replays every answered step at once: only the last value is worth sending.
      progress(progress, total, message) {
        lastProgress = [progress, total, message];
      },
      restore: <T>() => state?.c as T | undefined,
      save(value) {
        checkpoint = value;
        used.clear();
      },
    };

    const run = body(args, sampler).then((result) => ({ result }));
    // If the round ends first, the abandoned body may still reject later: never leave that unhandled.
    run.catch(() => {});
    try {
      const outcome = await Promise.race([run, whenBlocked]);
      if (lastProgress !== undefined) progressSender(ctx)(...lastProgress);
      if (outcome !== 'blocked') return outcome.result;
      const requestState = await codec.mint({
        t: toolName,
        h: argsHash,
        a: Object.fromEntries(used),
        ...(roots !== undefined && { r: roots }),
        ...(checkpoint !== undefined && { c: checkpoint }),
      });
      return inputRequired({ inputRequests: Object.fromEntries(pending), requestState });
    } catch (error) {
      const asResult = toToolError(error);
      if (asResult !== undefined) return asResult;
      throw error;
    } finally {
      ctx.mcpReq.signal.removeEventListener('abort', onCancel);
      round.abort(new Error('sampling round ended'));
    }
  };

  const tool: SamplingEngine['tool'] =
    <Args>(server: McpServer, toolName: string, body: SamplingToolBody<Args>) =>
    (args: Args, ctx: ServerContext) => {
      // Every queued or in-flight sampling request of a long document listens to the call's signal.
      setMaxListeners(0, ctx.mcpReq.signal);
      return isModern(ctx)
        ? runRounds(server, toolName, body, args, ctx)
        : runPushed(server, toolName, body, args, ctx);
    };

  return { verifyState: codec.verify, tool };
}

/** The text of a sampling result: its text blocks joined (tool-use blocks are not text). */
export function resultText(result: SamplingResult): string {
  const blocks = Array.isArray(result.content) ? result.content : [result.content];
  return blocks
    .filter((block): block is Extract<typeof block, { type: 'text' }> => block.type === 'text')
    .map((block) => block.text)
    .join('\n');
}
