import { describe, expect, it } from 'vitest';

import { BUILTIN_CATALOG, modelKey, type CatalogModel } from '../providers/catalog.js';
import { BUILTIN_ALIASES } from './aliases.js';
import { modelAllowed, NO_MODEL_REASON, resolveModel, scoreModel, type ResolveInput } from './resolve-model.js';

const ALL = BUILTIN_CATALOG;
const only = (...providers: string[]) => ALL.filter((m) => providers.includes(m.provider));

function model(provider: string, id: string, cost: number, speed: number, intelligence: number): CatalogModel {
  return {
    provider,
    id,
    contextWindow: 100_000,
    maxOutputTokens: 8_000,
    price: { input: 1, output: 1 },
    scores: { cost, speed, intelligence },
  };
}

function resolve(overrides: Partial<ResolveInput> = {}) {
  return resolveModel({
    hints: [],
    priorities: {},
    models: ALL,
    aliases: BUILTIN_ALIASES,
    embedded: false,
    ...overrides,
  });
}

const keys = (decision: ReturnType<typeof resolveModel>) => decision.candidates.map(modelKey);
const first = (decision: ReturnType<typeof resolveModel>) => keys(decision)[0];

describe('resolveModel: hints', () => {
  it('takes the first hint that matches, even when a later hint names a "better" model', () => {
    const decision = resolve({ hints: ['gpt-4o-mini', 'claude-opus-4-1'], priorities: { intelligence: 1 } });
    expect(first(decision)).toBe('openai/gpt-4o-mini');
    expect(decision.reason).toBe("hint 'gpt-4o-mini' matched openai/gpt-4o-mini");
    expect(keys(decision)[1]).toBe('anthropic/claude-opus-4-1');
  });

  it('keeps the hint order even with priorities that favour a later hint', () => {
    const decision = resolve({ hints: ['gpt-4.1-nano', 'gpt-5'], priorities: { intelligence: 1 } });
    expect(keys(decision).slice(0, 2)).toEqual(['openai/gpt-4.1-nano', 'openai/gpt-5']);
  });

  it('matches a hint as a substring of the id', () => {
    expect(first(resolve({ hints: ['sonnet'] }))).toBe('anthropic/claude-sonnet-4-5');
    expect(resolve({ hints: ['sonnet'] }).reason).toBe("hint 'sonnet' matched anthropic/claude-sonnet-4-5");
    const fourO = resolve({ hints: ['4o'] });
    // both gpt-4o and gpt-4o-mini match: no priorities, so the shorter id first, the other next
    expect(keys(fourO).slice(0, 2)).toEqual(['openai/gpt-4o', 'openai/gpt-4o-mini']);
    expect(fourO.reason).toBe("hint '4o' matched openai/gpt-4o");
  });

  it('matches a hint as a substring of provider/id', () => {
    expect(first(resolve({ hints: ['google/gemini-2.5-flash-lite'] }))).toBe('google/gemini-2.5-flash-lite');
    const anthropic = resolve({ hints: ['anthropic/'] });
    expect(anthropic.candidates.slice(0, 4).every((c) => c.provider === 'anthropic')).toBe(true);
  });

  it('is case-insensitive and ignores surrounding whitespace', () => {
    const decision = resolve({ hints: ['  Claude-Sonnet  '] });
    expect(first(decision)).toBe('anthropic/claude-sonnet-4-5');
    expect(decision.reason).toBe("hint 'Claude-Sonnet' matched anthropic/claude-sonnet-4-5");
    expect(first(resolve({ hints: ['GPT-4O'] }))).toBe('openai/gpt-4o');
  });

  it('prefers an exact id among several matches of one hint', () => {
    // 'gpt-4.1' is contained in gpt-4.1, gpt-4.1-mini and gpt-4.1-nano; the exact one wins even when
    // the priorities favour another
    const decision = resolve({ hints: ['gpt-4.1'], priorities: { cost: 1 } });
    expect(first(decision)).toBe('openai/gpt-4.1');
    expect(keys(decision).slice(1, 3)).toEqual(['openai/gpt-4.1-nano', 'openai/gpt-4.1-mini']);
  });

  it('ranks several inexact matches of one hint by the priorities, then by the shortest id', () => {
    const models = [
      model('p', 'fast-mini', 0.9, 0.9, 0.2),
      model('p', 'fast-large-x', 0.2, 0.3, 0.9),
      model('p', 'fast-l', 0.2, 0.3, 0.9),
    ];
    expect(keys(resolve({ models, hints: ['fast'], priorities: { intelligence: 1 } }))).toEqual([
      'p/fast-l',
      'p/fast-large-x',
      'p/fast-mini',
    ]);
    expect(keys(resolve({ models, hints: ['fast'], priorities: { cost: 1 } }))[0]).toBe('p/fast-mini');
    // without priorities: the shortest id, then alphabetical
    const tied = [model('b', 'fast-1', 0, 0, 0), model('a', 'fast-2', 0, 0, 0), model('a', 'fast', 0, 0, 0)];
    expect(keys(resolve({ models: tied, hints: ['fast'] }))).toEqual(['a/fast', 'a/fast-2', 'b/fast-1']);
  });

  it('skips hints that match nothing and have no alias, and blank hints', () => {
    const decision = resolve({ hints: ['', '   ', 'llama-405b', 'haiku-4'] });
    expect(first(decision)).toBe('anthropic/claude-haiku-4-5');
    expect(decision.reason).toBe("hint 'haiku-4' matched anthropic/claude-haiku-4-5");
  });
});

