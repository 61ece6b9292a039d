/**
 * AI SDK finish reason -> MCP `stopReason`. The Chat Completions API reports a stop sequence and a natural
 * end alike as `stop`, so `stopSequence` is reported only when the provider says which sequence matched.
 */
import type { FinishReason } from 'ai';

export type McpStopReason = 'endTurn' | 'stopSequence' | 'maxTokens' | 'toolUse' | (string & {});

export function mapStopReason(finishReason: FinishReason, matchedStopSequence: boolean): McpStopReason {
  switch (finishReason) {
    case 'stop':
      return matchedStopSequence ? 'stopSequence' : 'endTurn';
    case 'length':
      return 'maxTokens';
    case 'tool-calls':
      return 'toolUse';
    case 'content-filter':
      return 'contentFilter';
    case 'error':
      return 'error';
    case 'other':
      return 'other';
  }
}
