/** Google's Gemini API (keyed through GEMINI_API_KEY, pointed at the stub by the config's baseURL). */
import { runProviderContract } from '../provider.contract.test.js';

runProviderContract({
  kind: 'google',
  model: 'gemini-2.5-flash',
  wire: {
    setup: (baseURL, key) => ({
      name: 'google',
      providers: { google: { enabled: true, baseURL: `${baseURL}/v1beta` } },
      env: { GEMINI_API_KEY: key },
    }),
    completion: (text, finish, usage) => ({
      candidates: [{ content: { role: 'model', parts: [{ text }] }, finishReason: finish, index: 0 }],
      usageMetadata: {
        promptTokenCount: usage.input,
        candidatesTokenCount: usage.output,
        totalTokenCount: usage.input + usage.output,
      },
      modelVersion: 'gemini-2.5-flash',
    }),
    toolCall: (call) => ({
      candidates: [
        {
          content: {
            role: 'model',
            parts: [{ functionCall: { name: call.name, args: JSON.parse(call.arguments) as unknown } }],
          },
          finishReason: 'STOP',
          index: 0,
        },
      ],
      usageMetadata: { promptTokenCount: 40, candidatesTokenCount: 12, totalTokenCount: 52 },
      modelVersion: 'gemini-2.5-flash',
    }),
    error: (status, message) => ({
      error: { code: status, message, status: status === 401 ? 'UNAUTHENTICATED' : 'INTERNAL' },
    }),
    finishes: { stop: 'STOP', length: 'MAX_TOKENS' },
    toolCallFinish: 'STOP',
    // Gemini sends no id with a function call: the AI SDK makes one up.
    echoesToolCallId: false,
  },
});
