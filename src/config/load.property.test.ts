/**
 * Property tests of the config file: whatever the file holds (random JSON, a valid config with one
 * field changed to anything, text that is not JSON), loading it either gives a validated config or one
 * `ConfigError` line that names the file; nothing else is thrown.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { isOneLinePerProblem, propertyParameters } from '../../test/helpers/properties.js';
import { ConfigError, loadConfig } from './load.js';

const dir = mkdtempSync(join(tmpdir(), 'mcp-sampling-config-property-'));
const file = join(dir, 'mcp-sampling.config.json');

/** A config that is valid as it is; the properties change one of its fields to anything. */
const VALID = {
  providers: { local: { type: 'openai-compatible', baseURL: 'http://127.0.0.1:11434/v1' } },
  models: [{ id: 'llama3.2', provider: 'local', price: { input: 0, output: 0 } }],
  aliases: { 'gpt-4o': ['llama3.2'] },
  servers: {
    '*': {
      approval: 'auto',
      maxTokens: 500,
      temperature: { min: 0, max: 1 },
      rateLimit: { requestsPerMinute: 60 },
      budget: { session: { tokens: 10_000 }, day: { costUsd: 1 } },
    },
  },
  retry: { maxRetries: 2 },
  timeouts: { providerMs: 1000 },
  audit: { enabled: false },
};

/** Every path to a field of VALID, e.g. ['servers', '*', 'temperature', 'min']. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const keys = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return [prefix, ...keys.flatMap((key) => paths((value as Record<string | number, unknown>)[key], [...prefix, key]))];
}

function withField(path: (string | number)[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const copy = structuredClone(VALID) as Record<string | number, unknown>;
  let at = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  at[path[path.length - 1]!] = replacement;
  return copy;
}

/** Loads `text` as the config file; returns the error instead of throwing it. */
function load(text: string): unknown {
  writeFileSync(file, text);
  try {
    return loadConfig({ explicit: file, cwd: dir, home: dir, env: {} });
  } catch (error) {
    return error;
  }
}

function expectConfigOrOneLine(outcome: unknown): void {
  if (outcome instanceof Error) {
    expect(outcome).toBeInstanceOf(ConfigError);
    expect(isOneLinePerProblem(outcome.message)).toBe(true);
    expect(outcome.message).toContain(file);
  } else {
    expect(outcome).toMatchObject({ file, config: expect.any(Object) });
  }
}

describe('the config file (property)', () => {
  it('the valid base config loads', () => {
    expect(load(JSON.stringify(VALID))).toMatchObject({ config: { servers: { '*': { maxTokens: 500 } } } });
  });

  it('a valid config with any one field changed loads or is refused in one line', () => {
    fc.assert(
      fc.property(fc.constantFrom(...paths(VALID)), fc.jsonValue({ maxDepth: 3 }), (path, replacement) => {
        expectConfigOrOneLine(load(JSON.stringify(withField(path, replacement))));
      }),
      propertyParameters(400),
    );
  });

  it('any JSON value, or any text at all, loads or is refused in one line', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)),
          fc.string({ unit: 'binary', maxLength: 200 }),
          fc.jsonValue({ maxDepth: 2 }).map((value) => `${JSON.stringify(value)}`.slice(0, -1)),
        ),
        (text) => expectConfigOrOneLine(load(text)),
      ),
      propertyParameters(400),
    );
  });
});
