/**
 * The `command` provider: a local CLI model (`claude -p`, `llm`, `ollama run <model>`) as a provider like
 * the others. It makes no HTTP request (like the embedded model, it plugs in as a definition whose model
 * does the work itself): each call runs the configured argv once, the prompt on stdin, the completion on
 * stdout (framing.ts), under a timeout and an output limit (run-command.ts). Its models cannot call tools.
 */
import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3GenerateResult,
  LanguageModelV3StreamPart,
  SharedV3Warning,
} from '@ai-sdk/provider';

import type { ProviderConfig } from '../../config/schema.js';
import { estimateTokens } from '../../shared/estimate-tokens.js';
import type { ModelOverride } from '../catalog.js';
import type { CommandSettings, ProviderDefinition, ProviderSettings } from '../provider.js';
import { fromCommandOutput, readPrompt, toCommandInput } from './framing.js';
import { runCommand } from './run-command.js';

const TEXT_ID = 'text-0';

async function generate(
  name: string,
  modelId: string,
  settings: CommandSettings,
  call: LanguageModelV3CallOptions,
): Promise<LanguageModelV3GenerateResult> {
  if (call.tools !== undefined && call.tools.length > 0) {
    throw new Error(`provider '${name}' runs a command, which cannot call tools: choose a model that can`);
  }
  const input = toCommandInput(call, settings.input);
  const warnings: SharedV3Warning[] = [];
  const { omitted } = readPrompt(call.prompt);
  if (omitted > 0) {
    warnings.push({ type: 'other', message: `a command reads text only; ${omitted} non-text part(s) were left out` });
  }
  const stdout = await runCommand({
    argv: settings.argv,
    input,
    timeoutMs: settings.timeoutMs,
    maxOutputBytes: settings.maxOutputBytes,
    signal: call.abortSignal,
  });
  let text: string;
  try {
    text = fromCommandOutput(stdout, settings);
  } catch (error) {
    throw new Error(`command '${settings.argv[0] ?? ''}': ${(error as Error).message}`, { cause: error });
  }
  const inputTokens = estimateTokens(input);
  const outputTokens = estimateTokens(text);
  return {
    content: [{ type: 'text', text }],
    finishReason: { unified: 'stop', raw: 'exit-0' },
    usage: {
      inputTokens: { total: inputTokens, noCache: inputTokens, cacheRead: 0, cacheWrite: 0 },
      outputTokens: { total: outputTokens, text: outputTokens, reasoning: 0 },
    },
    response: { modelId: `${name}/${modelId}` },
    warnings,
  };
}

/** One model of a command provider: every call runs the program once. */
export function createCommandModel(name: string, modelId: string, settings: CommandSettings): LanguageModelV3 {
  return {
    specificationVersion: 'v3',
    provider: name,
    modelId,
    supportedUrls: {},
    doGenerate: (call) => generate(name, modelId, settings, call),
    doStream: async (call) => {
      const result = await generate(name, modelId, settings, call);
      const text = result.content[0]?.type === 'text' ? result.content[0].text : '';
      const parts: LanguageModelV3StreamPart[] = [
        { type: 'stream-start', warnings: result.warnings },
        { type: 'text-start', id: TEXT_ID },
        { type: 'text-delta', id: TEXT_ID, delta: text },
        { type: 'text-end', id: TEXT_ID },
        { type: 'finish', finishReason: result.finishReason, usage: result.usage },
      ];
      return {
        stream: new ReadableStream<LanguageModelV3StreamPart>({
          start(controller) {
            for (const part of parts) controller.enqueue(part);
            controller.close();
          },
        }),
      };
    },
  };
}

export const command = {
  kind: 'command',
  // The CLI holds its own credentials (its keys are its business): no key, no endpoint here.
  keyEnvs: [],
  keyRequired: false,
  baseURLRequired: false,
  canCallTools: false,
  languageModels: (settings: ProviderSettings) => {
    const { command: run, name } = settings;
    if (run === undefined) throw new Error(`provider '${name}' (type "command") has no "command" to run`);
    return (modelId: string) => createCommandModel(name, modelId, run);
  },
} as const satisfies ProviderDefinition;

/** The model id of a command provider's catalog entry when its config names none. */
export const DEFAULT_COMMAND_MODEL = 'default';

/**
 * The catalog entries of the config's command providers: one per provider (`<name>/<model>`), free and
 * scored zero on every axis until the config's `models` says otherwise (nothing is known about a CLI).
 */
export function commandCatalogEntries(providers: Readonly<Record<string, ProviderConfig>>): ModelOverride[] {
  return Object.entries(providers)
    .filter(([, config]) => config.type === 'command')
    .map(([name, config]) => ({
      provider: name,
      id: config.model ?? DEFAULT_COMMAND_MODEL,
      price: { input: 0, output: 0 },
      scores: { cost: 0, speed: 0, intelligence: 0 },
    }));
}
