/** OpenAI (Chat Completions, keyed and pointed at the stub through OPENAI_API_KEY and OPENAI_BASE_URL). */
import { chatCompletionsWire, runProviderContract } from '../provider.contract.test.js';

runProviderContract({
  kind: 'openai',
  model: 'gpt-4o',
  wire: chatCompletionsWire((baseURL, key) => ({
    name: 'openai',
    providers: {},
    env: { OPENAI_API_KEY: key, OPENAI_BASE_URL: `${baseURL}/v1` },
  })),
});
