/**
 * Internal (not exported by any entry point): the requestState codec of the sampling engine that built a
 * server. The conformance profile's hand-built input_required tools and prompt (elicitation, several
 * requests at once, rounds of their own) mint their state with it, so that it is signed, bounded in time
 * and checked exactly like the engine's own: the server's verify hook is the engine's and refuses any
 * other state with -32602 before a handler runs.
 */
import type { McpServer, RequestStateCodec } from '@modelcontextprotocol/server';

import type { RoundState } from './state.js';

const codecs = new WeakMap<McpServer, RequestStateCodec<RoundState>>();

/** Called by `engine.createServer` for each server it builds. */
export function recordStateCodec(server: McpServer, codec: RequestStateCodec<RoundState>): void {
  codecs.set(server, codec);
}

/** The codec of the engine that built `server`; a TypeError when no engine built it. */
export function stateCodecOf(server: McpServer): RequestStateCodec<RoundState> {
  const codec = codecs.get(server);
  if (codec === undefined) {
    throw new TypeError('this server was not built by a sampling engine (engine.createServer): it has no state codec');
  }
  return codec;
}
