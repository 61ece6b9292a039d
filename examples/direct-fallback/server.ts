/**
 * A server with a direct-provider fallback: one tool, `explain`, whose answer comes from the client's
 * model through MCP sampling when the client supports it, and otherwise (Claude Code, Claude Desktop,
 * Cursor, …) from the operator's own model via `directSampling`. The key is the operator's, read by the
 * AI SDK's OpenAI provider from this server's environment: OPENAI_API_KEY, and OPENAI_BASE_URL for any
 * OpenAI-compatible endpoint. DIRECT_MODEL picks the model (default gpt-4o-mini); DIRECT_WHEN=always
 * sends every request to it, even from clients that can sample.
 */
import { createOpenAI } from '@ai-sdk/openai';
import { createSamplingEngine, resultText, SAMPLED_BY_META_KEY, serveStdio } from 'mcp-sampling/server';
import { directSampling } from 'mcp-sampling/server/direct';
import * as z from 'zod';

// `.chat()`: the Chat Completions API, which OpenAI-compatible servers (Ollama, vLLM, LM Studio) speak too.
const model = createOpenAI().chat(process.env['DIRECT_MODEL'] ?? 'gpt-4o-mini');
const when = process.env['DIRECT_WHEN'] === 'always' ? 'always' : 'no-sampling';
const engine = createSamplingEngine({ fallback: directSampling({ model, when }) });

function createServer() {
  const server = engine.createServer({ name: 'direct-fallback', version: '1.0.0' });
  engine.registerTool(
    server,
    'explain',
    {
      title: 'Explain',
      description: 'Explains a term in two sentences',
      inputSchema: z.object({ term: z.string().describe('The term to explain') }),
    },
    async ({ term }, sampler) => {
      const answer = await sampler.sample({
        systemPrompt: 'You explain technical terms to a newcomer in at most two sentences.',
        messages: [{ role: 'user', content: { type: 'text', text: `Explain: ${term}` } }],
        temperature: 0.3,
        maxTokens: 200,
      });
      // Which path answered: the server's own model says so in _meta; a client's answer does not.
      const direct = answer._meta?.[SAMPLED_BY_META_KEY] !== undefined;
      return {
        content: [{ type: 'text', text: resultText(answer).trim() }],
        _meta: { answeredBy: direct ? `server (${answer.model})` : `client (${answer.model})` },
      };
    },
  );
  return server;
}

serveStdio(createServer);
