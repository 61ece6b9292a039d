import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { ConfigSchema } from './schema.js';
import { CONFIG_FILE_NAME, loadConfig } from './load.js';

function dirWith(content: string | undefined): string {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-sampling-config-'));
  if (content !== undefined) writeFileSync(join(dir, CONFIG_FILE_NAME), content);
  return dir;
}

describe('loadConfig', () => {
  it('works with no file at all: defaults, state and audit under the home directory', () => {
    const dir = dirWith(undefined);
    const loaded = loadConfig({ cwd: dir, env: {}, home: '/home/someone' });
    expect(loaded.file).toBeUndefined();
    expect(loaded.config.embedded.enabled).toBe(true);
    expect(loaded.config.audit).toMatchObject({ enabled: true, includeText: false });
    expect(loaded.statePath).toBe('/home/someone/.mcp-sampling/state.json');
    expect(loaded.auditPath).toBe('/home/someone/.mcp-sampling/audit.jsonl');
  });

  it('finds ./mcp-sampling.config.json, and --config / MCP_SAMPLING_CONFIG take precedence', () => {
    const dir = dirWith(JSON.stringify({ defaultModel: 'openai/gpt-4o' }));
    expect(loadConfig({ cwd: dir, env: {} }).config.defaultModel).toBe('openai/gpt-4o');
    const other = join(dir, 'other.json');
    writeFileSync(other, JSON.stringify({ defaultModel: 'anthropic/claude-sonnet-4-5' }));
    expect(loadConfig({ cwd: dir, env: { MCP_SAMPLING_CONFIG: other } }).config.defaultModel).toMatch(/claude/);
    expect(loadConfig({ cwd: dir, env: {}, explicit: 'other.json' }).file).toBe(other);
  });

  it('names the file, the field path and what was expected', () => {
    const dir = dirWith(JSON.stringify({ servers: { '*': { rateLimit: { requestsPerMinute: 'ten' } } } }));
    expect(() => loadConfig({ cwd: dir, env: {} })).toThrow(
      new RegExp(`invalid config .*${CONFIG_FILE_NAME}: servers\\.\\*\\.rateLimit\\.requestsPerMinute: .*number`),
    );
  });

  it('refuses unknown keys, so a typo never silently disables a limit', () => {
    const dir = dirWith(JSON.stringify({ servers: { '*': { maxToken: 100 } } }));
    expect(() => loadConfig({ cwd: dir, env: {} })).toThrow(/servers\.\*: unknown key 'maxToken'/);
    const top = dirWith(JSON.stringify({ provider: {} }));
    expect(() => loadConfig({ cwd: top, env: {} })).toThrow(/top level: unknown key 'provider'/);
  });

  it('refuses a client id or secret under oauth["*"]: it would go to every authorization server', () => {
    for (const key of ['clientId', 'clientSecretEnv']) {
      const dir = dirWith(JSON.stringify({ oauth: { '*': { [key]: 'X', scopes: ['read'] } } }));
      expect(() => loadConfig({ cwd: dir, env: {} })).toThrow(
        new RegExp(
          `oauth\\.\\*\\.${key}: "${key}" belongs to one authorization server: set it under the server's URL, not under "\\*"`,
        ),
      );
    }
    // The defaults that are not a client stay allowed there, and a client id stays allowed per server.
    const fine = dirWith(
      JSON.stringify({
        oauth: { '*': { scopes: ['read'], redirectPort: 33418 }, 'https://mcp.example.com/mcp': { clientId: 'c' } },
      }),
    );
    expect(loadConfig({ cwd: fine, env: {} }).config.oauth['*']).toEqual({ scopes: ['read'], redirectPort: 33418 });
  });

  it('reads a file saved with a UTF-8 byte order mark', () => {
    const dir = dirWith(`\ufeff${JSON.stringify({ defaultModel: 'openai/gpt-4o' })}`);
    expect(loadConfig({ cwd: dir, env: {} }).config.defaultModel).toBe('openai/gpt-4o');
  });

  it('refuses a temperature range whose min is greater than its max', () => {
    const dir = dirWith(JSON.stringify({ servers: { '*': { temperature: { min: 1.5, max: 0.2 } } } }));
    expect(() => loadConfig({ cwd: dir, env: {} })).toThrow(
      /: servers\.\*\.temperature: min must not be greater than max$/,
    );
  });

  it.each(['localhost:11434/v1', 'ftp://models.example.com/v1', 'not a url'])(
    'refuses a baseURL that is not an http(s) URL: %s',
    (baseURL) => {
      const dir = dirWith(JSON.stringify({ providers: { local: { type: 'openai-compatible', baseURL } } }));
      expect(() => loadConfig({ cwd: dir, env: {} })).toThrow(
        /: providers\.local\.baseURL: must be an http:\/\/ or https:\/\/ URL/,
      );
    },
  );

  it('lists several problems one per line, each with its path, and no zod wording', () => {
    const dir = dirWith(JSON.stringify({ servers: { '*': { maxTokens: -1, temperature: { min: 'a' }, foo: 1 } } }));
    let message = '';
    try {
      loadConfig({ cwd: dir, env: {} });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.split('\n')).toEqual([
      `invalid config ${join(dir, CONFIG_FILE_NAME)} (4 problems):`,
      '  servers.*.maxTokens: must be >0',
      '  servers.*.temperature.min: expected number, received string',
      '  servers.*.temperature.max: missing (expected number)',
      "  servers.*: unknown key 'foo'",
    ]);
  });

  it('reports invalid JSON and a missing explicit file in one line', () => {
    const dir = dirWith('{ "servers": ');
    expect(() => loadConfig({ cwd: dir, env: {} })).toThrow(/not valid JSON/);
    expect(() => loadConfig({ cwd: dir, env: {}, explicit: 'missing.json' })).toThrow(/missing\.json does not exist/);
  });
});

describe('docs/configuration.md', () => {
  it('its complete example is a valid configuration that uses every top-level field', () => {
    const markdown = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
    const block = /## A complete example[\s\S]*?```json\n([\s\S]*?)```/.exec(markdown)?.[1];
    expect(block).toBeDefined();
    const example = JSON.parse(block!) as Record<string, unknown>;
    const parsed = ConfigSchema.safeParse(example);
    expect(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues)).toBe(true);
    const fields = Object.keys(ConfigSchema.shape).filter((field) => field !== '$schema');
    expect(Object.keys(example).sort()).toEqual(fields.sort());
  });
});