describe('resolveModel: aliases', () => {
  it('maps gpt-4o to Claude when only Anthropic models are enabled', () => {
    const decision = resolve({ hints: ['gpt-4o'], models: only('anthropic') });
    expect(first(decision)).toBe('anthropic/claude-sonnet-4-5');
    expect(decision.reason).toBe("hint 'gpt-4o' has no enabled match; alias → anthropic/claude-sonnet-4-5");
  });

  it('maps gpt-4o to Gemini when only Google models are enabled', () => {
    const decision = resolve({ hints: ['gpt-4o'], models: only('google') });
    expect(first(decision)).toBe('google/gemini-2.5-pro');
    expect(decision.reason).toBe("hint 'gpt-4o' has no enabled match; alias → google/gemini-2.5-pro");
  });

  it('maps Claude hints to OpenAI models', () => {
    expect(first(resolve({ hints: ['claude-3-5-sonnet'], models: only('openai') }))).toBe('openai/gpt-4o');
    expect(first(resolve({ hints: ['haiku'], models: only('openai') }))).toBe('openai/gpt-4o-mini');
    expect(first(resolve({ hints: ['haiku'], models: only('google') }))).toBe('google/gemini-2.5-flash');
  });

  it('maps a retired name to its vendor successor first', () => {
    expect(first(resolve({ hints: ['claude-3-5-sonnet-20241022'] }))).toBe('anthropic/claude-sonnet-4-5');
  });

  it('uses the alias key equal to the hint rather than a shorter key contained in it', () => {
    const decision = resolve({ hints: ['gpt-4o-mini'], models: only('anthropic', 'google') });
    expect(first(decision)).toBe('anthropic/claude-haiku-4-5');
    expect(decision.reason).toBe("hint 'gpt-4o-mini' has no enabled match; alias → anthropic/claude-haiku-4-5");
  });

  it('uses the longest alias key contained in the hint, and names it in the reason', () => {
    const aliases = { gpt: ['x-small'], 'gpt-4o': ['x-large'], 'gpt-4o-mini': ['x-medium'] };
    const models = [model('x', 'x-small', 1, 1, 1), model('x', 'x-large', 1, 1, 1), model('x', 'x-medium', 1, 1, 1)];
    const decision = resolve({ hints: ['gpt-4o-mini-2024-07-18'], models, aliases });
    expect(first(decision)).toBe('x/x-medium');
    expect(decision.reason).toBe(
      "hint 'gpt-4o-mini-2024-07-18' has no enabled match; alias 'gpt-4o-mini' → x/x-medium",
    );
    expect(first(resolve({ hints: ['gpt-4o-2024-08-06'], models, aliases }))).toBe('x/x-large');
    expect(first(resolve({ hints: ['gpt-3.5-turbo'], models, aliases }))).toBe('x/x-small');
  });

  it('tries alias targets in order, skipping those that are not enabled', () => {
    const decision = resolve({
      hints: ['gpt-4o'],
      models: only('google')
        .concat(only('anthropic'))
        .filter((m) => m.id !== 'claude-sonnet-4-5'),
    });
    expect(first(decision)).toBe('google/gemini-2.5-pro');
  });

  it('does not use aliases for a hint that matches directly', () => {
    const decision = resolve({ hints: ['gpt-4o'], models: ALL });
    expect(keys(decision).slice(0, 2)).toEqual(['openai/gpt-4o', 'openai/gpt-4o-mini']);
    expect(decision.candidates.some((c) => c.reason.includes('alias'))).toBe(false);
  });

  it('lets configured aliases replace a built-in key', () => {
    const aliases = { ...BUILTIN_ALIASES, 'gpt-4o': ['claude-haiku-4-5'] };
    expect(first(resolve({ hints: ['gpt-4o'], models: only('anthropic'), aliases }))).toBe(
      'anthropic/claude-haiku-4-5',
    );
  });
});

