/**
 * The sampling engine: the one module of the server that knows which protocol era a tool call is on. It
 * holds the `requestState` key and codec, registers each tool with its name given once
 * (`register(server, name, config, body)`), and serves every call of a tool body on its era:
 *
 * - **2025 era** (pushed requests, pushed.ts): `sample()` sends a real `sampling/createMessage` tied to the
 *   tool call.
 * - **2026-07-28** (input_required rounds, rounds.ts): the body runs as a replay, round after round, and
 *   the server keeps nothing between rounds: the signed `requestState` (state.ts) carries what it learned.
 *
 * Tool code sees only the era-neutral `Sampler` (sampler.ts). What a body throws that is one of ours
 * becomes an `isError` result through the one mapping, tools/tool-result.ts.
 */
import { createHash, randomBytes } from 'node:crypto';

import {
  CLIENT_CAPABILITIES_META_KEY,
  PROTOCOL_VERSION_META_KEY,
  type CallToolResult,
  type ClientCapabilities,
  type InputRequiredResult,
  McpServer,
  type RegisteredTool,
  type ServerContext,
  type ServerOptions,
  type StandardSchemaWithJSON,
  type ToolAnnotations,
  type ToolCallback,
} from '@modelcontextprotocol/server';

import { toolErrorResult } from '../tools/tool-result.js';
import { checkEngineOptions, checkRegistration } from './engine-options.js';
import { bindFallback, checkFallback, fallbackFor, samplerCapabilities, type SamplingFallback } from './fallback.js';
import { createHmacStateCodec } from './hmac-state-codec.js';
import { runPushed } from './pushed.js';
import { runRounds } from './rounds.js';
import type { SamplingToolBody } from './sampler.js';
import type { RoundState } from './state.js';
import { recordStateCodec } from './state-codec-of.js';
import type { ToolCall } from './tool-call.js';
import { createStateVerifier, ownerOf, recordOwner, type VerifyState } from './verify-state.js';

/**
 * Options of `createSamplingEngine`. Every field is optional; a bad value fails `createSamplingEngine` at once
 * with a RangeError or TypeError naming the field.
 *
 * @example
 * ```ts
 * const engine = createSamplingEngine({
 *   stateKey: sharedSecret, // 32+ characters, shared by every instance behind a load balancer
 *   concurrency: 8,
 *   maxRequestsPerRound: 32,
 * });
 * ```
 */
export interface SamplingEngineOptions {
  /**
   * HMAC key for `requestState`: 32 random bytes, or a passphrase of at least 32 characters (hashed to
   * 32 bytes). Default: `MCP_SAMPLING_STATE_KEY` from the environment, else a random key per process.
   * Instances that serve rounds of the same call (behind a load balancer) must share it.
   */
  stateKey?: Uint8Array | string | undefined;
  /** How long a round's state stays valid, in seconds (2026 era). Default 900: long enough for a human to approve. */
  stateTtlSeconds?: number | undefined;
  /** Pushed sampling requests in flight at once per tool call (2025 era). Default 4. */
  concurrency?: number | undefined;
  /** Timeout of one pushed sampling request in ms, reset by progress (2025 era). Default 600000 (10 minutes). */
  samplingTimeoutMs?: number | undefined;
  /**
   * Most requests one input_required round carries (2026 era); the rest go in later rounds. Default 1024.
   * A round also carries at most 16 MiB of request params, whatever this says.
   */
  maxRequestsPerRound?: number | undefined;
  /**
   * A direct-provider fallback (`directSampling({ model, when })` from `mcp-sampling/server/direct`):
   * `sampler.sample()` runs on the server's own model instead of the client when the client declares no
   * `sampling` capability (`when: 'no-sampling'`), or for every call (`when: 'always'`), on both eras. Its
   * requests go `concurrency` at a time per call, and its answers carry `_meta["mcp-sampling/sampled-by"]`.
   * Default: none (a client without sampling gets the SamplingUnsupportedError refusal).
   */
  fallback?: SamplingFallback | undefined;
}

/**
 * A tool's registration, as `McpServer.registerTool` takes it, with an input schema (required: a zod
 * object schema, `z.object({})` for a tool without arguments).
 *
 * @example
 * ```ts
 * const config: SamplingToolConfig<typeof input> = {
 *   title: 'Translate',
 *   description: "Translates a text with the client's model",
 *   inputSchema: input, // z.object({ text: z.string(), to: z.string() })
 *   annotations: { readOnlyHint: true },
 * };
 * ```
 */
export interface SamplingToolConfig<Input extends StandardSchemaWithJSON> {
  title?: string;
  description?: string;
  inputSchema: Input;
  outputSchema?: StandardSchemaWithJSON;
  annotations?: ToolAnnotations;
  _meta?: Record<string, unknown>;
}

