/**
 * A host that embeds mcp-sampling's policy in its own MCP client: an SDK `Client` of its own, whose
 * `sampling/createMessage` handler is `createSamplingHandler`, answering with the host's own model (a tiny
 * hand-written LanguageModelV3) under a custom approval prompter (requests under 500 tokens are approved,
 * longer ones denied; every prompt is logged). It starts the package's own server (`mcp-sampling serve`,
 * over stdio) and asks it to summarize two documents.
 *
 *   npx tsx host.ts [--era legacy|modern|auto] [--audit <file>]
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import type { LanguageModelV3, LanguageModelV3CallOptions } from '@ai-sdk/provider';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { createSamplingHandler, createSamplingRuntime, type Prompter } from 'mcp-sampling/client';

const args = process.argv.slice(2);
const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const era = option('--era') ?? 'auto';
const auditPath = option('--audit'); // default: ~/.mcp-sampling/audit.jsonl, which `mcp-sampling log` reads

// 1. The host's own model: the first sentence of the last user message, as a headline. A real host would
//    pass an AI SDK provider's model here (e.g. createOpenAICompatible({ … }).chatModel('llama3.2')).
function lastUserText(prompt: LanguageModelV3CallOptions['prompt']): string {
  const message = prompt.findLast((m) => m.role === 'user');
  if (message === undefined || message.role !== 'user') return '';
  return message.content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('\n');
}

const headline: LanguageModelV3 = {
  specificationVersion: 'v3',
  provider: 'example',
  modelId: 'headline',
  supportedUrls: {},
  async doGenerate(options) {
    const input = lastUserText(options.prompt);
    const text = `In short: ${(input.match(/^[^.!?]*[.!?]/) ?? [input])[0].trim()}`;
    const tokens = (s: string) => Math.ceil(s.length / 4);
    return {
      content: [{ type: 'text', text }],
      finishReason: { unified: 'stop', raw: 'stop' },
      usage: {
        inputTokens: { total: tokens(input), noCache: tokens(input), cacheRead: 0, cacheWrite: 0 },
        outputTokens: { total: tokens(text), text: tokens(text), reasoning: 0 },
      },
      warnings: [],
    };
  },
  doStream() {
    throw new Error('the headline model does not stream');
  },
};

// 2. A custom approval prompter: short requests are approved, long ones denied, every prompt is logged.
const MAX_PROMPT_TOKENS = 500;
const prompter: Prompter = {
  async reviewRequest(view) {
    const text = view.messages.map((m) => (m.content as { text?: string }).text ?? '').join('\n');
    const tokens = Math.ceil(((view.systemPrompt ?? '') + text).length / 4);
    const approve = tokens <= MAX_PROMPT_TOKENS;
    const model = `${view.model.provider}/${view.model.id}`;
    console.log(
      `prompter: ${approve ? 'approve' : 'deny'} ${view.server} -> ${model}, ~${tokens} tokens: "${text.slice(0, 40)}…"`,
    );
    return approve ? { action: 'approve' } : { action: 'deny', reason: `over ${MAX_PROMPT_TOKENS} tokens` };
  },
  async reviewCompletion(view) {
    console.log(`prompter: completion approved: "${view.completion}"`);
    return { action: 'approve' };
  },
};

// 3. The runtime: only the host's model answers, every server asks for approval.
const runtime = createSamplingRuntime({
  config: { servers: { '*': { approval: 'ask', maxTokens: 200 } } },
  models: { headline: { model: headline, contextWindow: 8192, maxOutputTokens: 256, tools: false } },
  onlyModels: true,
  prompter,
  ...(auditPath !== undefined && { auditPath }),
});

// 4. The host's own SDK client, with the policy's handler registered on it.
const client = new Client(
  { name: 'example-host', version: '1.0.0' },
  {
    capabilities: { sampling: runtime.canCallTools ? { tools: {} } : {} },
    versionNegotiation: { mode: era === 'modern' ? { pin: '2026-07-28' } : era === 'legacy' ? 'legacy' : 'auto' },
  },
);
client.setRequestHandler('sampling/createMessage', createSamplingHandler(runtime, { client }));

// 5. The package's own server over stdio, started through its bin.
const require = createRequire(import.meta.url);
const packageJson = require.resolve('mcp-sampling/package.json');
const bin = (JSON.parse(readFileSync(packageJson, 'utf8')) as { bin: Record<string, string> }).bin['mcp-sampling']!;
await client.connect(
  new StdioClientTransport({ command: process.execPath, args: [join(dirname(packageJson), bin), 'serve'] }),
);
console.log(`connected to ${client.getServerVersion()?.name}, era ${client.getProtocolEra() ?? 'legacy'}`);

async function summarize(label: string, text: string): Promise<void> {
  try {
    const result = await client.callTool({ name: 'summarize_document', arguments: { document_text: text } });
    const blocks = (result.content ?? []) as { type: string; text?: string }[];
    const body = blocks.map((b) => b.text ?? '').join('\n');
    console.log(`${label}: ${result.isError === true ? `refused: ${body}` : body.replace('\n', ' ')}`);
  } catch (error) {
    // On the 2026-07-28 era a refused request fails the call itself.
    console.log(`${label}: refused: ${(error as Error).message}`);
  }
}

await summarize(
  'short document',
  'MCP sampling lets a server ask the client for a completion. The client keeps the keys and the policy.',
);
await summarize('long document', 'A sentence that goes on and on, repeated for length. '.repeat(60));

await client.close();
await runtime.close(); // the audit lines are written behind the answers: wait for them
console.log(`audit: ${auditPath ?? '~/.mcp-sampling/audit.jsonl'}`);
