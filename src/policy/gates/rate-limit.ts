/**
 * The rate-limit gate (rate-limiter.ts): a sliding 60-second window per server, FIFO, that waits or
 * refuses (`rate-limited`), counting one request and its prompt's token estimate plus maxTokens.
 */
import type { CreateMessageRequestParams } from '@modelcontextprotocol/client';

import { blocksOf } from '../../shared/mcp-content.js';
import { estimateTokens } from '../../shared/estimate-tokens.js';
import type { ServerPolicy } from '../../config/schema.js';
import { PolicyRefusal, type Gate } from '../gate.js';
import { RateLimitError, createRateLimiter, type RateLimiter } from '../rate-limiter.js';

/** The prompt's text for the token estimate: system prompt, text, tool results and tool definitions. */
function promptTextOf(params: CreateMessageRequestParams): string {
  const parts: string[] = [params.systemPrompt ?? ''];
  for (const message of params.messages) {
    for (const block of blocksOf(message)) {
      if (block.type === 'text') parts.push(block.text);
      else if (block.type === 'tool_use') parts.push(JSON.stringify(block.input));
      else if (block.type === 'tool_result') {
        for (const inner of block.content) if (inner.type === 'text') parts.push(inner.text);
      }
    }
  }
  for (const tool of params.tools ?? [])
    parts.push(tool.name, tool.description ?? '', JSON.stringify(tool.inputSchema));
  return parts.join('\n');
}

export function rateLimitGate(): Gate {
  const limiters = new Map<string, RateLimiter | undefined>();
  const limiterFor = (server: string, policy: ServerPolicy): RateLimiter | undefined => {
    if (!limiters.has(server)) {
      const rate = policy.rateLimit;
      limiters.set(
        server,
        rate === undefined || (rate.requestsPerMinute === undefined && rate.tokensPerMinute === undefined)
          ? undefined
          : createRateLimiter({
              ...(rate.requestsPerMinute !== undefined && { requestsPerMinute: rate.requestsPerMinute }),
              ...(rate.tokensPerMinute !== undefined && { tokensPerMinute: rate.tokensPerMinute }),
              onLimit: rate.onLimit,
            }),
      );
    }
    return limiters.get(server);
  };

  return {
    name: 'rate-limit',
    before(ctx) {
      const limiter = limiterFor(ctx.server, ctx.policy);
      if (limiter === undefined) return;
      return limiter
        .acquire(estimateTokens(promptTextOf(ctx.params)) + ctx.params.maxTokens, ctx.signal)
        .catch((error: unknown) => {
          // A rate limit is one of the policy's refusals: same wire mapping, same audit outcome.
          if (error instanceof RateLimitError) throw new PolicyRefusal(error.message, 'rate-limited', { cause: error });
          throw error;
        })
        .then(() => undefined);
    },
  };
}
