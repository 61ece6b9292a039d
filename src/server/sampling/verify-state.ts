/**
 * Which `requestState` a sampling engine's tool accepts, whatever the server's own verify hook is. The SDK
 * runs `ServerOptions.requestState.verify` before a tool handler and hands the handler what it returned;
 * an engine's tool must still never act on state that this engine did not verify:
 *
 * - the server's hook is this engine's (`engine.createServer`, or `verify: engine.verifyState`): the value
 *   is one this engine's codec decoded (remembered in a WeakSet), so it is used as it is;
 * - the server has no hook: the SDK hands over the raw string, and the engine verifies it here with its
 *   own codec (tampered or expired: -32602, as the SDK's seam would answer);
 * - the server's hook is another function: its value is refused, with a line saying how to wire the server.
 *
 * A server built by one engine is refused at registration by another (its hook could never accept this
 * engine's state): `ownerOf` tells which engine built a server.
 */
import { ProtocolError, ProtocolErrorCode, type McpServer, type ServerContext } from '@modelcontextprotocol/server';

/** What the SDK's `ServerOptions.requestState.verify` takes. */
export type VerifyState = (state: string, ctx: ServerContext) => Promise<unknown>;

export interface StateVerifier {
  /** The hook for `ServerOptions.requestState.verify`: verifies, decodes, and vouches for the value. */
  verifyState: VerifyState;
  /**
   * The call's context with state this engine verified (or none), synchronously when nothing is left to
   * check; refuses any other state (a rejected promise).
   */
  checkedContext(ctx: ServerContext): ServerContext | Promise<ServerContext>;
}

const INVALID_STATE = 'Invalid or expired requestState';

export const FOREIGN_STATE_MESSAGE =
  "requestState was decoded by a verify hook that is not this sampling engine's: build the server with " +
  'engine.createServer(), or pass { requestState: { verify: engine.verifyState } } to new McpServer()';

/**
 * Wraps a codec's synchronous `verify` (see the module comment). The hook answers with a settled promise
 * (the SDK awaits it), and a tool call whose state this engine vouched for (or that has none) gets its
 * context back at once, not through another promise.
 */
export function createStateVerifier(verify: (state: string) => unknown): StateVerifier {
  const vouched = new WeakSet<object>();
  const verifyState: VerifyState = (state) => {
    let decoded: unknown;
    try {
      decoded = verify(state);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    if (typeof decoded === 'object' && decoded !== null) vouched.add(decoded);
    return Promise.resolve(decoded);
  };
  const checkedContext = (ctx: ServerContext): ServerContext | Promise<ServerContext> => {
    const state: unknown = ctx.mcpReq.requestState();
    if (state === undefined) return ctx;
    if (typeof state === 'object' && state !== null && vouched.has(state)) return ctx;
    if (typeof state !== 'string') {
      return Promise.reject(new ProtocolError(ProtocolErrorCode.InvalidParams, FOREIGN_STATE_MESSAGE));
    }
    // No verify hook on this server: the raw wire string is attacker input until this engine checks it.
    let decoded: unknown;
    try {
      decoded = verify(state);
    } catch {
      return Promise.reject(
        new ProtocolError(ProtocolErrorCode.InvalidParams, INVALID_STATE, { reason: 'invalid_request_state' }),
      );
    }
    return { ...ctx, mcpReq: { ...ctx.mcpReq, requestState: <T>() => decoded as T | undefined } };
  };
  return { verifyState, checkedContext };
}

/** The engine (by its verifier) that built each server through `createServer`. */
const owners = new WeakMap<McpServer, StateVerifier>();

export function recordOwner(server: McpServer, verifier: StateVerifier): void {
  owners.set(server, verifier);
}

export function ownerOf(server: McpServer): StateVerifier | undefined {
  return owners.get(server);
}