describe('resolveModel: allowlist', () => {
  it('never chooses a model outside the allowlist, even when hinted', () => {
    const allowed = ['anthropic/*', 'gemini-2.5-flash'];
    const models = ALL.filter((m) => modelAllowed(m, allowed));
    const decision = resolve({ hints: ['gpt-4o'], models, embedded: true });
    expect(first(decision)).toBe('anthropic/claude-sonnet-4-5');
    expect(decision.candidates.some((c) => c.provider === 'openai')).toBe(false);
    expect(decision.candidates.filter((c) => c.provider === 'google').map((c) => c.id)).toEqual(['gemini-2.5-flash']);
  });
});

describe('modelAllowed', () => {
  const gpt = { provider: 'openai', id: 'gpt-4o' };
  it('understands *, provider/*, provider/id and bare ids', () => {
    expect(modelAllowed(gpt, ['*'])).toBe(true);
    expect(modelAllowed(gpt, ['openai/*'])).toBe(true);
    expect(modelAllowed(gpt, ['openai/gpt-4o'])).toBe(true);
    expect(modelAllowed(gpt, ['gpt-4o'])).toBe(true);
    expect(modelAllowed(gpt, ['OpenAI/GPT-4o'])).toBe(true);
  });

  it('rejects everything else', () => {
    expect(modelAllowed(gpt, [])).toBe(false);
    expect(modelAllowed(gpt, ['anthropic/*', 'gpt-4o-mini', 'openai/gpt-4'])).toBe(false);
    expect(modelAllowed(gpt, ['gpt'])).toBe(false); // no substring matching in allowlists
    expect(modelAllowed(gpt, ['azure/gpt-4o'])).toBe(false);
    expect(modelAllowed(gpt, ['open*'])).toBe(false);
  });

  it('handles ids that contain a slash', () => {
    const m = { provider: 'openrouter', id: 'meta-llama/llama-3.1-70b' };
    expect(modelAllowed(m, ['openrouter/*'])).toBe(true);
    expect(modelAllowed(m, ['meta-llama/llama-3.1-70b'])).toBe(true);
    expect(modelAllowed(m, ['openrouter/meta-llama/llama-3.1-70b'])).toBe(true);
    expect(modelAllowed(m, ['meta-llama/*'])).toBe(false);
  });

  it('applies to the embedded model like any other', () => {
    const embedded = { provider: 'embedded', id: 'extractive-summarizer' };
    expect(modelAllowed(embedded, ['*'])).toBe(true);
    expect(modelAllowed(embedded, ['embedded/*'])).toBe(true);
    expect(modelAllowed(embedded, ['openai/*'])).toBe(false);
  });
});

