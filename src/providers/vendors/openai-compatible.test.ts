/** An OpenAI-compatible endpoint named in the config, with a key from the variable the config names. */
import { chatCompletionsWire, runProviderContract } from '../provider.contract.test.js';

runProviderContract({
  kind: 'openai-compatible',
  model: 'llama3.2',
  wire: chatCompletionsWire((baseURL, key) => ({
    name: 'local',
    providers: {
      local: { type: 'openai-compatible', enabled: true, baseURL: `${baseURL}/v1`, apiKeyEnv: 'LOCAL_KEY' },
    },
    env: { LOCAL_KEY: key },
  })),
});
