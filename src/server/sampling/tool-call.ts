/**
 * What an era runner (pushed.ts, rounds.ts) knows of the tool call it serves: the server, the tool's name,
 * the SDK's request context, and the client's capabilities as the engine read them for this call's era.
 */
import type { ClientCapabilities, McpServer, ServerContext } from '@modelcontextprotocol/server';

export interface ToolCall {
  readonly server: McpServer;
  readonly toolName: string;
  readonly ctx: ServerContext;
  /** The client's declared capabilities (read where this call's era carries them). */
  capabilities(): ClientCapabilities | undefined;
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
