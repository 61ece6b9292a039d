/**
 * The sampling API for tool authors, and the one module of the server that knows about protocol eras.
 *
 * Tool code is straight-line: `const result = await sampler.sample(params)`, and parallel requests are
 * `await Promise.all(items.map((i) => sampler.sample(…)))`. Underneath, every tool call runs as a *replay*:
 *
 * - The tool body runs. Each `sample()` whose answer is already known resolves at once; each one that is
 *   not is recorded as pending and never settles in this run.
 * - When the body finishes, its result is the tool result. When it is blocked on pending requests (no new
 *   request appeared within a turn of the event loop), the run ends with one `input_required` result that
 *   carries every pending `sampling/createMessage` request, and a signed `requestState` holding the
 *   answers learned so far.
 * - The client answers and retries the call; the body runs again from the top and gets further.
 *
 * On a 2026-07-28 connection that is the protocol itself (SEP-2322). On a 2025-era connection the SDK's
 * legacy shim turns the same `input_required` result into pushed `sampling/createMessage` requests and
 * re-enters the handler, so tool code never branches on the era, and the server keeps no state between
 * rounds on either era: whatever it learned travels in `requestState`, HMAC-signed with a TTL and bound to
 * the tool name and its arguments (the payload is signed, not encrypted: it holds model output only).
 */
import { createHash, randomBytes } from 'node:crypto';

import {
  CLIENT_CAPABILITIES_META_KEY,
  createRequestStateCodec,
  inputRequired,
  inputResponse,
  ProtocolError,
  ProtocolErrorCode,
  type CallToolResult,
  type ClientCapabilities,
  type CreateMessageRequestParams,
  type CreateMessageResult,
  type CreateMessageResultWithTools,
  type InputRequiredResult,
  type McpServer,
  type RequestStateCodec,
  type ServerContext,
} from '@modelcontextprotocol/server';

export type SamplingResult = CreateMessageResult | CreateMessageResultWithTools;

/** What a tool body gets: the way to ask the client's model, and the call's cancellation signal. */
export interface Sampler {
  /** Asks the client for one completion. Resolves with the client's answer (possibly in a later round). */
  sample(params: CreateMessageRequestParams): Promise<SamplingResult>;
  /** Aborted when the tool call is cancelled or when this round ends without the body finishing. */
  readonly signal: AbortSignal;
}

export type SamplingToolBody<Args> = (args: Args, sampler: Sampler) => Promise<CallToolResult>;

export interface SamplingEngineOptions {
  /**
   * HMAC key for `requestState`: 32 random bytes, or a passphrase of at least 32 characters (hashed to
   * 32 bytes). Default: `MCP_SAMPLING_STATE_KEY` from the environment, else a random key per process.
   * Instances that serve rounds of the same call (behind a load balancer) must share it.
   */
  stateKey?: Uint8Array | string;
  /** How long a round's state stays valid. Default 900 s: long enough for a human to approve. */
  stateTtlSeconds?: number;
}

/** The signed payload carried between rounds. Short keys: it crosses the wire every round. */
interface RoundState {
  /** tool name */
  t: string;
  /** hash of the tool's arguments */
  h: string;
  /** answers so far, by request key */
  a: Record<string, SamplingResult>;
}

/** Thrown by `sample()` when the connected client cannot answer sampling requests. */
export class SamplingUnsupportedError extends Error {
  override readonly name = 'SamplingUnsupportedError';
}

const STATE_KEY_MIN_CHARS = 32;

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
  if (material.byteLength < 32)
    throw new Error(`the requestState key must be at least 32 bytes (got ${material.byteLength})`);
  return material;
}

/** A short, stable digest of a JSON value (object key order as produced by the caller). */
function digest(value: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(value) ?? 'undefined')
    .digest('base64url')
    .slice(0, 16);
}

