/** Anthropic's Messages API (keyed and pointed at the stub through ANTHROPIC_API_KEY and ANTHROPIC_BASE_URL). */
import { runProviderContract } from '../provider.contract.test.js';

runProviderContract({
  kind: 'anthropic',
  model: 'claude-sonnet-4-5',
  wire: {
    setup: (baseURL, key) => ({
      name: 'anthropic',
      providers: {},
      env: { ANTHROPIC_API_KEY: key, ANTHROPIC_BASE_URL: baseURL },
    }),
    completion: (text, finish, usage) => ({
      id: 'msg_test',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5-20250929',
      content: [{ type: 'text', text }],
      stop_reason: finish,
      stop_sequence: null,
      usage: { input_tokens: usage.input, output_tokens: usage.output },
    }),
    toolCall: (call) => ({
      id: 'msg_tool',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5-20250929',
      content: [{ type: 'tool_use', id: call.id, name: call.name, input: JSON.parse(call.arguments) as unknown }],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 40, output_tokens: 12 },
    }),
    error: (status, message) => ({
      type: 'error',
      error: { type: status === 401 ? 'authentication_error' : 'api_error', message },
    }),
    finishes: { stop: 'end_turn', length: 'max_tokens' },
    toolCallFinish: 'tool_use',
    echoesToolCallId: true,
  },
});
