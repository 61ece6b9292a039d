/**
 * The 2025 era (pushed requests): the tool body runs once, and `sample()` sends a real
 * `sampling/createMessage` tied to the tool call, through a semaphore (`concurrency`), with a long timeout
 * reset by progress (a person may be approving). The call's cancellation cancels the requests in flight,
 * and those still queued are never sent. `roots()` sends `roots/list`; checkpoints are no-ops. When the
 * engine's fallback answers this call (`call.fallback`), `sample()` runs on it and pushes nothing.
 */
import { setMaxListeners } from 'node:events';

import type { CallToolResult, CreateMessageRequestParams } from '@modelcontextprotocol/server';
import { z } from 'zod';

import { rewriteIssueDump } from '../../shared/issue-lines.js';
import { createSemaphore, type Semaphore } from '../../shared/semaphore.js';
import { checkSamplingAnswer, INVALID_RESULT_REASON } from './check-answer.js';
import {
  rootsUnsupported,
  SamplingRequestError,
  samplingUnsupported,
  SamplingUnsupportedError,
  type Sampler,
  type SamplingResult,
  type SamplingToolBody,
} from './sampler.js';
import { progressSender, type ToolCall } from './tool-call.js';

export interface PushedOptions {
  /** Pushed sampling requests in flight at once per tool call. */
  concurrency: number;
  /** Timeout of one pushed sampling request, reset by progress. */
  samplingTimeoutMs: number;
}

/** The pushed request's answer as it comes: `checkSamplingAnswer` judges it. */
const ANY_ANSWER = z.unknown();

function invalidAnswer(reason: string): string {
  return `the client's sampling answer is invalid: ${reason}`;
}

/** The client's failure to answer a pushed request, as the `SamplingRequestError` the body sees. */
function toRequestError(error: unknown, signal: AbortSignal): never {
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
}

/** One pushed `sampling/createMessage`, once the semaphore lets it go. */
function pushSample(
  call: ToolCall,
  gate: Semaphore,
  params: CreateMessageRequestParams,
  options: PushedOptions,
): Promise<SamplingResult> {
  const { ctx, toolName } = call;
  const signal = ctx.mcpReq.signal;
  // The server's own model answers instead of the client (the engine's `fallback`): nothing is pushed.
  if (call.fallback !== undefined) return call.fallback.sample(params, signal);
  if (call.capabilities()?.sampling === undefined) return Promise.reject(samplingUnsupported(toolName));
  const tools = params.tools !== undefined || params.toolChoice !== undefined;
  if (tools && call.capabilities()?.sampling?.tools === undefined) {
    return Promise.reject(new SamplingUnsupportedError(`${toolName}: the client does not support tools in sampling`));
  }
  return gate.acquire(signal).then((release) =>
    ctx.mcpReq
      // Tied to the tool call: over Streamable HTTP the request travels on that POST's stream (without
      // it, it would go to the session's GET stream, which a client need not open). The answer is taken
      // as it comes and checked here, so that a wrong shape fails in one line, not in a schema dump.
      .send({ method: 'sampling/createMessage', params }, ANY_ANSWER, {
        signal,
        timeout: options.samplingTimeoutMs,
        resetTimeoutOnProgress: true,
        relatedRequestId: ctx.mcpReq.id,
      })
      .then(
        (answer) => {
          const check = checkSamplingAnswer(answer, { tools });
          if (!check.ok) throw new SamplingRequestError(invalidAnswer(check.reason), undefined);
          return check.result;
        },
        (error: unknown) => toRequestError(error, signal),
      )
      .finally(release),
  );
}

/** Runs `body` once over pushed requests. */
export async function runPushed<Args>(
  call: ToolCall,
  body: SamplingToolBody<Args>,
  args: Args,
  options: PushedOptions,
): Promise<CallToolResult> {
  const gate = createSemaphore(options.concurrency);
  const signal = call.ctx.mcpReq.signal;
  // Every queued or in-flight request listens to the call's signal, and so may the body once it reads it:
  // the listener limit is lifted then, or from the second request on. A body that sends one request and
  // never reads the signal (the common case) adds one listener and costs no setMaxListeners.
  let requests = 0;
  let lifted = false;
  const manyListeners = () => {
    if (!lifted) {
      lifted = true;
      setMaxListeners(0, signal);
    }
  };
  const counted = () => {
    requests++;
    if (requests === 2) manyListeners();
  };
  const sampler: Sampler = {
    get signal() {
      manyListeners();
      return signal;
    },
    capabilities: call.samplerCapabilities(),
    sample: (params) => {
      counted();
      return pushSample(call, gate, params, options);
    },
    roots: async () => {
      counted();
      if (call.capabilities()?.roots === undefined) throw rootsUnsupported(call.toolName);
      const result = await call.ctx.mcpReq.send({ method: 'roots/list' }, { signal });
      return result.roots;
    },
    track: (work) => work,
    progress: progressSender(call.ctx),
    restore: () => undefined,
    save: () => {},
  };
  return body(args, sampler);
}