describe('resolveModel: priorities', () => {
  it('costPriority 1 picks the cheapest', () => {
    const decision = resolve({ priorities: { cost: 1 } });
    const cheapest = Math.max(...ALL.map((m) => m.scores.cost));
    const chosen = ALL.find((m) => modelKey(m) === first(decision));
    expect(chosen?.scores.cost).toBe(cheapest);
    // gemini-2.5-flash-lite and gpt-4.1-nano cost the same: alphabetical by provider/id
    expect(keys(decision).slice(0, 2)).toEqual(['google/gemini-2.5-flash-lite', 'openai/gpt-4.1-nano']);
  });

  it('intelligencePriority 1 picks the smartest', () => {
    const decision = resolve({ priorities: { intelligence: 1 } });
    const smartest = [...ALL].sort((a, b) => b.scores.intelligence - a.scores.intelligence)[0];
    expect(first(decision)).toBe(smartest && modelKey(smartest));
    expect(first(decision)).toBe('openai/gpt-5');
  });

  it('speedPriority 1 picks the fastest', () => {
    const models = [model('p', 'slow', 1, 0.1, 1), model('p', 'fast', 0, 0.9, 0)];
    expect(first(resolve({ models, priorities: { speed: 1 } }))).toBe('p/fast');
  });

  it('mixes weights as a weighted mean, and says so in the reason and the scores', () => {
    const models = [
      model('p', 'cheap-dumb', 1, 0.5, 0.1), // cost .8 + intel .2 weights: (0.8*1 + 0.2*0.1) / 1 = 0.82
      model('p', 'pricey-smart', 0.2, 0.5, 1), // (0.8*0.2 + 0.2*1) = 0.36
    ];
    const costly = resolve({ models, priorities: { cost: 0.8, intelligence: 0.2 } });
    expect(keys(costly)).toEqual(['p/cheap-dumb', 'p/pricey-smart']);
    expect(costly.reason).toBe('priorities cost=0.8 speed=0 intelligence=0.2 → p/cheap-dumb (score 0.82)');
    expect(costly.candidates[0]?.scores).toEqual({ cost: 1, speed: 0.5, intelligence: 0.1, score: 0.82 });
    expect(costly.candidates[1]?.scores?.['score']).toBe(0.36);
    // the same models with the weights turned around
    const smart = resolve({ models, priorities: { cost: 0.2, intelligence: 0.8 } });
    expect(keys(smart)).toEqual(['p/pricey-smart', 'p/cheap-dumb']);
    // weights need not sum to 1: only their ratio matters
    expect(keys(resolve({ models, priorities: { cost: 0.4, intelligence: 0.1 } }))).toEqual(keys(costly));
  });

  it('says that no hint matched when hints were given', () => {
    const decision = resolve({ hints: ['llama'], priorities: { cost: 1 }, models: [model('p', 'a', 1, 1, 1)] });
    expect(decision.reason).toBe(
      "no hint matched an enabled model ('llama'); priorities cost=1 speed=0 intelligence=0 → p/a (score 1)",
    );
  });

  it('ranks the remaining models by the priorities after the hint matches', () => {
    const decision = resolve({ hints: ['opus'], priorities: { cost: 1 } });
    expect(first(decision)).toBe('anthropic/claude-opus-4-1');
    expect(keys(decision).slice(1, 3)).toEqual(['google/gemini-2.5-flash-lite', 'openai/gpt-4.1-nano']);
    expect(decision.candidates[1]?.reason).toMatch(/^priorities cost=1 /);
  });

  it('treats all-zero priorities as no priorities', () => {
    const decision = resolve({ priorities: { cost: 0, speed: 0 }, defaultModel: 'openai/gpt-4o' });
    expect(first(decision)).toBe('openai/gpt-4o');
    expect(decision.reason).toMatch(/default model openai\/gpt-4o$/);
  });
});

describe('scoreModel', () => {
  const m = model('p', 'm', 1, 0.5, 0);
  it('is the weighted mean of the scores', () => {
    expect(scoreModel(m, { cost: 1 })).toBe(1);
    expect(scoreModel(m, { intelligence: 1 })).toBe(0);
    expect(scoreModel(m, { cost: 1, intelligence: 1 })).toBe(0.5);
    expect(scoreModel(m, { cost: 0.75, speed: 0.25 })).toBeCloseTo(0.875);
  });

  it('is the plain mean without priorities, and clamps out-of-range ones', () => {
    expect(scoreModel(m, {})).toBeCloseTo(0.5);
    expect(scoreModel(m, { cost: 5, intelligence: -1 })).toBe(1);
  });
});

describe('resolveModel: default model and balanced ranking', () => {
  it('uses the default model when there are no hints or priorities', () => {
    const decision = resolve({ defaultModel: 'anthropic/claude-sonnet-4-5' });
    expect(first(decision)).toBe('anthropic/claude-sonnet-4-5');
    expect(decision.reason).toBe('no priorities given; default model anthropic/claude-sonnet-4-5');
  });

  it('accepts a bare id as the default model', () => {
    expect(first(resolve({ defaultModel: 'gpt-4.1' }))).toBe('openai/gpt-4.1');
  });

  it('uses the default model when no hint matches', () => {
    const decision = resolve({ hints: ['llama'], defaultModel: 'openai/gpt-4o' });
    expect(decision.reason).toBe(
      "no hint matched an enabled model ('llama'); no priorities given; default model openai/gpt-4o",
    );
  });

  it('prefers the priorities over the default model', () => {
    expect(first(resolve({ priorities: { intelligence: 1 }, defaultModel: 'openai/gpt-4o-mini' }))).toBe(
      'openai/gpt-5',
    );
  });

  it('skips a default model that is not enabled, and ranks balanced instead', () => {
    const decision = resolve({ defaultModel: 'openai/gpt-4o', models: only('google') });
    // balanced means: flash-lite (.82+.95+.5)/3 = .757, flash .703, pro .58
    expect(keys(decision)).toEqual([
      'google/gemini-2.5-flash-lite',
      'google/gemini-2.5-flash',
      'google/gemini-2.5-pro',
    ]);
    expect(decision.reason).toBe(
      "no priorities given; default model 'openai/gpt-4o' is not enabled; balanced score (cost, speed, intelligence weighted equally) → google/gemini-2.5-flash-lite (score 0.76)",
    );
    expect(decision.candidates[0]?.scores?.['score']).toBe(0.76);
  });

  it('ranks balanced when nothing else applies', () => {
    const models = [model('p', 'b', 0.5, 0.5, 0.5), model('p', 'a', 0.5, 0.5, 0.5), model('p', 'c', 0.9, 0.9, 0.9)];
    const decision = resolve({ models });
    expect(keys(decision)).toEqual(['p/c', 'p/a', 'p/b']);
    expect(decision.reason).toMatch(/^no priorities given; no default model configured; balanced score/);
  });
});

