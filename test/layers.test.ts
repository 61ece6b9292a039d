/**
 * The layer rule is enforced by the lint (eslint.config.js): a snippet placed in one layer's folder and
 * importing a layer it may not import fails `npm run lint`; an import the rule allows passes.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const eslint = new ESLint({ cwd: ROOT });

/** The layer-rule messages ESLint reports for `code` as if it were the file at `path` (relative to the root). */
async function layerErrors(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(ROOT, path) });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-syntax')
    .map((m) => `${m.line}: ${m.message}`);
}

describe('the layer rule in the lint', () => {
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