/**
 * The sampling engine: builds servers whose requestState verification is its own, and registers tools whose
 * bodies get an era-neutral `Sampler`. One engine serves any number of servers (a factory that builds one
 * per connection or per request shares it, and with it the state key).
 *
 * @example
 * ```ts
 * const engine = createSamplingEngine();
 * const server = engine.createServer({ name: 'my-server', version: '1.0.0' });
 * engine.registerTool(server, 'haiku', { inputSchema: z.object({ topic: z.string() }) }, async ({ topic }, sampler) => {
 *   const answer = await sampler.sample({
 *     messages: [{ role: 'user', content: { type: 'text', text: `A haiku about ${topic}` } }],
 *     maxTokens: 100,
 *   });
 *   return { content: [{ type: 'text', text: resultText(answer) }] };
 * });
 * ```
 */
export interface SamplingEngine {
  /**
   * This engine's requestState check, for `ServerOptions.requestState.verify` of a server built by hand:
   * tampered or expired state is refused with -32602 before the tool runs.
   *
   * @example
   * ```ts
   * const server = new McpServer(info, { capabilities: { tools: {} }, requestState: { verify: engine.verifyState } });
   * ```
   */
  readonly verifyState: VerifyState;
  /**
   * An SDK `McpServer` whose requestState verification is this engine's, with the `tools` capability
   * declared. Everything else in `serverOptions` is passed on as given (a `requestState.verify` there is
   * replaced: the engine's must be the one).
   *
   * @example
   * ```ts
   * const server = engine.createServer({ name: 'translator', version: '1.0.0' }, { instructions: 'Translates text.' });
   * ```
   */
  createServer(info: { name: string; version: string }, serverOptions?: ServerOptions): McpServer;
  /**
   * Registers tool `name` on `server`; its body is served on both eras: `body(args, sampler)` gets the
   * validated arguments and a `Sampler`, and returns a `CallToolResult`. What it throws that is one of
   * ours (`ToolError`, the sampler's and the tool loop's errors, `EmptyDocumentError`) becomes an `isError`
   * result with its message; anything else goes on to the SDK, which reports its message as `isError` too.
   *
   * The server must not let forged `requestState` through, and the engine makes sure of it:
   * - built by `engine.createServer` (the simple way), or with
   *   `{ requestState: { verify: engine.verifyState } }`: the SDK verifies the state with this engine's key;
   * - built with no `requestState.verify`: the engine verifies the state itself before the body runs;
   * - built with another verify hook: state it hands over is refused (an `isError` result saying how to wire
   *   the server), since the engine cannot know what that hook checked; a server built by another engine's
   *   `createServer` is refused here, at registration, with a TypeError.
   *
   * Bad arguments (no server, an empty name, no `inputSchema`, a body that is not a function) throw a
   * TypeError at once.
   *
   * @example
   * ```ts
   * engine.registerTool(server, 'summarize', {
   *   description: "Summarizes a text with the client's model",
   *   inputSchema: z.object({ text: z.string() }),
   * }, async ({ text }, sampler) => {
   *   const answer = await sampler.sample({
   *     systemPrompt: 'Summarize the text in three sentences.',
   *     messages: [{ role: 'user', content: { type: 'text', text } }],
   *     maxTokens: 200,
   *   });
   *   return { content: [{ type: 'text', text: resultText(answer) }] };
   * });
   * ```
   */
  registerTool<Input extends StandardSchemaWithJSON>(
    server: McpServer,
    name: string,
    config: SamplingToolConfig<Input>,
    body: SamplingToolBody<StandardSchemaWithJSON.InferOutput<Input>>,
  ): RegisteredTool;
}

const STATE_KEY_MIN_CHARS = 32;

/** Requests per 2026-era round unless the options say otherwise (rounds.ts bounds their bytes as well). */
const DEFAULT_MAX_REQUESTS_PER_ROUND = 1024;

/**
 * Turns the configured key material into the 32-byte HMAC key; a one-line error names where it came from
 * (`source`) and what is wrong. Only an unset key (undefined, or an empty environment variable) means a
 * random key per process: an empty option is a mistake, refused like any key that is too short.
 */
