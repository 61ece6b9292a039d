/**
 * A scripted language model for tests of sampling with tools: the AI SDK's `MockLanguageModelV3` (which
 * records its calls in `doGenerateCalls`) answering each call with text, tool calls, or both, from a list
 * of turns (the last one repeats) or a function of the call. Plus a client that declares sampling without
 * `sampling.tools`.
 */
import type { LanguageModelV3CallOptions, LanguageModelV3Content } from '@ai-sdk/provider';
import { Client } from '@modelcontextprotocol/client';
import { MockLanguageModelV3 } from 'ai/test';

import type { SamplingHandler } from '../../src/client/sampling/handler.js';
import { versionNegotiation, type Era } from './wire.js';

/** One model turn: text, tool calls, or both. */
export interface ScriptedTurn {
  text?: string;
  calls?: { name: string; input: unknown }[];
}

export function scriptedModel(
  turns: ScriptedTurn[] | ((call: LanguageModelV3CallOptions, n: number) => ScriptedTurn),
): MockLanguageModelV3 {
  let n = 0;
  return new MockLanguageModelV3({
    doGenerate: async (call) => {
      const turn = typeof turns === 'function' ? turns(call, n) : turns[Math.min(n, turns.length - 1)]!;
      n += 1;
      const content: LanguageModelV3Content[] = [];
      if (turn.text !== undefined) content.push({ type: 'text', text: turn.text });
      for (const [i, c] of (turn.calls ?? []).entries()) {
        content.push({
          type: 'tool-call',
          toolCallId: `call_${n}_${i}`,
          toolName: c.name,
          input: JSON.stringify(c.input),
        });
      }
      const tools = (turn.calls?.length ?? 0) > 0;
      return {
        content,
        finishReason: tools ? { unified: 'tool-calls', raw: 'tool_calls' } : { unified: 'stop', raw: 'stop' },
        usage: {
          inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 },
          outputTokens: { total: 5, text: 5, reasoning: 0 },
        },
        warnings: [],
      };
    },
  });
}

/** A client that declares sampling but not sampling.tools, answering with `handler`. */
export function clientWithoutTools(era: Era, handler: SamplingHandler): Client {
  const client = new Client(
    { name: 'no-tools', version: '1.0.0' },
    {
      capabilities: { sampling: {} },
      versionNegotiation: versionNegotiation(era),
    },
  );
  client.setRequestHandler('sampling/createMessage', handler);
  return client;
}
