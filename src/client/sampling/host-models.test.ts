/** The host's own models: checked at once, and seen by the registry as provider `host`. */
import type { LanguageModelV3 } from '@ai-sdk/provider';
import { MockLanguageModelV3 } from 'ai/test';
import { describe, expect, it } from 'vitest';

import { createProviderRegistry } from '../../providers/registry.js';
import { checkHostModels, HOST_PROVIDER, withHostModels } from './host-models.js';

const model = new MockLanguageModelV3();
const registry = () => createProviderRegistry({ providers: {}, env: { OPENAI_API_KEY: 'sk-test' } });

describe('checkHostModels', () => {
  it('an instance alone gets the defaults; facts are kept as catalog overrides', () => {
    const { entries } = checkHostModels({
      plain: model,
      priced: { model, contextWindow: 1000, price: { input: 1, output: 2 }, tools: false },
    });
    expect(entries.get('plain')).toMatchObject({ tools: true, facts: { provider: HOST_PROVIDER, id: 'plain' } });
    expect(entries.get('priced')).toMatchObject({
      tools: false,
      facts: { provider: 'host', id: 'priced', contextWindow: 1000, price: { input: 1, output: 2 } },
    });
  });

  it('refuses strings, non-models, other specification versions and bad facts in one line', () => {
    expect(() => checkHostModels({ m: 'gpt-4o' as unknown as LanguageModelV3 })).toThrow(/is the string 'gpt-4o'/);
    expect(() => checkHostModels({ m: { model: 42 } as never })).toThrow(/models\['m'\]\.model is not an AI SDK/);
    const v2 = { specificationVersion: 'v2', doGenerate: () => {} } as unknown as LanguageModelV3;
    expect(() => checkHostModels({ m: v2 })).toThrow(/specification v2/);
    expect(() => checkHostModels({ m: { model, scores: { cost: 2, speed: 0, intelligence: 0 } } })).toThrow(
      /^createSamplingRuntime: models\['m'\]: scores\.cost: /,
    );
    expect(() => checkHostModels({ m: { model, colour: 'red' } as never })).toThrow(/unknown key 'colour'/);
    expect(() => checkHostModels({ ' ': model })).toThrow(/must not be empty/);
  });
});

describe('withHostModels', () => {
  it('next to the providers: both are usable', () => {
    const both = withHostModels(registry(), checkHostModels({ mine: model }), false);
    expect(both.available('host')).toBe(true);
    expect(both.available('openai')).toBe(true);
    expect(both.languageModel('host', 'mine')).toBe(model);
    expect(() => both.languageModel('host', 'other')).toThrow(/the host gave no model 'other'/);
  });

  it('instead of them: no other provider is usable, whatever the keys', () => {
    const only = withHostModels(registry(), checkHostModels({ mine: model }), true);
    expect(only.available('openai')).toBe(false);
    expect(() => only.languageModel('openai', 'gpt-4o')).toThrow(/answers only with its own models/);
  });
});
