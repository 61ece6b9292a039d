/**
 * A sampling runtime for tests: the given environment and config, with its state file and audit log in
 * a fresh temporary directory (never the user's home).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { LanguageModelV3 } from '@ai-sdk/provider';

import { createSamplingRuntime } from '../../src/client/sampling/runtime.js';
import { type SamplingEvent } from '../../src/client/sampling/events.js';
import { createSamplingHandler, type SamplingHandler } from '../../src/client/sampling/handler.js';
import { flushRuntime, type SamplingRuntime } from '../../src/client/sampling/runtime.js';
import type { Prompter } from '../../src/policy/approval.js';
import { ConfigSchema } from '../../src/config/schema.js';
import type { Env } from '../../src/config/env.js';

export interface TestRuntime {
  runtime: SamplingRuntime;
  dir: string;
  auditPath: string;
  statePath: string;
  /** Waits for the audit lines and budget usage written behind the answers (before reading the files). */
  flush(): Promise<void>;
}

export function testRuntime(
  options: { env?: Env; config?: unknown; prompter?: Prompter; statePath?: string } = {},
): TestRuntime {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-sampling-runtime-'));
  const auditPath = join(dir, 'audit.jsonl');
  const statePath = options.statePath ?? join(dir, 'state.json');
  const runtime = createSamplingRuntime({
    env: options.env ?? {},
    config: ConfigSchema.parse(options.config ?? {}),
    statePath,
    auditPath,
    prompter: options.prompter,
  });
  return { runtime, dir, auditPath, statePath, flush: () => flushRuntime(runtime) };
}

/** A policy-driven handler for a test: the server is known by `server`, the era by `era`. */
export function testHandler(
  options: {
    env?: Env;
    config?: unknown;
    prompter?: Prompter;
    statePath?: string;
    onEvent?: (event: SamplingEvent) => void;
    server?: string;
    era?: string;
  } = {},
): SamplingHandler & { test: TestRuntime } {
  const test = testRuntime(options);
  const handler = createSamplingHandler({
    runtime: test.runtime,
    server: () => ({ name: options.server ?? 'document-assistant', address: 'test' }),
    era: () => options.era ?? 'test',
    ...(options.onEvent !== undefined && { onEvent: options.onEvent }),
  });
  return Object.assign(handler, { test });
}

/**
 * The runtime with one configured provider's models served by `model` (a script, an instant model)
 * instead of its endpoint: the one seam tests and benchmarks swap; everything else is the real path.
 */
export function withProviderModel(runtime: SamplingRuntime, provider: string, model: LanguageModelV3): SamplingRuntime {
  const { registry } = runtime;
  return {
    ...runtime,
    registry: {
      configured: () => registry.configured(),
      available: (name) => registry.available(name),
      languageModel: (name, id) => (name === provider ? model : registry.languageModel(name, id)),
    },
  };
}

/**
 * Our real handler whose only model is `model` (e.g. the AI SDK's `MockLanguageModelV3`), configured as
 * `scripted/scripted-model`: the whole policy path runs, and the provider is a script.
 */
export function scriptedModelHandler(
  model: LanguageModelV3,
  options: { config?: Record<string, unknown>; onEvent?: (event: SamplingEvent) => void } = {},
): SamplingHandler & { test: TestRuntime } {
  const test = testRuntime({
    config: {
      providers: { scripted: { type: 'openai-compatible', baseURL: 'http://127.0.0.1:9/v1' } },
      models: [{ provider: 'scripted', id: 'scripted-model' }],
      defaultModel: 'scripted/scripted-model',
      ...options.config,
    },
  });
  const runtime = withProviderModel(test.runtime, 'scripted', model);
  const handler = createSamplingHandler({
    runtime,
    server: () => ({ name: 'test-server', address: 'test' }),
    era: () => 'test',
    ...(options.onEvent !== undefined && { onEvent: options.onEvent }),
  });
  return Object.assign(handler, { test });
}
