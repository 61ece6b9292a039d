/**
 * The sampling API for tool authors, the same on both protocol eras: what a tool body gets (`Sampler`),
 * the errors its calls reject with, and the one way to read a result's text. Tool code is straight-line:
 * `await sampler.sample(params)`, and parallel requests are
 * `await Promise.all(items.map((i) => sampler.sample(…)))`, with no era branch; the engine (engine.ts)
 * serves the body on whichever era the call came in.
 */
import type {
  CallToolResult,
  ClientCapabilities,
  CreateMessageRequestParams,
  CreateMessageResult,
  CreateMessageResultWithTools,
  Root,
} from '@modelcontextprotocol/server';

export { resultText } from '../../shared/mcp-content.js';

/**
 * The client's answer to one sampling request: `role`, `content` (a block, or with tools an array of
 * blocks), `model` (the model that actually answered) and `stopReason`.
 *
 * @example
 * ```ts
 * const answer: SamplingResult = await sampler.sample(params);
 * console.error(`answered by ${answer.model} (${answer.stopReason ?? 'no stop reason'})`);
 * ```
 */
export type SamplingResult = CreateMessageResult | CreateMessageResultWithTools;

/**
 * What a tool body gets: the way to ask the client, progress, and the call's cancellation signal. The same
 * on both eras. On 2026-07-28 the body *replays* from the top each round with the answers so far, so it
 * must be a pure function of its arguments and its `sample()` answers: wrap other async work in `track()`,
 * and use `save()`/`restore()` to skip work done in earlier rounds.
 *
 * @example
 * ```ts
 * async ({ items }, sampler) => {
 *   let done = 0;
 *   const answers = await Promise.all(items.map((item) =>
 *     sampler.sample({ messages: [{ role: 'user', content: { type: 'text', text: item } }], maxTokens: 100 })
 *       .then((answer) => { sampler.progress(++done, items.length); return resultText(answer); })));
 *   return { content: [{ type: 'text', text: answers.join('\n') }] };
 * }
 * ```
 */
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
  /**
   * What the client declared (`sampling.tools` among them); undefined when it declared nothing. When the
   * engine's fallback answers this call, `sampling` is the fallback's (with `tools` when its model can
   * call tools), so `sampleWithTools` and `sampleObject` work through it.
   */
  readonly capabilities: ClientCapabilities | undefined;
}

/**
 * A tool's body as `engine.registerTool` takes it: the validated arguments and a `Sampler`, to a
 * `CallToolResult`.
 *
 * @example
 * ```ts
 * const body: SamplingToolBody<{ text: string }> = async ({ text }, sampler) => {
 *   const answer = await sampler.sample({ messages: [{ role: 'user', content: { type: 'text', text } }], maxTokens: 200 });
 *   return { content: [{ type: 'text', text: resultText(answer) }] };
 * };
 * ```
 */
export type SamplingToolBody<Args> = (args: Args, sampler: Sampler) => Promise<CallToolResult>;

/**
 * Thrown by `sample()` when the connected client cannot answer sampling requests (it declared no `sampling`
 * capability, or no `sampling.tools` for a request with tools). Left uncaught, it becomes the call's
 * `isError` result.
 *
 * @example
 * ```ts
 * try { answer = await sampler.sample(params); }
 * catch (error) { if (error instanceof SamplingUnsupportedError) return fallbackAnswer(); throw error; }
 * ```
 */
export class SamplingUnsupportedError extends Error {
  override readonly name = 'SamplingUnsupportedError';
}

/**
 * Thrown by `roots()` when the connected client does not declare roots. Left uncaught, it becomes the
 * call's `isError` result.
 *
 * @example
 * ```ts
 * const roots = await sampler.roots().catch((error) => (error instanceof RootsUnsupportedError ? [] : Promise.reject(error)));
 * ```
 */
export class RootsUnsupportedError extends Error {
  override readonly name = 'RootsUnsupportedError';
}

/**
 * A sampling request that failed: a pushed request the client answered with an error, or with an answer of
 * the wrong shape (2025 era; `code` is the JSON-RPC code, -1 when the user rejected it), or the engine's
 * fallback whose provider call failed (`code` undefined). On 2026-07-28 a client's refusal fails its
 * `callTool` instead. Left uncaught, it becomes the call's `isError` result.
 *
 * @example
 * ```ts
 * catch (error) { if (error instanceof SamplingRequestError && error.code === -1) throw new ToolError('the user declined'); }
 * ```
 */
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

/** The refusal of `sample()` when the client did not declare the sampling capability. */
export function samplingUnsupported(toolName: string): SamplingUnsupportedError {
  return new SamplingUnsupportedError(
    `${toolName} needs a client that supports MCP sampling (the client did not declare the 'sampling' capability)`,
  );
}

/** The refusal of `roots()` when the client declares no roots. */
export function rootsUnsupported(toolName: string): RootsUnsupportedError {
  return new RootsUnsupportedError(
    `${toolName} reads files only inside the client's roots, and this client declares no roots: pass the text instead`,
  );
}
