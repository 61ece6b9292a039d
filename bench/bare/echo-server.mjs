/**
 * B7's upstream: one plain tool (`echo`, no sampling) on the SDK's stdio entry, both eras, nothing else.
 * The bridge's overhead is measured on it: the host calls `echo` directly, then through the bridge.
 *
 *   node bench/bare/echo-server.mjs
 */
import { McpServer } from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import * as z from 'zod/v4';

serveStdio(() => {
  const server = new McpServer({ name: 'bench-echo', version: '1.0.0' }, { capabilities: { tools: {} } });
  server.registerTool('echo', { inputSchema: z.object({ message: z.string() }) }, async ({ message }) => ({
    content: [{ type: 'text', text: message }],
  }));
  return server;
});
