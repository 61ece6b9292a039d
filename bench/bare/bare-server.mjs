/**
 * The bare-SDK counterpart of the Document Assistant for B1 and B5: the same job (one sampling request per
 * tools/call, the demo's parameters, "Summary:\n" + the answer) written as plainly as the SDK allows, with
 * no engine, no state signing, no chunking and no logging. One input_required-style handler serves both
 * eras (the SDK's legacy shim turns it into a pushed request on 2025 connections).
 *
 *   node bench/bare/bare-server.mjs            stdio
 *   node bench/bare/bare-server.mjs --http     Streamable HTTP on 127.0.0.1, a free port; prints its URL
 */
import { createServer } from 'node:http';
import process from 'node:process';

import { toNodeHandler } from '@modelcontextprotocol/node';
import { createMcpHandler, inputRequired, inputResponse, McpServer } from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import * as z from 'zod/v4';

const inputSchema = z.object({ document_text: z.string() });

function createBareServer() {
  const server = new McpServer({ name: 'bare-document-assistant', version: '1.0.0' }, { capabilities: { tools: {} } });
  server.registerTool('summarize_document', { inputSchema }, async ({ document_text }, ctx) => {
    const view = inputResponse(ctx.mcpReq.inputResponses, 'summary');
    if (view.kind !== 'sampling') {
      return inputRequired({
        inputRequests: {
          summary: {
            method: 'sampling/createMessage',
            params: {
              systemPrompt: 'You are an expert summarizer.',
              messages: [{ role: 'user', content: { type: 'text', text: document_text } }],
              temperature: 0.7,
              maxTokens: 300,
              modelPreferences: {
                hints: [{ name: 'gpt-4o' }],
                intelligencePriority: 0.8,
                speedPriority: 0.5,
                costPriority: 0.3,
              },
            },
          },
        },
      });
    }
    const content = Array.isArray(view.result.content) ? view.result.content : [view.result.content];
    const text = content.map((block) => (block.type === 'text' ? block.text : '')).join('');
    return { content: [{ type: 'text', text: `Summary:\n${text}` }] };
  });
  return server;
}

if (process.argv.includes('--http')) {
  const handler = createMcpHandler(createBareServer);
  const listener = createServer(toNodeHandler(handler));
  listener.listen(0, '127.0.0.1', () => {
    process.stderr.write(`bare server on http://127.0.0.1:${listener.address().port}/mcp\n`);
  });
  process.once('SIGTERM', () => {
    void handler.close().finally(() => listener.close(() => process.exit(0)));
  });
} else {
  serveStdio(createBareServer);
}