/** Reads the client's declared capabilities, wherever this era carries them. */
function clientCapabilities(server: McpServer, ctx: ServerContext): ClientCapabilities | undefined {
  // 2026-07-28: each request carries the client's capabilities in its _meta envelope.
  const envelope = ctx.mcpReq.envelope as Record<string, unknown> | undefined;
  const perRequest = envelope?.[CLIENT_CAPABILITIES_META_KEY];
  if (perRequest !== undefined) return perRequest as ClientCapabilities;
  // 2025 era: declared once, in initialize.
  return server.server.getClientCapabilities();
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

export function createSamplingEngine(options: SamplingEngineOptions = {}): SamplingEngine {
  const codec = createRequestStateCodec<RoundState>({
    key: resolveStateKey(options.stateKey ?? process.env['MCP_SAMPLING_STATE_KEY']),
    ttlSeconds: options.stateTtlSeconds ?? 900,
  });

  const tool: SamplingEngine['tool'] =
    <Args>(server: McpServer, toolName: string, body: SamplingToolBody<Args>) =>
    async (args: Args, ctx: ServerContext) => {
      const argsHash = digest(args);
      const state = ctx.mcpReq.requestState<RoundState>();
      if (state !== undefined && (state.t !== toolName || state.h !== argsHash)) {
        throw new ProtocolError(
          ProtocolErrorCode.InvalidParams,
          `requestState was issued for another tool call; it is valid only for the same tool with the same arguments`,
        );
      }

      const known = new Map<string, SamplingResult>(Object.entries(state?.a ?? {}));
      for (const key of Object.keys(ctx.mcpReq.inputResponses ?? {})) {
        const view = inputResponse(ctx.mcpReq.inputResponses, key);
        if (view.kind === 'sampling') known.set(key, view.result);
      }

      const round = new AbortController();
      const onCancel = () => round.abort(ctx.mcpReq.signal.reason);
      ctx.mcpReq.signal.addEventListener('abort', onCancel, { once: true });

      const used = new Map<string, SamplingResult>();
      const pending = new Map<string, CreateMessageRequestParams>();
      const occurrences = new Map<string, number>();
      let blocked!: () => void;
      const whenBlocked = new Promise<'blocked'>((resolve) => (blocked = () => resolve('blocked')));
      let watching = false;

      // Declare the round blocked once a full turn of the event loop adds no new pending request:
      // requests issued together (Promise.all) always land in the same round.
      const watch = () => {
        if (watching) return;
        watching = true;
        const seen = pending.size;
        setImmediate(() => {
          watching = false;
          if (pending.size === seen) blocked();
          else watch();
        });
      };

      const sampler: Sampler = {
        signal: round.signal,
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
          const capabilities = clientCapabilities(server, ctx);
          if (capabilities?.sampling === undefined) {
            return Promise.reject(
              new SamplingUnsupportedError(
                `${toolName} needs a client that supports MCP sampling (the client did not declare the 'sampling' capability)`,
              ),
            );
          }
          pending.set(key, params);
          watch();
          return new Promise<SamplingResult>(() => {});
        },
      };

      const run = body(args, sampler).then((result) => ({ result }));
      // If the round ends first, the abandoned body may still reject later: never leave that unhandled.
      run.catch(() => {});
      try {
        const outcome = await Promise.race([run, whenBlocked]);
        if (outcome !== 'blocked') return outcome.result;
        const requestState = await codec.mint({ t: toolName, h: argsHash, a: Object.fromEntries(used) });
        return inputRequired({
          inputRequests: Object.fromEntries(
            [...pending].map(([key, params]) => [key, inputRequired.createMessage(params)] as const),
          ),
          requestState,
        });
      } catch (error) {
        if (error instanceof SamplingUnsupportedError) {
          return { content: [{ type: 'text', text: error.message }], isError: true };
        }
        throw error;
      } finally {
        ctx.mcpReq.signal.removeEventListener('abort', onCancel);
        round.abort(new Error('sampling round ended'));
      }
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
