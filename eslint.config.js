// Lint setup: typescript-eslint's recommended type-aware rules plus type-only imports, and the layer rule
// (which folder of src/ may import which; see docs/contributing.md, "The layer rule").
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The layers of src/ and the layers each may import (besides itself). The direction is
 * shared <- config <- providers <- policy <- client <- cli, and shared <- server <- direct <- cli: the server
 * never imports client, policy, providers, config or direct. `direct` (`mcp-sampling/server/direct`, the
 * opt-in direct-provider fallback) is the one layer on the server's side that loads the AI SDK. `ui` (the
 * dashboard and the client processes' link to it) sits between client and cli. Type-only imports count too.
 */
export const LAYERS = {
  shared: [],
  config: ['shared'],
  providers: ['config', 'shared'],
  policy: ['providers', 'config', 'shared'],
  client: ['policy', 'providers', 'config', 'shared'],
  server: ['shared'],
  direct: ['server', 'shared'],
  ui: ['client', 'policy', 'providers', 'config', 'shared'],
  cli: ['ui', 'client', 'policy', 'providers', 'config', 'server', 'direct', 'shared'],
};

/** Packages a layer may not import: the server holds no LLM SDK (a test also checks its import graph). */
const FORBIDDEN_PACKAGES = {
  server: [{ regex: '^(ai|@ai-sdk/.*)(/|$)', message: 'the server holds no LLM SDK: sampling asks the client.' }],
};

/** How deep below src/<layer>/ files may sit; one config block per depth keeps each relative path exact. */
export const MAX_DEPTH = 6;

/**
 * Folders of a layer another layer may import without taking the whole layer: `direct` reuses the client's
 * pure MCP <-> AI SDK mappings (src/client/map/) and nothing else of the client. test/layers.test.ts
 * proves both sides.
 */
export const OPENINGS = { direct: { client: ['map'] } };

/**
 * `no-restricted-imports` for one layer: from a file `depth` folders below src/<layer>/, src/ is exactly
 * `depth + 1` steps up, so `../../client/x.js` from src/server/tools/ is refused and a server folder that
 * happens to be named like a layer is not. (Flat config replaces a rule's options per block rather than
 * merging them, so each file must match exactly one of these blocks: the globs do not overlap.)
 */
function layerRules(layer) {
  const allowed = LAYERS[layer];
  const forbidden = Object.keys(LAYERS).filter((other) => other !== layer && !allowed.includes(other));
  const may = allowed.length === 0 ? 'nothing of ours' : allowed.map((name) => `src/${name}`).join(', ');
  const opened = OPENINGS[layer] ?? {};
  const also = Object.entries(opened).flatMap(([other, folders]) => folders.map((f) => `src/${other}/${f}`));
  const who = `src/${layer}`;
  const message = (other) =>
    `layer rule: ${who} may import ${[may, ...also].join(', ')}, not src/${other} (docs/contributing.md).`;
  const packages = FORBIDDEN_PACKAGES[layer] ?? [];
  // A layer opened for some of its folders: anything else below it (or the layer's own index) is refused.
  const target = (other) =>
    opened[other] === undefined ? `${other}(/|$)` : `${other}(/(?!(${opened[other].join('|')})/)|$)`;
  return Array.from({ length: MAX_DEPTH }, (_, depth) => {
    const up = `(\\.\\./){${depth + 1}}`;
    return {
      files: [`src/${layer}/${'*/'.repeat(depth)}*.ts`],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: [
              ...forbidden.map((other) => ({ regex: `^${up}${target(other)}`, message: message(other) })),
              ...packages,
            ],
          },
        ],
        // no-restricted-imports does not look at `import()`, which the CLI and the client use for lazy loading.
        // (esquery's regex literals cannot hold a slash: \x2F stands for it.)
        'no-restricted-syntax': [
          'error',
          TIMEOUT_IN_ANY,
          ...forbidden.map((other) => ({
            selector: `ImportExpression[source.value=/^${up.replaceAll('/', '\\x2F')}${target(other).replaceAll('/', '\\x2F')}/]`,
            message: message(other),
          })),
          ...packages.map(({ regex, message: text }) => ({
            selector: `ImportExpression[source.value=/${regex.replaceAll('/', '\\x2F')}/]`,
            message: text,
          })),
        ],
      },
    };
  });
}

/**
 * On Node 20 `AbortSignal.any([..., AbortSignal.timeout(ms)])` loses its timeout to a garbage collection (both
 * hold the timeout signal weakly): use deadlineSignal (src/shared/deadline-signal.ts).
 */
const TIMEOUT_IN_ANY = {
  selector:
    "CallExpression[callee.object.name='AbortSignal'][callee.property.name='any'] CallExpression[callee.object.name='AbortSignal'][callee.property.name='timeout']",
  message:
    'AbortSignal.timeout inside AbortSignal.any can be garbage-collected on Node 20 and never fire: use deadlineSignal (src/shared/deadline-signal.ts)',
};

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'bench/results.json'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    // The dashboard's page script runs in the browser (public/app.js, served by mcp-sampling ui).
    files: ['public/**/*.js'],
    languageOptions: {
      globals: Object.fromEntries(
        [
          'window',
          'document',
          'fetch',
          'EventSource',
          'Notification',
          'setInterval',
          'setTimeout',
          'clearTimeout',
          'console',
        ].map((name) => [name, 'readonly']),
      ),
    },
  },
  {
    // On stdio, stdout is the protocol: the server may only write to stderr.
    files: ['src/server/**/*.ts'],
    rules: { 'no-console': ['error', { allow: ['error', 'warn'] }] },
  },
  ...Object.keys(LAYERS).flatMap((layer) => layerRules(layer)),
);
