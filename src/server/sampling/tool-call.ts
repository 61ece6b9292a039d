/**
 * What an era runner (pushed.ts, rounds.ts) knows of the tool call it serves: the server, the tool's name,
 * the SDK's request context, the client's capabilities as the engine read them for this call's era, and
 * the direct-provider fallback when it answers this call's sampling requests instead of the client.
 */
import type { ClientCapabilities, McpServer, ServerContext } from '@modelcontextprotocol/server';

import type { CallFallback } from './fallback.js';

export interface ToolCall {
  readonly server: McpServer;
  readonly toolName: string;
  readonly ctx: ServerContext;
  /** The client's declared capabilities (read where this call's era carries them). */
  capabilities(): ClientCapabilities | undefined;
  /** Set when this call's `sample()` runs on the engine's fallback (fallback.ts) rather than the client. */
  readonly fallback?: CallFallback | undefined;
  /** What the body sees as `sampler.capabilities` (the client's, with the fallback's `sampling` when it answers). */
  samplerCapabilities(): ClientCapabilities | undefined;
}

/** Sends `notifications/progress` for the call, when the caller sent a progress token; else nothing. */
export function progressSender(ctx: ServerContext) {
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
