import { describe, expect, it } from 'vitest';

import { ModelConfigSchema } from '../config/schema.js';
import { BUILTIN_CATALOG, buildCatalog, costScore, modelKey, NEW_MODEL_DEFAULTS } from './catalog.js';

const find = <T extends { provider: string; id: string }>(models: readonly T[], key: string): T | undefined =>
  models.find((m) => modelKey(m) === key);

describe('BUILTIN_CATALOG', () => {
  it('has the common models of the three built-in vendors', () => {
    const keys = BUILTIN_CATALOG.map(modelKey);
    for (const key of [
      'openai/gpt-4o',
      'openai/gpt-4o-mini',
      'openai/gpt-4.1',
      'openai/gpt-4.1-mini',
      'openai/gpt-4.1-nano',
      'openai/o3',
      'openai/o4-mini',
      'openai/gpt-5',
      'openai/gpt-5-mini',
      'anthropic/claude-opus-4-1',
      'anthropic/claude-sonnet-4-5',
      'anthropic/claude-haiku-4-5',
      'anthropic/claude-3-5-haiku-latest',
      'google/gemini-2.5-pro',
      'google/gemini-2.5-flash',
      'google/gemini-2.5-flash-lite',
    ]) {
      expect(keys).toContain(key);
    }
    expect(new Set(keys).size).toBe(keys.length);
  });

  it.each(BUILTIN_CATALOG.map((m) => [modelKey(m), m] as const))('%s is well formed', (_key, m) => {
    for (const score of Object.values(m.scores)) {
      expect(score).toBeGreaterThanOrEqual(0);
      expect(score).toBeLessThanOrEqual(1);
    }
    expect(Number.isInteger(m.contextWindow) && m.contextWindow > 0).toBe(true);
    expect(Number.isInteger(m.maxOutputTokens) && m.maxOutputTokens > 0).toBe(true);
    expect(m.maxOutputTokens).toBeLessThanOrEqual(m.contextWindow);
    expect(m.price.input).toBeGreaterThan(0);
    expect(m.price.output).toBeGreaterThanOrEqual(m.price.input);
    expect(m.scores.cost).toBe(costScore(m.price));
    // every built-in entry would pass the config schema as an override
    expect(() => ModelConfigSchema.parse(m)).not.toThrow();
  });

  it('scores cost consistently with price: a cheaper model never scores lower', () => {
    const byBlended = [...BUILTIN_CATALOG].sort(
      (a, b) => 0.75 * a.price.input + 0.25 * a.price.output - (0.75 * b.price.input + 0.25 * b.price.output),
    );
    for (let i = 1; i < byBlended.length; i++) {
      expect(byBlended[i - 1]!.scores.cost).toBeGreaterThanOrEqual(byBlended[i]!.scores.cost);
    }
  });

  it('is frozen', () => {
    expect(Object.isFrozen(BUILTIN_CATALOG)).toBe(true);
    expect(Object.isFrozen(BUILTIN_CATALOG[0])).toBe(true);
  });
});

describe('costScore', () => {
  it('is 1 for free models and 0 for the priciest, log-scaled between', () => {
    expect(costScore({ input: 0, output: 0 })).toBe(1);
    expect(costScore({ input: 100, output: 400 })).toBe(0);
    // a tenfold price step is a third of the scale
    expect(costScore({ input: 0.5, output: 0.5 }) - costScore({ input: 5, output: 5 })).toBeCloseTo(1 / 3, 1);
  });
});

