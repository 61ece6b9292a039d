/**
 * The official SDK client as a user of `mcp-sampling/server` would set it up: `sampling` declared, a
 * `sampling/createMessage` handler of the test's choosing, on one era. No code of our client is involved.
 */
import { Client } from '@modelcontextprotocol/client';
import type { CreateMessageRequestParams, CreateMessageResult } from '@modelcontextprotocol/client';

import { versionNegotiation, type Era } from './wire.js';

/** Answers one sampling request: the text of the reply (model `test-model`, stop reason `endTurn`). */
export type Reply = (params: CreateMessageRequestParams) => string;

/** The text of a request's user messages, joined by newlines. */
export function userText(params: CreateMessageRequestParams): string {
  return params.messages
    .filter((message) => message.role === 'user')
    .flatMap((message) => (Array.isArray(message.content) ? message.content : [message.content]))
    .flatMap((block) => (block.type === 'text' ? [block.text] : []))
    .join('\n');
}

export function sdkClient(era: Era, reply?: Reply, options: { autoFulfill?: boolean } = {}): Client {
  const client = new Client(
    { name: 'sdk-test-client', version: '1.0.0' },
    {
      capabilities: reply === undefined ? {} : { sampling: {} },
      versionNegotiation: versionNegotiation(era),
      ...(options.autoFulfill === false && { inputRequired: { autoFulfill: false } }),
    },
  );
  if (reply !== undefined) {
    client.setRequestHandler('sampling/createMessage', async (request): Promise<CreateMessageResult> => ({
      role: 'assistant',
      model: 'test-model',
      stopReason: 'endTurn',
      content: { type: 'text', text: reply(request.params) },
    }));
  }
  return client;
}
