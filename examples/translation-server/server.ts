/**
 * A translation server on `mcp-sampling/server`: one tool, `translate`, whose translation comes from the
 * client's own model through MCP sampling (this server holds no model and no key). It serves both protocol
 * eras: on stdio by default, on Streamable HTTP with `--http [port]` (one endpoint for both eras).
 */
import { createSamplingEngine, resultText, serveHttp, serveStdio, ToolError } from 'mcp-sampling/server';
import * as z from 'zod';

const engine = createSamplingEngine();

function createServer() {
  const server = engine.createServer({ name: 'translation-server', version: '1.0.0' });
  const inputSchema = z.object({
    text: z.string().describe('The text to translate'),
    to: z.string().describe('The language to translate into, e.g. "French"'),
  });
  engine.registerTool(
    server,
    'translate',
    { title: 'Translate', description: "Translates a text with the client's model", inputSchema },
    async ({ text, to }, sampler) => {
      if (text.trim() === '') throw new ToolError('translate: the text is empty');
      const answer = await sampler.sample({
        systemPrompt: `Translate the user's text into ${to}. Reply with the translation only.`,
        messages: [{ role: 'user', content: { type: 'text', text } }],
        temperature: 0.2,
        maxTokens: 2000,
        modelPreferences: { hints: [{ name: 'gpt-4o' }], intelligencePriority: 0.7 },
      });
      return { content: [{ type: 'text', text: resultText(answer).trim() }] };
    },
  );
  return server;
}

const http = process.argv.indexOf('--http');
if (http < 0) {
  serveStdio(createServer);
} else {
  const served = await serveHttp(createServer, { port: Number(process.argv[http + 1] ?? 3000) });
  console.error(`translation-server on ${served.url}`);
}
