/**
 * Conformance tools that talk to the caller while they run: log messages (`tools-call-with-logging`),
 * progress (`tools-call-with-progress`), and a call whose SSE stream is closed half-way so the client has
 * to resume it (`server-sse-polling`). The pauses between steps are what the scenarios test: the client
 * must receive several notifications during one call.
 */
import { setTimeout as delay } from 'node:timers/promises';

import type { McpServer, ServerContext } from '@modelcontextprotocol/server';

const STEP_MS = 50;

function text(value: string) {
  return { content: [{ type: 'text' as const, text: value }] };
}

async function sendProgress(ctx: ServerContext, progress: number, total: number): Promise<void> {
  const token = ctx.mcpReq._meta?.progressToken;
  if (token === undefined) return;
  await ctx.mcpReq.notify({ method: 'notifications/progress', params: { progressToken: token, progress, total } });
}

export function registerNotificationTools(server: McpServer): void {
  // Log messages need the logging capability (it also installs the SDK's logging/setLevel handler). Must run
  // before the server connects, which is the case for every tool registration.
  server.server.registerCapabilities({ logging: {} });

  server.registerTool(
    'test_tool_with_logging',
    {
      description: 'Sends three info log messages, 50 ms apart, while it runs (conformance: tools-call-with-logging).',
    },
    async (ctx) => {
      const signal = ctx.mcpReq.signal;
      await ctx.mcpReq.log('info', 'Tool execution started');
      await delay(STEP_MS, undefined, { signal });
      await ctx.mcpReq.log('info', 'Tool processing data');
      await delay(STEP_MS, undefined, { signal });
      await ctx.mcpReq.log('info', 'Tool execution completed');
      return text('Logging tool finished: 3 messages sent at level info.');
    },
  );

  server.registerTool(
    'test_tool_with_progress',
    {
      description:
        'Reports progress 0, 50 and 100 of 100, 50 ms apart, when the call carries a progress token (conformance: tools-call-with-progress).',
    },
    async (ctx) => {
      const signal = ctx.mcpReq.signal;
      await sendProgress(ctx, 0, 100);
      await delay(STEP_MS, undefined, { signal });
      await sendProgress(ctx, 50, 100);
      await delay(STEP_MS, undefined, { signal });
      await sendProgress(ctx, 100, 100);
      return text('Progress tool finished: 0, 50 and 100 of 100 reported.');
    },
  );

  server.registerTool(
    'test_reconnection',
    {
      description:
        'Closes its own SSE stream half-way and answers after the client has had time to reconnect (conformance: server-sse-polling). Without an event store on the transport the stream stays open.',
    },
    async (ctx) => {
      const signal = ctx.mcpReq.signal;
      await delay(STEP_MS, undefined, { signal });
      const closed = ctx.http?.closeSSE !== undefined;
      ctx.http?.closeSSE?.();
      await delay(closed ? 4 * STEP_MS : STEP_MS, undefined, { signal });
      return text(
        closed
          ? 'Reconnection tool finished after closing its stream.'
          : 'Reconnection tool finished (stream kept open).',
      );
    },
  );
}
