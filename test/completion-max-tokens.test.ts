/**
 * A completion longer than the request's maxTokens (a provider that ignores the limit) reaches the server
 * cut to maxTokens and marked: stopReason maxTokens, the numbers in the usage _meta and in the audit line.
 * One within the limit passes untouched.
 */
import { readFileSync } from 'node:fs';

import { McpServer } from '@modelcontextprotocol/server';
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod/v4';

import { USAGE_META_KEY } from '../src/client/sampling/result.js';
import type { AuditRecord } from '../src/policy/audit-log.js';
import { createSamplingEngine } from '../src/server/sampling/engine.js';
import { estimateTokens } from '../src/shared/estimate-tokens.js';
import { chatCompletion, startHttpStub, type HttpStub } from './helpers/http-stub.js';
import { testHandler } from './helpers/runtime.js';
import { textOf, wire } from './helpers/wire.js';

let stub: HttpStub | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

/** Asks for a completion of at most `maxTokens` through a real server and client; returns what the tool saw. */
async function sampleThrough(completion: string, maxTokens: number) {
  stub = await startHttpStub(() => ({
    json: chatCompletion(completion, 'stop', { prompt_tokens: 5, completion_tokens: 7 }),
  }));
  const engine = createSamplingEngine();
  const handler = testHandler({
    env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: `${stub.url}/v1` },
    config: { defaultModel: 'openai/gpt-4o' },
  });
  const wired = await wire({
    era: 'legacy',
    handler,
    server: () => {
      const server = new McpServer(
        { name: 'max-tokens-probe', version: '1.0.0' },
        { capabilities: { tools: {} }, requestState: { verify: engine.verifyState } },
      );
      engine.registerTool(server, 'probe', { inputSchema: z.object({}) }, async (_args, sampler) => {
        const result = await sampler.sample({
          messages: [{ role: 'user', content: { type: 'text', text: 'write' } }],
          maxTokens,
        });
        const content = Array.isArray(result.content) ? result.content[0] : result.content;
        const seen = {
          text: content?.type === 'text' ? content.text : '',
          stopReason: result.stopReason,
          usage: result._meta?.[USAGE_META_KEY],
        };
        return { content: [{ type: 'text', text: JSON.stringify(seen) }] };
      });
      return server;
    },
  });
  const result = await wired.client.callTool({ name: 'probe', arguments: {} });
  await wired.close();
  await handler.test.flush();
  const audit = readFileSync(handler.test.auditPath, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as AuditRecord);
  return {
    seen: JSON.parse(textOf(result)) as { text: string; stopReason: string; usage: Record<string, unknown> },
    audit,
  };
}

describe('a completion longer than maxTokens', () => {
  it('is cut to maxTokens and marked, not passed on as a normal end of turn', async () => {
    const long = 'The provider kept on writing. '.repeat(2000);
    const { seen, audit } = await sampleThrough(long, 300);
    expect(seen.stopReason).toBe('maxTokens');
    expect(long.startsWith(seen.text)).toBe(true);
    expect(estimateTokens(seen.text)).toBeLessThanOrEqual(300);
    expect(estimateTokens(seen.text)).toBeGreaterThan(290);
    const truncated = { estimatedTokens: estimateTokens(long), maxTokens: 300 };
    expect(seen.usage).toMatchObject({ truncated });
    expect(audit).toEqual([expect.objectContaining({ outcome: 'ok', truncated })]);
  });

  it('leaves a completion within maxTokens as it is', async () => {
    const short = 'A short answer that stopped on its own.';
    const { seen, audit } = await sampleThrough(short, 300);
    expect(seen).toMatchObject({ text: short, stopReason: 'endTurn' });
    expect(seen.usage).not.toHaveProperty('truncated');
    expect(audit[0]).not.toHaveProperty('truncated');
  });
});