describe('buildCatalog', () => {
  it('returns the built-in catalog without overrides, as copies', () => {
    const catalog = buildCatalog([]);
    expect(catalog).toEqual(BUILTIN_CATALOG);
    expect(catalog[0]).not.toBe(BUILTIN_CATALOG[0]);
    catalog[0]!.price.input = 999;
    expect(BUILTIN_CATALOG[0]!.price.input).not.toBe(999);
  });

  it('merges an override into the built-in entry: given fields replace, the others stay', () => {
    const before = find(BUILTIN_CATALOG, 'openai/gpt-4o')!;
    const catalog = buildCatalog([{ provider: 'openai', id: 'gpt-4o', maxOutputTokens: 4096, enabled: true }]);
    expect(find(catalog, 'openai/gpt-4o')).toEqual({ ...before, maxOutputTokens: 4096 });
    expect(catalog).toHaveLength(BUILTIN_CATALOG.length);
    expect(catalog.map(modelKey)).toEqual(BUILTIN_CATALOG.map(modelKey)); // order kept
  });

  it('replaces scores when given, and derives the cost score again from a new price otherwise', () => {
    const scores = { cost: 0.1, speed: 0.2, intelligence: 0.3 };
    const withScores = buildCatalog([{ provider: 'openai', id: 'gpt-4o', scores }]);
    expect(find(withScores, 'openai/gpt-4o')).toMatchObject({ scores });

    const before = find(BUILTIN_CATALOG, 'openai/gpt-4o')!;
    const cheaper = buildCatalog([{ provider: 'openai', id: 'gpt-4o', price: { input: 0.01, output: 0.01 } }]);
    expect(find(cheaper, 'openai/gpt-4o')).toMatchObject({
      price: { input: 0.01, output: 0.01 },
      scores: { cost: 1, speed: before.scores.speed, intelligence: before.scores.intelligence },
    });

    // explicit scores win over a price given later for the same model
    const both = buildCatalog([
      { provider: 'openai', id: 'gpt-4o', scores },
      { provider: 'openai', id: 'gpt-4o', price: { input: 0, output: 0 } },
    ]);
    expect(find(both, 'openai/gpt-4o')).toMatchObject({ price: { input: 0, output: 0 }, scores });
  });

  it('removes an entry with enabled: false', () => {
    const catalog = buildCatalog([{ provider: 'anthropic', id: 'claude-opus-4-1', enabled: false }]);
    expect(find(catalog, 'anthropic/claude-opus-4-1')).toBeUndefined();
    expect(catalog).toHaveLength(BUILTIN_CATALOG.length - 1);
  });

  it('lets the last entry for a model decide whether it is enabled', () => {
    const catalog = buildCatalog([
      { provider: 'openai', id: 'o3', enabled: false },
      { provider: 'openai', id: 'o3', contextWindow: 100_000 },
    ]);
    expect(find(catalog, 'openai/o3')).toMatchObject({ contextWindow: 100_000, maxOutputTokens: 100_000 });
  });

  it('matches overrides by provider and id: the same id at another provider is a new model', () => {
    const catalog = buildCatalog([{ provider: 'azure', id: 'gpt-4o', enabled: true }]);
    expect(find(catalog, 'openai/gpt-4o')).toEqual(find(BUILTIN_CATALOG, 'openai/gpt-4o'));
    expect(find(catalog, 'azure/gpt-4o')).toEqual({ provider: 'azure', id: 'gpt-4o', ...NEW_MODEL_DEFAULTS });
  });

  it('adds new entries after the built-in ones, with defaults for what they leave out', () => {
    const catalog = buildCatalog([
      { provider: 'ollama', id: 'llama3.2', enabled: true },
      {
        provider: 'lmstudio',
        id: 'qwen3-32b',
        contextWindow: 32_768,
        maxOutputTokens: 8_192,
        price: { input: 0, output: 0 },
        scores: { cost: 1, speed: 0.3, intelligence: 0.6 },
        enabled: true,
      },
      { provider: 'together', id: 'llama-3.3-70b', price: { input: 0.9, output: 0.9 } },
    ]);
    expect(catalog).toHaveLength(BUILTIN_CATALOG.length + 3);
    expect(catalog.slice(-3).map(modelKey)).toEqual([
      'ollama/llama3.2',
      'lmstudio/qwen3-32b',
      'together/llama-3.3-70b',
    ]);
    expect(find(catalog, 'ollama/llama3.2')).toEqual({
      provider: 'ollama',
      id: 'llama3.2',
      contextWindow: 8192,
      maxOutputTokens: 4096,
      price: { input: 0, output: 0 },
      scores: { cost: 1, speed: 0.5, intelligence: 0.4 },
    });
    expect(find(catalog, 'lmstudio/qwen3-32b')).toMatchObject({ contextWindow: 32_768, scores: { speed: 0.3 } });
    // a priced addition without scores: cost derived from the price, speed and intelligence defaulted
    expect(find(catalog, 'together/llama-3.3-70b')).toMatchObject({
      scores: { cost: costScore({ input: 0.9, output: 0.9 }), speed: 0.5, intelligence: 0.4 },
    });
  });

  it('does not add a new entry that is disabled', () => {
    expect(buildCatalog([{ provider: 'ollama', id: 'phi4', enabled: false }])).toHaveLength(BUILTIN_CATALOG.length);
  });

  it('accepts entries as parsed by the config schema', () => {
    const parsed = ModelConfigSchema.parse({ provider: 'ollama', id: 'mistral' });
    expect(find(buildCatalog([parsed]), 'ollama/mistral')).toBeDefined();
  });
});

describe('modelKey', () => {
  it('is provider/id', () => {
    expect(modelKey({ provider: 'openai', id: 'gpt-4o' })).toBe('openai/gpt-4o');
  });
});
