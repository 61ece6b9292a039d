/**
 * What the server must never do: load an LLM SDK, import the client/policy/providers, or read a key.
 * The import graph is followed from the server's entry points through every relative import.
 */
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const IMPORT =
  /(?:import|export)\s+(?:type\s+)?(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function importGraph(...entries: string[]): { files: Set<string>; packages: Set<string> } {
  return followImports(entries, false);
}

/** The modules loaded at run time from `entries`: type-only imports and exports (erased) are not followed. */
function runtimeGraph(...entries: string[]): { files: Set<string>; packages: Set<string> } {
  return followImports(entries, true);
}

function followImports(entries: string[], runtimeOnly: boolean): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(IMPORT)) {
      if (runtimeOnly && /^(?:import|export)\s+type\s/.test(match[0])) continue;
      const specifier = match[1] ?? match[2]!;
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else
        packages.add(specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!);
    }
  };
  for (const entry of entries) visit(resolve(ROOT, entry));
  return { files, packages };
}

describe('the server', () => {
  // `mcp-sampling/server` (src/server/index.ts), and the transports `serve` runs.
  const graph = importGraph(
    'src/server/index.ts',
    'src/server/transports/stdio.ts',
    'src/server/transports/http/serve-http.ts',
  );

  it('never reaches the direct fallback (mcp-sampling/server/direct, src/direct), the one part on the server side with an LLM SDK', () => {
    for (const file of graph.files) expect(relative(ROOT, file)).not.toMatch(/^src\/direct\//);
  });

  it('loads no LLM SDK', () => {
    expect(graph.packages.size).toBeGreaterThan(0);
    for (const pkg of graph.packages) {
      expect(pkg).not.toBe('ai');
      expect(pkg.startsWith('@ai-sdk/')).toBe(false);
      expect(pkg).not.toMatch(/openai|anthropic|google/);
    }
  });

  it('imports nothing from the client, the policy, the providers or the CLI', () => {
    for (const file of graph.files) {
      expect(relative(ROOT, file)).toMatch(/^src\/(server|shared)\//);
    }
  });

  it('reads no environment variable but its own settings', () => {
    const allowed = new Set(['MCP_SAMPLING_STATE_KEY', 'MCP_SAMPLING_QUIET', 'MCP_SAMPLING_HTTP_TOKEN']);
    for (const file of graph.files) {
      const source = readFileSync(file, 'utf8');
      for (const match of source.matchAll(/process\.env(?:\[['"]([^'"]+)['"]\]|\.([A-Z_]+))?/g)) {
        const name = match[1] ?? match[2];
        expect(
          name,
          `${relative(ROOT, file)} reads process.env${name === undefined ? ' as a whole' : `.${name}`}`,
        ).toBeDefined();
        expect(allowed.has(name!), `${relative(ROOT, file)} reads ${name}`).toBe(true);
      }
    }
  });
});

describe('the direct fallback (mcp-sampling/server/direct)', () => {
  const graph = runtimeGraph('src/direct/index.ts');

  it("is where the AI SDK comes in, through the client's pure mappings only", () => {
    expect(graph.packages.has('ai')).toBe(true);
    const outside = [...graph.files]
      .map((file) => relative(ROOT, file))
      .filter((file) => !/^src\/(direct|server|shared)\//.test(file));
    // The mappings, the error classes they throw and the AI SDK's loader (loaded, never a config, a policy
    // gate or a key).
    for (const file of outside)
      expect(file).toMatch(
        /^src\/(client\/map|client\/errors\.ts|policy\/gate\.ts|providers\/errors\.ts|providers\/ai-sdk\.ts)/,
      );
  });

  it('reads no environment variable itself: the AI SDK provider the operator built reads the key', () => {
    for (const file of graph.files) {
      const source = readFileSync(file, 'utf8');
      const names = [...source.matchAll(/process\.env(?:\[['"]([^'"]+)['"]\]|\.([A-Z_]+))?/g)].map((m) => m[1] ?? m[2]);
      expect(
        names.filter((name) => name !== 'MCP_SAMPLING_STATE_KEY'),
        relative(ROOT, file),
      ).toEqual([]);
    }
  });
});
