/**
 * The command provider against small CLI-like scripts of our own (test/fixtures/command/): a normal one in
 * each framing, one that hangs (with a helper process), one that fails and one that floods stdout.
 */
import { readFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { generateText } from 'ai';
import { describe, expect, it } from 'vitest';

import { ConfigSchema, type ProviderConfig } from '../../config/schema.js';
import { buildCatalog } from '../catalog.js';
import { createProviderRegistry } from '../registry.js';
import { runProviderContract } from '../provider.contract.test.js';
import { commandCatalogEntries } from './command.js';
import { fromCommandOutput, toCommandInput } from './framing.js';
import { alive } from '../../../test/helpers/process.js';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/command/', import.meta.url));
const script = (name: string, ...args: string[]) => [process.execPath, join(FIXTURES, name), ...args];

function modelOf(config: Omit<ProviderConfig, 'enabled' | 'type'>) {
  const providers = ConfigSchema.parse({ providers: { cli: { type: 'command', ...config } } }).providers;
  return createProviderRegistry({ providers, env: {} }).languageModel('cli', 'default');
}

async function waitFor(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
}

runProviderContract({ kind: 'command', model: 'default' });

describe('command provider', () => {
  it('plain framing: the prompt on stdin, stdout is the completion', async () => {
    const result = await generateText({
      model: modelOf({ command: script('echo-model.mjs') }),
      system: 'Be brief.',
      prompt: 'Summarize the moon.',
    });
    expect(result.text).toBe('echo (5 words): Be brief.\n\nSummarize the moon.');
    expect(result.usage.outputTokens).toBeGreaterThan(0);
  });

  it('json framing: a JSON object in, the configured field of the JSON out', async () => {
    const result = await generateText({
      model: modelOf({ command: script('json-model.mjs'), input: 'json', output: 'json' }),
      system: 'Be brief.',
      prompt: 'Hello',
      maxOutputTokens: 40,
    });
    expect(result.text).toBe('json reply to "Hello" (system: Be brief., maxTokens: 40)');
    const nested = await generateText({
      model: modelOf({
        command: script('json-model.mjs'),
        input: 'json',
        output: 'json',
        outputField: 'meta.nested.text',
      }),
      prompt: 'Hi',
    });
    expect(nested.text).toBe('json reply to "Hi" (system: none, maxTokens: none)');
  });

  it('a JSON output without the field says which path to set', async () => {
    const model = modelOf({ command: script('json-model.mjs'), input: 'json', output: 'json', outputField: 'text' });
    await expect(generateText({ model, prompt: 'Hi', maxRetries: 0 })).rejects.toThrow(
      /no string at "text" \(set "outputField"/,
    );
  });

  it('a non-zero exit is an error with the tail of stderr', async () => {
    const model = modelOf({ command: script('fail-model.mjs') });
    await expect(generateText({ model, prompt: 'Hi', maxRetries: 0 })).rejects.toThrow(
      /command '.*node' exited with status 1: loading model\.\.\. \| error: not logged in/,
    );
  });

  it('a program that does not exist is "command not found" in one line', async () => {
    const model = modelOf({ command: ['mcp-sampling-no-such-cli', '-p'] });
    await expect(generateText({ model, prompt: 'Hi', maxRetries: 0 })).rejects.toThrow(
      "command not found: 'mcp-sampling-no-such-cli' (is it installed and on PATH?)",
    );
  });

  it('exit status 127 (a shell wrapper that found nothing) is "command not found"', async () => {
    const model = modelOf({ command: [process.execPath, '-e', 'process.exit(127)'] });
    await expect(generateText({ model, prompt: 'Hi', maxRetries: 0 })).rejects.toThrow(/command not found/);
  });

  it('a flood of stdout is stopped at maxOutputBytes', async () => {
    const model = modelOf({ command: script('flood-model.mjs'), maxOutputBytes: 100_000 });
    await expect(generateText({ model, prompt: 'Hi', maxRetries: 0 })).rejects.toThrow(
      /printed more than 100000 bytes \(maxOutputBytes\): stopped/,
    );
  });

  it('a command that hangs is killed, its helper process too, at the timeout', async () => {
    const pids = join(mkdtempSync(join(tmpdir(), 'cmd-')), 'pids.json');
    const model = modelOf({ command: script('hang-model.mjs', pids), timeoutMs: 1500 });
    await expect(generateText({ model, prompt: 'Hi', maxRetries: 0 })).rejects.toThrow(/timed out after 1.5 s/);
    const [pid, helper] = JSON.parse(readFileSync(pids, 'utf8')) as [number, number];
    await waitFor(() => !alive(pid) && !alive(helper));
    expect(alive(pid)).toBe(false);
    expect(alive(helper)).toBe(false);
  });

  it('cancelling the call kills the command tree', async () => {
    const pids = join(mkdtempSync(join(tmpdir(), 'cmd-')), 'pids.json');
    const model = modelOf({ command: script('hang-model.mjs', pids) });
    const controller = new AbortController();
    const call = generateText({ model, prompt: 'Hi', maxRetries: 0, abortSignal: controller.signal });
    await waitFor(() => existsSync(pids));
    controller.abort();
    await expect(call).rejects.toThrow();
    const [pid, helper] = JSON.parse(readFileSync(pids, 'utf8')) as [number, number];
    await waitFor(() => !alive(pid) && !alive(helper));
    expect(alive(pid)).toBe(false);
    expect(alive(helper)).toBe(false);
  });

  it('has a catalog entry, free and scored zero unless the config says otherwise', () => {
    const providers = ConfigSchema.parse({ providers: { cli: { type: 'command', command: ['llm'] } } }).providers;
    const catalog = buildCatalog([
      ...commandCatalogEntries(providers),
      { provider: 'cli', id: 'default', scores: { cost: 1, speed: 0.3, intelligence: 0.8 } },
    ]);
    const entry = catalog.find((m) => m.provider === 'cli');
    expect(entry).toMatchObject({ id: 'default', price: { input: 0, output: 0 } });
    expect(entry?.scores).toEqual({ cost: 1, speed: 0.3, intelligence: 0.8 });
    expect(buildCatalog(commandCatalogEntries(providers)).find((m) => m.provider === 'cli')?.scores).toEqual({
      cost: 0,
      speed: 0,
      intelligence: 0,
    });
  });

  it('the config refuses a command provider without a command, and command settings on other kinds', () => {
    const messages = (input: unknown) => ConfigSchema.safeParse(input).error?.issues.map((i) => i.message) ?? [];
    expect(messages({ providers: { cli: { type: 'command' } } })).toEqual([
      'a "command" provider needs "command": [program, ...args]',
    ]);
    expect(messages({ providers: { x: { type: 'openai-compatible', command: ['llm'] } } })).toEqual([
      '"command" is a setting of "type": "command" providers only',
    ]);
  });
});

describe('command framings', () => {
  const call = (prompt: Parameters<typeof toCommandInput>[0]['prompt']) =>
    ({ prompt }) as Parameters<typeof toCommandInput>[0];
  it('plain: a conversation gives each message a role label', () => {
    const text = toCommandInput(
      call([
        { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
        { role: 'assistant', content: [{ type: 'text', text: 'Hello' }] },
        { role: 'user', content: [{ type: 'text', text: 'Bye' }] },
      ]),
      'plain',
    );
    expect(text).toBe('User: Hi\n\nAssistant: Hello\n\nUser: Bye\n');
  });

  it('plain output loses one trailing newline only', () => {
    expect(fromCommandOutput('a\n\n', { output: 'plain', outputField: 'result' })).toBe('a\n');
  });
});
