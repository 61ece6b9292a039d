/**
 * The layer rule is enforced by the lint (eslint.config.js): a snippet placed in one layer's folder and
 * importing a layer it may not import fails `npm run lint`; an import the rule allows passes.
 */
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const eslint = new ESLint({ cwd: ROOT });

/** The layer-rule messages ESLint reports for `code` as if it were the file at `path` (relative to the root). */
async function layerErrors(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(ROOT, path) });
  // A snippet that does not parse would pass every rule: fail on it instead.
  const fatal = (result?.messages ?? []).find((m) => m.fatal === true);
  if (fatal !== undefined) throw new Error(`${path}: the snippet does not parse: ${fatal.message}`);
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-syntax')
    .map((m) => `${m.line}: ${m.message}`);
}

/** The folders of src/ (the layers), and the deepest folder nesting of any source file below each. */
function sourceTree(): { layers: string[]; deepest: number } {
  const src = resolve(ROOT, 'src');
  const layers = readdirSync(src, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
  let deepest = 0;
  const walk = (dir: string, depth: number): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(dir, entry.name), depth + 1);
      else deepest = Math.max(deepest, depth);
    }
  };
  walk(src, 0);
  return { layers, deepest };
}

describe('the layer rule in the lint', () => {
  it('covers every folder of src/, and every file is within the depth the rule is written for', async () => {
    // The lint config is plain JavaScript, loaded as the lint loads it.
    const { LAYERS, MAX_DEPTH } = (await import(pathToFileURL(resolve(ROOT, 'eslint.config.js')).href)) as {
      LAYERS: Record<string, readonly string[]>;
      MAX_DEPTH: number;
    };
    const { layers, deepest } = sourceTree();
    // A new folder under src/ must be given its place in LAYERS, or its imports go unchecked.
    expect(layers.sort()).toEqual(Object.keys(LAYERS).sort());
    expect(deepest).toBeLessThan(MAX_DEPTH);
  });

  it('refuses a server -> client import, static, type-only, re-exported or lazy, at any depth', async () => {
    const code = [
      "import { connectHttp } from '../client/connect.js';",
      "import type { SamplingHandler } from '../client/sampling-handler.js';",
      "export { toWireError } from '../client/errors.js';",
      'export const use = (h: SamplingHandler) => [connectHttp, h];',
      "export const later = () => import('../client/connect.js');",
      '',
    ].join('\n');
    const errors = await layerErrors('src/server/layer-probe.ts', code);
    expect(errors).toHaveLength(4);
    for (const error of errors) expect(error).toContain('src/server may import src/shared, not src/client');

    const deep = await layerErrors(
      'src/server/tools/layer-probe.ts',
      "import { connectHttp } from '../../client/connect.js';\nexport { connectHttp };\n",
    );
    expect(deep).toEqual([expect.stringContaining('src/server may import src/shared, not src/client')]);
  });

  it('refuses the server importing policy, providers, config or an LLM SDK', async () => {
    const code = [
      "import type { Decision } from '../policy/approval.js';",
      "import type { CatalogModel } from '../providers/catalog.js';",
      "import type { Config } from '../config/schema.js';",
      "import { generateText } from 'ai';",
      'export type All = [Decision, CatalogModel, Config, typeof generateText];',
      '',
    ].join('\n');
    const errors = await layerErrors('src/server/sampling/layer-probe.ts', code.replaceAll("'../", "'../../"));
    expect(errors).toEqual([
      expect.stringContaining('not src/policy'),
      expect.stringContaining('not src/providers'),
      expect.stringContaining('not src/config'),
      expect.stringContaining('the server holds no LLM SDK'),
    ]);
  });

  it('lets src/direct (the direct fallback) load the AI SDK and src/client/map, and nothing else of the client', async () => {
    const allowed = [
      "import { generateText } from 'ai';",
      "import { createOpenAI } from '@ai-sdk/openai';",
      "import { toGenerateOptions } from '../client/map/map-sampling.js';",
      "import { SamplingRequestError } from '../server/sampling/sampler.js';",
      "import { SAMPLED_BY_META_KEY } from '../shared/contract.js';",
      "export const later = () => import('../client/map/map-tools.js');",
      'export { generateText, createOpenAI, toGenerateOptions, SamplingRequestError, SAMPLED_BY_META_KEY };',
      '',
    ].join('\n');
    expect(await layerErrors('src/direct/layer-probe.ts', allowed)).toEqual([]);
    // One folder deeper, the same imports one step further up.
    expect(
      await layerErrors(
        'src/direct/inner/layer-probe.ts',
        "import { clipToMaxTokens } from '../../client/map/clip-completion.js';\nexport { clipToMaxTokens };\n",
      ),
    ).toEqual([]);

    const refused = [
      "import { createSamplingHandler } from '../client/index.js';",
      "import type { SamplingHandler } from '../client/sampling/handler.js';",
      "import { PolicyRefusal } from '../policy/gate.js';",
      "import type { CatalogModel } from '../providers/catalog.js';",
      "import type { Config } from '../config/schema.js';",
      "export const later = () => import('../client/connect/http.js');",
      'export type All = [SamplingHandler, CatalogModel, Config];',
      'export { createSamplingHandler, PolicyRefusal };',
      '',
    ].join('\n');
    expect(await layerErrors('src/direct/layer-probe.ts', refused)).toEqual([
      expect.stringContaining('src/direct may import src/server, src/shared, src/client/map, not src/client'),
      expect.stringContaining('not src/client'),
      expect.stringContaining('not src/policy'),
      expect.stringContaining('not src/providers'),
      expect.stringContaining('not src/config'),
      expect.stringContaining('not src/client'),
    ]);
  });

  it('keeps every server folder closed to the AI SDK, src/client/map and src/direct', async () => {
    const code = [
      "import { generateText } from 'ai';",
      "import { createOpenAI } from '@ai-sdk/openai';",
      "import { toGenerateOptions } from '../../client/map/map-sampling.js';",
      "export const later = () => import('ai');",
      'export { generateText, createOpenAI, toGenerateOptions };',
      '',
    ].join('\n');
    for (const folder of ['sampling', 'tools', 'transports', 'directory', 'direct']) {
      const errors = await layerErrors(`src/server/${folder}/layer-probe.ts`, code);
      expect(errors, folder).toEqual([
        expect.stringContaining('the server holds no LLM SDK'),
        expect.stringContaining('the server holds no LLM SDK'),
        expect.stringContaining('src/server may import src/shared, not src/client'),
        expect.stringContaining('the server holds no LLM SDK'),
      ]);
    }
    const top = await layerErrors('src/server/layer-probe.ts', code.replaceAll("'../../", "'../"));
    expect(top).toHaveLength(4);
    // The fallback lives above the server: mcp-sampling/server can never reach it.
    const upward = await layerErrors(
      'src/server/sampling/layer-probe.ts',
      "import { directSampling } from '../../direct/index.js';\nexport { directSampling };\n",
    );
    expect(upward).toEqual([expect.stringContaining('src/server may import src/shared, not src/direct')]);
  });

  it('places src/ui (the dashboard) between client and cli: it may import policy and config, not cli or server', async () => {
    const allowed = [
      "import { readAuditLog } from '../policy/audit-log.js';",
      "import { loadConfig } from '../config/load.js';",
      "import type { Prompter } from '../client/index.js';",
      'export type { Prompter };',
      'export { readAuditLog, loadConfig };',
      '',
    ].join('\n');
    expect(await layerErrors('src/ui/layer-probe.ts', allowed)).toEqual([]);
    const refused = await layerErrors(
      'src/ui/layer-probe.ts',
      "import { fail } from '../cli/output.js';\nimport { createDocumentAssistant } from '../server/create-server.js';\nexport { fail, createDocumentAssistant };\n",
    );
    expect(refused).toEqual([
      expect.stringContaining(
        'src/ui may import src/client, src/policy, src/providers, src/config, src/shared, not src/cli',
      ),
      expect.stringContaining('not src/server'),
    ]);
    // The CLI wires the dashboard; nothing below it may reach it.
    expect(
      await layerErrors(
        'src/cli/layer-probe.ts',
        "import { startDashboard } from '../ui/start.js';\nexport { startDashboard };\n",
      ),
    ).toEqual([]);
    for (const layer of ['client', 'policy', 'server']) {
      const errors = await layerErrors(
        `src/${layer}/layer-probe.ts`,
        "import { createDashboardPrompter } from '../ui/link.js';\nexport { createDashboardPrompter };\n",
      );
      expect(errors, layer).toEqual([expect.stringContaining('not src/ui')]);
    }
  });

  it('refuses a providers -> cli import', async () => {
    const errors = await layerErrors(
      'src/providers/layer-probe.ts',
      "import { createOutput } from '../cli/output.js';\nexport { createOutput };\n",
    );
    expect(errors).toEqual([expect.stringContaining('src/providers may import src/config, src/shared, not src/cli')]);
  });

  it('allows the imports the direction permits', async () => {
    const server = await layerErrors(
      'src/server/tools/layer-probe.ts',
      "import { estimateTokens } from '../../shared/estimate-tokens.js';\nexport { estimateTokens };\n",
    );
    expect(server).toEqual([]);
    const policy = await layerErrors(
      'src/policy/layer-probe.ts',
      "import type { CatalogModel } from '../providers/catalog.js';\nimport type { Env } from '../config/env.js';\nimport { estimateTokens } from '../shared/estimate-tokens.js';\nexport type { CatalogModel, Env };\nexport { estimateTokens };\n",
    );
    expect(policy).toEqual([]);
    // A folder inside a layer that happens to share a layer's name is not that layer.
    const nested = await layerErrors(
      'src/server/tools/layer-probe.ts',
      "import { x } from '../client/x.js';\nexport { x };\n",
    );
    expect(nested).toEqual([]);
  });
});
