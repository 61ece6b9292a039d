import type { JSONRPCMessage, Transport } from '@modelcontextprotocol/client';
import { describe, expect, it } from 'vitest';

import { assumeCompleteResults } from './absent-result-type.js';

describe('assumeCompleteResults', () => {
  it('delivers a result without resultType as complete, and every other message unchanged', () => {
    const seen: JSONRPCMessage[] = [];
    const transport = { onmessage: (message: JSONRPCMessage) => void seen.push(message) } as unknown as Transport;
    assumeCompleteResults(transport);
    const inputRequired = { jsonrpc: '2.0', id: 2, result: { resultType: 'input_required', inputRequests: {} } };
    const error = { jsonrpc: '2.0', id: 3, error: { code: -32601, message: 'no' } };
    const notification = { jsonrpc: '2.0', method: 'notifications/progress', params: {} };
    for (const message of [{ jsonrpc: '2.0', id: 1, result: { content: [] } }, inputRequired, error, notification]) {
      transport.onmessage!(message as JSONRPCMessage);
    }
    expect(seen).toEqual([
      { jsonrpc: '2.0', id: 1, result: { content: [], resultType: 'complete' } },
      inputRequired,
      error,
      notification,
    ]);
  });
});