describe('resolveModel: embedded model and nothing available', () => {
  it('uses the embedded model as the last resort', () => {
    const decision = resolve({ models: [], hints: ['gpt-4o'], priorities: { cost: 1 }, embedded: true });
    expect(decision.candidates).toEqual([
      { provider: 'embedded', id: 'extractive-summarizer', reason: expect.stringContaining('last resort') },
    ]);
    expect(decision.reason).toBe(decision.candidates[0]?.reason);
  });

  it('puts the embedded model after every provider model', () => {
    const decision = resolve({ hints: ['sonnet'], embedded: true });
    expect(keys(decision).at(-1)).toBe('embedded/extractive-summarizer');
    expect(decision.candidates).toHaveLength(ALL.length + 1);
  });

  it('returns no candidates when nothing is available', () => {
    const decision = resolve({ models: [], hints: ['gpt-4o'], defaultModel: 'openai/gpt-4o', embedded: false });
    expect(decision).toEqual({ candidates: [], reason: NO_MODEL_REASON });
    expect(NO_MODEL_REASON).toBe(
      'no model is enabled for this server (configure a provider key, or enable the embedded model)',
    );
  });
});

describe('resolveModel: the fallback list', () => {
  it('has no duplicates and covers every enabled model once', () => {
    const decision = resolve({
      hints: ['gpt-4o', '4o', 'gpt-4o-mini', 'opus', 'gpt-4o'],
      priorities: { speed: 0.5 },
      defaultModel: 'openai/gpt-4o',
      embedded: true,
    });
    const all = keys(decision);
    expect(new Set(all).size).toBe(all.length);
    expect([...all].sort()).toEqual([...ALL.map(modelKey), 'embedded/extractive-summarizer'].sort());
  });

  it('follows the rules in order: hints, aliases, priorities, default, embedded', () => {
    const models = [
      model('a', 'alpha', 0.1, 0.1, 0.1),
      model('b', 'beta', 0.2, 0.2, 0.2),
      model('c', 'gamma', 0.9, 0.3, 0.3),
      model('d', 'delta', 0.5, 0.5, 0.5),
    ];
    const decision = resolve({
      models,
      hints: ['beta', 'nothing', 'omega'],
      aliases: { omega: ['alpha'] },
      priorities: { cost: 1 },
      defaultModel: 'd/delta',
      embedded: true,
    });
    expect(keys(decision)).toEqual(['b/beta', 'a/alpha', 'c/gamma', 'd/delta', 'embedded/extractive-summarizer']);
    expect(decision.candidates.map((c) => c.reason)).toEqual([
      "hint 'beta' matched b/beta",
      "hint 'omega' has no enabled match; alias → a/alpha",
      'priorities cost=1 speed=0 intelligence=0 → c/gamma (score 0.9)',
      'priorities cost=1 speed=0 intelligence=0 → d/delta (score 0.5)',
      'last resort: the embedded extractive summarizer',
    ]);
  });

  it('without priorities: hints, then the default, then balanced, then embedded', () => {
    const models = [
      model('a', 'alpha', 0.1, 0.1, 0.1),
      model('b', 'beta', 0.9, 0.9, 0.9),
      model('d', 'delta', 0.5, 0.5, 0.5),
    ];
    const decision = resolve({ models, hints: ['alpha'], defaultModel: 'delta', embedded: true });
    expect(keys(decision)).toEqual(['a/alpha', 'd/delta', 'b/beta', 'embedded/extractive-summarizer']);
    expect(decision.candidates[1]?.reason).toBe('default model d/delta');
    expect(decision.candidates[2]?.reason).toBe(
      'balanced score (cost, speed, intelligence weighted equally) → b/beta (score 0.9)',
    );
  });

  it('does not repeat a model listed twice in the input', () => {
    const m = model('p', 'm', 1, 1, 1);
    expect(keys(resolve({ models: [m, m], hints: ['m'] }))).toEqual(['p/m']);
  });
});