export function resolveStateKey(
  material: Uint8Array | string | undefined,
  source = 'MCP_SAMPLING_STATE_KEY',
): Uint8Array {
  if (material === undefined) return new Uint8Array(randomBytes(32));
  if (typeof material === 'string') {
    if (material.length < STATE_KEY_MIN_CHARS) {
      throw new RangeError(
        `${source} is too short (${material.length} characters): use at least ${STATE_KEY_MIN_CHARS} random characters`,
      );
    }
    return new Uint8Array(createHash('sha256').update(material, 'utf8').digest());
  }
  if (material.byteLength < 32) {
    throw new RangeError(`${source} must be at least 32 bytes (got ${material.byteLength})`);
  }
  // A copy: the caller's array may be reused or zeroed later, and the key must not change with it.
  return new Uint8Array(material);
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

/** A tool body's failure: one of ours becomes its `isError` result, anything else goes on to the SDK. */
function toToolResult(error: unknown): CallToolResult {
  const result = toolErrorResult(error);
  if (result !== undefined) return result;
  throw error;
}

/**
 * Creates a sampling engine (see `SamplingEngine`). It reads no key but its own state key, loads no model,
 * and keeps nothing between rounds of a 2026-era call.
 *
 * @example
 * ```ts
 * import { createSamplingEngine, resultText } from 'mcp-sampling/server';
 *
 * const engine = createSamplingEngine({ concurrency: 8 });
 * const server = engine.createServer({ name: 'my-server', version: '1.0.0' });
 * ```
 */
export function createSamplingEngine(options: SamplingEngineOptions = {}): SamplingEngine {
  checkEngineOptions(options);
  // The SDK's token format, signed synchronously (hmac-state-codec.ts): no thread-pool job per round.
  const codec = createHmacStateCodec<RoundState>({
    key:
      options.stateKey !== undefined
        ? resolveStateKey(options.stateKey, 'createSamplingEngine: stateKey')
        : resolveStateKey(process.env['MCP_SAMPLING_STATE_KEY'] || undefined),
    ttlSeconds: options.stateTtlSeconds ?? 900,
  });
  const pushed = { concurrency: options.concurrency ?? 4, samplingTimeoutMs: options.samplingTimeoutMs ?? 600_000 };
  const rounds = { codec, maxRequestsPerRound: options.maxRequestsPerRound ?? DEFAULT_MAX_REQUESTS_PER_ROUND };
  const verifier = createStateVerifier(codec.verifySync);
  const fallback = checkFallback(options.fallback);

  const serve = <Args>(
    server: McpServer,
    toolName: string,
    body: SamplingToolBody<Args>,
    args: Args,
    ctx: ServerContext,
  ): Promise<CallToolResult | InputRequiredResult> => {
    const capabilities = () => clientCapabilities(server, ctx);
    // Decided once per call: either the client answers all of its requests, or the fallback does.
    const direct = fallbackFor(fallback, capabilities());
    const call: ToolCall = {
      server,
      toolName,
      ctx,
      capabilities,
      samplerCapabilities: () => samplerCapabilities(capabilities(), direct),
      ...(direct !== undefined && { fallback: bindFallback(direct, toolName, pushed.concurrency) }),
    };
    // Mapped inside the body, so that a refusal ends a 2026-era round like any result (its last progress
    // sent first), as when a tool returns the refusal itself.
    const mapped: SamplingToolBody<Args> = async (bodyArgs, sampler) => {
      try {
        return await body(bodyArgs, sampler);
      } catch (error) {
        return toToolResult(error);
      }
    };
    if (isModern(ctx)) return runRounds(call, mapped, args, rounds);
    // Every queued or in-flight pushed request of a long document listens to the call's signal: pushed.ts
    // lifts its listener limit from the second request on (a 2026-era round adds one listener to it, and
    // rounds.ts lifts the limit of its own signal when needed).
    return runPushed(call, mapped, args, pushed);
  };

  const register: SamplingEngine['registerTool'] = <Input extends StandardSchemaWithJSON>(
    server: McpServer,
    name: string,
    config: SamplingToolConfig<Input>,
    body: SamplingToolBody<StandardSchemaWithJSON.InferOutput<Input>>,
  ) => {
    checkRegistration(server, name, config, body);
    const owner = ownerOf(server);
    if (owner !== undefined && owner !== verifier) {
      throw new TypeError(
        `registerTool ${name}: this server was built by another sampling engine's createServer, whose requestState ` +
          "check refuses this engine's state: register the tool with the engine that built the server",
      );
    }
    // Only state this engine verified reaches the body (verify-state.ts), whatever the server's own hook.
    // Not an async function: a call with no state (or state the SDK's hook verified) is served without
    // another promise in between; anything thrown still reaches the SDK as a rejection.
    const callback = (args: StandardSchemaWithJSON.InferOutput<Input>, ctx: ServerContext) => {
      try {
        const checked = verifier.checkedContext(ctx);
        return checked instanceof Promise
          ? checked.then((verified) => serve(server, name, body, args, verified))
          : serve(server, name, body, args, checked);
      } catch (error) {
        return Promise.reject(error as Error);
      }
    };
    // The SDK's callback type is conditional on the schema type, which TypeScript cannot resolve for a
    // generic `Input`; the callback above is exactly what it resolves to for any schema.
    return server.registerTool(name, config, callback as ToolCallback<Input>);
  };

  const createServer: SamplingEngine['createServer'] = (info, serverOptions = {}) => {
    const server = new McpServer(info, {
      ...serverOptions,
      capabilities: { tools: {}, ...serverOptions.capabilities },
      requestState: { ...serverOptions.requestState, verify: verifier.verifyState },
    });
    recordOwner(server, verifier);
    recordStateCodec(server, codec);
    return server;
  };

  return { verifyState: verifier.verifyState, createServer, registerTool: register };
}
