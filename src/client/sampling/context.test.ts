import { describe, expect, it } from 'vitest';

import { ConfigSchema } from '../../config/schema.js';
import type { ModelTable } from '../../policy/gate.js';
import { createRequestContext } from './context.js';

const request = {
  messages: [{ role: 'user' as const, content: { type: 'text' as const, text: 'hi' } }],
  maxTokens: 10,
};

function contextFor(config: ReturnType<typeof ConfigSchema.parse>, name: string | undefined, address: string) {
  return createRequestContext({
    id: 1,
    request,
    signal: new AbortController().signal,
    identity: { name, address },
    era: 'test',
    config,
    models: {} as ModelTable,
    emit: () => undefined,
  });
}

describe('createRequestContext', () => {
  it("resolves a server's policy by its name or address, and again under a changed config", () => {
    const config = ConfigSchema.parse({ servers: { '*': { maxTokens: 100 }, docs: { maxTokens: 50 } } });
    expect(contextFor(config, 'docs', 'node serve').policy.maxTokens).toBe(50);
    expect(contextFor(config, 'docs', 'node serve').policy.maxTokens).toBe(50);
    expect(contextFor(config, 'other', 'node serve').policy.maxTokens).toBe(100);
    expect(contextFor(config, undefined, 'docs').policy.maxTokens).toBe(50);
    const changed = ConfigSchema.parse({ servers: { '*': { maxTokens: 100 }, docs: { maxTokens: 20 } } });
    expect(contextFor(changed, 'docs', 'node serve').policy.maxTokens).toBe(20);
    expect(contextFor(config, 'docs', 'node serve').policy.maxTokens).toBe(50);
  });
});

describe("createRequestContext's policy of the last server", () => {
  it('is kept only for the same config, name and address', () => {
    const config = ConfigSchema.parse({
      servers: { '*': { maxTokens: 100 }, docs: { maxTokens: 50 }, 'node b': { maxTokens: 30 } },
    });
    // Alternating servers: each request gets its own server's policy, not the one asked for just before.
    expect(contextFor(config, 'docs', 'node a').policy.maxTokens).toBe(50);
    expect(contextFor(config, undefined, 'node b').policy.maxTokens).toBe(30);
    expect(contextFor(config, 'docs', 'node a').policy.maxTokens).toBe(50);
    expect(contextFor(config, 'other', 'node a').policy.maxTokens).toBe(100);
    expect(contextFor(config, 'other', 'node b').policy.maxTokens).toBe(30);
    // The same identity under another config: that config's policy.
    const changed = ConfigSchema.parse({ servers: { '*': { maxTokens: 100 }, docs: { maxTokens: 20 } } });
    expect(contextFor(config, 'docs', 'node a').policy.maxTokens).toBe(50);
    expect(contextFor(changed, 'docs', 'node a').policy.maxTokens).toBe(20);
    expect(contextFor(config, 'docs', 'node a').policy.maxTokens).toBe(50);
  });
});
