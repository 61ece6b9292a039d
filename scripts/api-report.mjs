/**
 * The API reports of the public entry points, with API Extractor (`@microsoft/api-extractor`): one report
 * per `exports` entry, read from the built declarations in dist/, checked in under api/.
 *
 *   node scripts/api-report.mjs           writes api/<entry>.api.md (after a deliberate API change)
 *   node scripts/api-report.mjs --check   fails when a report differs from the built surface (CI)
 *
 * `npm run api` and `npm run api:check` build dist/ first. Offline: API Extractor only reads files.
 */
import { spawnSync } from 'node:child_process';
import console from 'node:console';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';

import { Extractor, ExtractorConfig } from '@microsoft/api-extractor';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHECK = process.argv.includes('--check');
const TEMP = join(ROOT, '.cache', 'api-extractor');

/** package.json `exports` subpath -> the report's file name (without `.api.md`). */
function reportName(subpath) {
  return subpath === '.' ? 'mcp-sampling' : `mcp-sampling-${subpath.slice(2).replaceAll('/', '-')}`;
}

/** Every `exports` entry that has types: the public entry points (`./package.json` has none). */
function entryPoints() {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  return Object.entries(pkg.exports)
    .filter(([, target]) => typeof target === 'object' && typeof target.types === 'string')
    .map(([subpath, target]) => ({ subpath, types: join(ROOT, target.types), name: reportName(subpath) }));
}

/** The API Extractor configuration of one entry point: the report only (no rollup, no doc model). */
function configFor(entry) {
  return {
    projectFolder: ROOT,
    mainEntryPointFilePath: entry.types,
    bundledPackages: [],
    compiler: {
      // The declarations as a consumer compiles them (the settings of test/package.e2e.test.ts's consumer),
      // not the repository's tsconfig.json, which holds the tests.
      overrideTsconfig: {
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          types: ['node'],
          strict: true,
        },
        files: [entry.types],
      },
    },
    apiReport: {
      enabled: true,
      reportFileName: entry.name,
      reportFolder: join(ROOT, 'api'),
      reportTempFolder: TEMP,
    },
    docModel: { enabled: false },
    dtsRollup: { enabled: false },
    tsdocMetadata: { enabled: false },
    messages: {
      compilerMessageReporting: { default: { logLevel: 'warning' } },
      extractorMessageReporting: {
        default: { logLevel: 'warning' },
        // We do not tag exports @public/@beta: everything an entry point exports is public.
        'ae-missing-release-tag': { logLevel: 'none' },
        // Doc comments are the docs' business (every public export has one, see docs/contributing.md).
        'ae-undocumented': { logLevel: 'none' },
        // A type reachable from the API but not exported by name: noted in the report, so it shows in review.
        'ae-forgotten-export': { logLevel: 'none', addToApiReportFile: true },
      },
      // Our doc comments are JSDoc, not strict TSDoc; the report is about signatures.
      tsdocMessageReporting: { default: { logLevel: 'none' } },
    },
  };
}

/** The difference between the checked-in report and the built surface, for the CI log (git's diff, if any). */
function showDiff(entry) {
  const committed = join(ROOT, 'api', `${entry.name}.api.md`);
  const built = join(TEMP, `${entry.name}.api.md`);
  if (!existsSync(committed)) return;
  spawnSync('git', ['--no-pager', 'diff', '--no-index', '--', committed, built], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

mkdirSync(TEMP, { recursive: true });
const changed = [];
let failed = false;
for (const entry of entryPoints()) {
  const config = ExtractorConfig.prepare({
    configObject: configFor(entry),
    configObjectFullPath: join(ROOT, 'api', `${entry.name}.api-extractor.json`),
    packageJsonFullPath: join(ROOT, 'package.json'),
  });
  const result = Extractor.invoke(config, { localBuild: !CHECK, showVerboseMessages: false });
  if (result.apiReportChanged) changed.push(entry);
  if (CHECK && result.apiReportChanged) showDiff(entry);
  if (result.errorCount > 0 || (CHECK && !result.succeeded && !result.apiReportChanged)) failed = true;
  const report = `api/${entry.name}.api.md`;
  console.error(
    `${entry.subpath === '.' ? 'mcp-sampling' : `mcp-sampling/${entry.subpath.slice(2)}`}: ${report}${result.apiReportChanged ? (CHECK ? ' differs' : ' updated') : ' unchanged'}`,
  );
}
if (CHECK && changed.length > 0) {
  console.error(
    `The public API changed without its report (${changed.map((entry) => `api/${entry.name}.api.md`).join(', ')}). ` +
      `If the change is deliberate, run \`npm run api\`, review the diff and commit it (and note it in CHANGELOG.md). ` +
      `The new surface is in .cache/api-extractor/.`,
  );
  process.exitCode = 1;
}
if (failed) process.exitCode = 1;
