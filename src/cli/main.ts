#!/usr/bin/env node
/**
 * The `mcp-sampling` command: wiring only. Subcommands:
 *   summarize <file>   the main job (server + client over stdio, offline by default)
 *   serve [--http]     the Document Assistant MCP server on stdio (any MCP host) or Streamable HTTP
 *   ask <file> <q>     ask a question about a file; the answer and the passages it cites
 *   call <tool>        call any tool on any MCP server (stdio command or HTTP URL), answering its sampling
 *   config check       validate the client configuration, print it with secrets redacted
 *   budget reset       start the daily budget counters afresh (the way out of a corrupt state file)
 *   log [--last N]     the audit log of sampling requests
 */
import { readFileSync } from 'node:fs';

import { Command, InvalidArgumentError, Option } from 'commander';

import { CONTEXT_TOKENS_MAX, CONTEXT_TOKENS_MIN, CONTEXT_TOKENS_RANGE } from '../shared/context-tokens.js';
import { ERA_MODES, type EraMode } from '../shared/era.js';
import { CliError, createOutput, errorText } from './output.js';
import { DocumentReadError } from './read-document.js';

/** Exit codes: 0 success, 1 the job failed, 2 bad input (arguments, file). */
const EXIT_FAILURE = 1;
const EXIT_BAD_INPUT = 2;

/** The package's version (package.json sits two levels above both src/cli/ and dist/cli/). */
const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** Digits only: `Number()` would also take `1e3`, `0x10` and ` 12 `. */
function parseInteger(value: string, min: number, max: number, range: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new InvalidArgumentError(`expected ${range}`);
  return n;
}

function parsePositiveInt(value: string): number {
  return parseInteger(value, 1, Number.MAX_SAFE_INTEGER, 'a positive integer');
}

function parseNonNegativeInt(value: string): number {
  return parseInteger(value, 0, Number.MAX_SAFE_INTEGER, 'a non-negative integer');
}

function parseContextTokens(value: string): number {
  return parseInteger(value, CONTEXT_TOKENS_MIN, CONTEXT_TOKENS_MAX, CONTEXT_TOKENS_RANGE);
}

function parsePort(value: string): number {
  return parseInteger(value, 0, 65_535, 'a port from 0 to 65535 (0: any free port)');
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function fail(error: unknown, options: { json: boolean; verbose: boolean }): void {
  const message = errorText(error);
  const reported = error instanceof CliError && error.reported;
  if (options.json && !reported) process.stdout.write(`${JSON.stringify({ ok: false, error: message })}\n`);
  if (!options.json) process.stderr.write(`mcp-sampling: error: ${message}\n`);
  if (options.verbose && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  const badInput =
    error instanceof DocumentReadError ||
    (error instanceof Error && (error.name === 'ConfigError' || error.name === 'UsageError'));
  process.exitCode = badInput ? EXIT_BAD_INPUT : error instanceof CliError ? error.exitCode : EXIT_FAILURE;
}

/** The options every client command shares. */
const eraOption = () =>
  new Option('--era <mode>', 'protocol era: legacy (2025-11-25), modern (2026-07-28) or auto')
    .choices(ERA_MODES)
    .default('auto');
const configOption = () =>
  new Option(
    '--config <file>',
    'client configuration file (default: ./mcp-sampling.config.json or MCP_SAMPLING_CONFIG)',
  );
const jsonOption = () => new Option('--json', 'print one machine-readable JSON object').default(false);
const lossyOption = () =>
  new Option('--lossy', 'replace invalid UTF-8 with U+FFFD (and count it) instead of refusing the file').default(false);
const documentServerOption = () =>
  new Option('--server <url>', 'use the Document Assistant at this Streamable HTTP URL instead of spawning one');
const verboseOption = () =>
  new Option('--verbose', 'show why each model was chosen, the server log, and stack traces').default(false);

const program = new Command()
  .name('mcp-sampling')
  .description('MCP sampling, both ends: a key-less server whose tools ask the client for completions, and the client.')
  .version(VERSION, '-V, --version', 'print the version')
  .exitOverride((error) => {
    // Usage errors (unknown option, missing argument) exit with the bad-input code; help/version with 0.
    process.exit(error.exitCode === 0 ? 0 : EXIT_BAD_INPUT);
  });

/** `mcp-sampling config check`: the words to type for a command's help. */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let at: Command | null = command; at !== null; at = at.parent) names.unshift(at.name());
  return names.join(' ');
}

/**
 * Usage errors as one line with a pointer to the help, instead of commander's error followed by the whole
 * help text: "error: unknown option '--foo' (see mcp-sampling summarize --help)". Commander's suggestion
 * ("(Did you mean --json?)", on a line of its own) joins the line.
 */
function oneLineUsageErrors(command: Command): void {
  command.showHelpAfterError(false).configureOutput({
    outputError: (text, write) => {
      const [first = '', ...rest] = text.trim().split('\n');
      const suggestion = /^\(Did you mean (.+)\?\)$/.exec(rest.join(' ').trim());
      write(
        `${first.replace(/\.$/, '')}${suggestion !== null ? `, did you mean ${suggestion[1]}?` : ''} ` +
          `(see ${commandPath(command)} --help)\n`,
      );
    },
  });
  for (const sub of command.commands) oneLineUsageErrors(sub);
}

program
  .command('summarize')
  .description('summarize a text file through the Document Assistant server, answering its sampling request')
  .argument('<file>', 'the text file to summarize (UTF-8 or UTF-16 with BOM)')
  .addOption(eraOption())
  .addOption(configOption())
  .addOption(lossyOption())
  .addOption(
    new Option(
      '--context-tokens <n>',
      `context window to size chunks for, ${CONTEXT_TOKENS_MIN}–${CONTEXT_TOKENS_MAX.toLocaleString('en-US')} (default 8192)`,
    ).argParser(parseContextTokens),
  )
  .addOption(documentServerOption())
  .addOption(jsonOption())
  .addOption(verboseOption())
  .action(
    async (
      file: string,
      opts: {
        era: EraMode;
        config?: string;
        json: boolean;
        verbose: boolean;
        lossy: boolean;
        contextTokens?: number;
        server?: string;
      },
    ) => {
      try {
        // Loaded on demand: `serve` must not load the client's model SDKs, and start-up stays short.
        const { summarize } = await import('./summarize.js');
        await summarize(file, opts, createOutput(opts));
      } catch (error) {
        fail(error, opts);
      }
    },
  );

program
  .command('ask')
  .description('ask a question about a text file; prints the answer and the passages it cites')
  .argument('<file>', 'the text file (UTF-8 or UTF-16 with BOM)')
  .argument('<question>', 'the question, quoted')
  .addOption(eraOption())
  .addOption(configOption())
  .addOption(lossyOption())
  .addOption(documentServerOption())
  .addOption(jsonOption())
  .addOption(verboseOption())
  .action(
    async (
      file: string,
      question: string,
      opts: { era: EraMode; config?: string; json: boolean; verbose: boolean; lossy: boolean; server?: string },
    ) => {
      try {
        const { ask } = await import('./ask.js');
        await ask(file, question, opts, createOutput(opts));
      } catch (error) {
        fail(error, opts);
      }
    },
  );

program
  .command('call')
  .description('call a tool on any MCP server, answering its sampling requests under your policy, and print the result')
  .usage('<tool> [--args JSON] (--server <url> | -- <command> [args…])')
  .argument('<tool>', 'the tool to call')
  .argument('[command...]', 'after --: the command that starts a stdio server, with its arguments')
  .option('--args <json>', 'the tool arguments, a JSON object (default {})')
  .option('--server <url>', 'a Streamable HTTP server (bearer token: MCP_SAMPLING_SERVER_TOKEN)')
  .addOption(eraOption())
  .addOption(configOption())
  .option('--root <dir>', 'a directory the server may read (declared as an MCP root; repeatable)', collect)
  .addOption(
    new Option(
      '--timeout <seconds>',
      'give up when connecting (the era probe included) takes this long (default 60), or the call shows no progress for this long (default 600)',
    ).argParser(parsePositiveInt),
  )
  .option('--json', 'print one machine-readable JSON object with the whole result', false)
  .option('--verbose', 'show why each model was chosen, the server log, and stack traces', false)
  .action(
    async (
      tool: string,
      command: string[],
      opts: {
        args?: string;
        server?: string;
        era: EraMode;
        config?: string;
        root?: string[];
        timeout?: number;
        json: boolean;
        verbose: boolean;
      },
    ) => {
      try {
        const { call } = await import('./call.js');
        await call(
          tool,
          command,
          { ...opts, timeout: opts.timeout === undefined ? undefined : opts.timeout * 1000 },
          createOutput(opts),
        );
      } catch (error) {
        fail(error, opts);
      }
    },
  );

const config = program.command('config').description('inspect the client configuration');
config
  .command('check')
  .description('validate the configuration and print the effective one, secrets redacted (non-zero exit when invalid)')
  .option('--config <file>', 'configuration file (default: ./mcp-sampling.config.json or MCP_SAMPLING_CONFIG)')
  .option('--json', 'print one machine-readable JSON object', false)
  .action(async (opts: { config?: string; json: boolean }) => {
    try {
      const { checkConfig } = await import('./config-command.js');
      checkConfig(opts);
    } catch (error) {
      fail(error, { json: opts.json, verbose: false });
    }
  });

const budget = program.command('budget').description('the token and dollar budgets kept in the state file');
budget
  .command('reset')
  .description(
    'start the daily budget counters afresh: the state file is emptied (a corrupt one is kept as <file>.corrupt)',
  )
  .option('--config <file>', 'configuration file (where the state file is)')
  .option('--json', 'print one machine-readable JSON object', false)
  .action(async (opts: { config?: string; json: boolean }) => {
    try {
      const { resetBudget } = await import('./budget-command.js');
      await resetBudget(opts);
    } catch (error) {
      fail(error, { json: opts.json, verbose: false });
    }
  });

program
  .command('log')
  .description('print the audit log of sampling requests, with totals per server and per model')
  .addOption(new Option('--last <n>', 'only the last N requests').argParser(parsePositiveInt))
  .option('--config <file>', 'configuration file (where the audit log is)')
  .option('--json', 'print the records as one JSON object', false)
  .action(async (opts: { last?: number; config?: string; json: boolean }) => {
    try {
      const [{ loadConfig }, { loadClientEnv }, { printAuditLog }] = await Promise.all([
        import('../config/load.js'),
        import('../config/env.js'),
        import('./log-command.js'),
      ]);
      const loaded = loadConfig({ explicit: opts.config, env: loadClientEnv() });
      await printAuditLog(loaded.auditPath, opts.last, opts.json);
    } catch (error) {
      fail(error, { json: opts.json, verbose: false });
    }
  });

interface ServeOptions {
  contextTokens?: number;
  concurrency?: number;
  samplingTimeout?: number;
  profile: 'default' | 'conformance';
  http: boolean;
  port: number;
  host: string;
  allowedHost?: string[];
  allowedOrigin?: string[];
  allowDir?: string[];
  maxBodyMb?: number;
  sessionIdle?: number;
  drainTimeout?: number;
}

program
  .command('serve')
  .description(
    'run the Document Assistant MCP server on stdio (for Claude Desktop, VS Code, the MCP Inspector, …) or, with --http, on Streamable HTTP',
  )
  .addOption(
    new Option(
      '--context-tokens <n>',
      `context window long documents are split for, ${CONTEXT_TOKENS_MIN}–${CONTEXT_TOKENS_MAX.toLocaleString('en-US')} (default 8192)`,
    ).argParser(parseContextTokens),
  )
  .addOption(
    new Option(
      '--concurrency <n>',
      'sampling requests in flight per tool call on 2025-era connections (default 4)',
    ).argParser(parsePositiveInt),
  )
  .addOption(
    new Option(
      '--sampling-timeout <seconds>',
      'how long one pushed sampling request may wait for the client, reset by progress (default 600)',
    ).argParser(parsePositiveInt),
  )
  .addOption(
    new Option('--profile <name>', "tool set: default, or conformance (adds the conformance suite's test_* tools)")
      .choices(['default', 'conformance'])
      .default('default'),
  )
  .option('--http', 'serve Streamable HTTP at /mcp instead of stdio (token: MCP_SAMPLING_HTTP_TOKEN)', false)
  .addOption(new Option('--port <n>', 'HTTP port, 0–65535 (0: any free one)').default(3000).argParser(parsePort))
  .option('--host <address>', 'HTTP interface to bind', '127.0.0.1')
  .option(
    '--allowed-host <name>',
    'another accepted Host header name (repeatable; loopback names are accepted on a loopback bind)',
    collect,
  )
  .option(
    '--allowed-origin <name>',
    'another accepted browser Origin host name (repeatable; loopback is always accepted)',
    collect,
  )
  .option(
    '--allow-dir <dir>',
    "with --http: a directory whose files tools may read by path (repeatable; default none). A client's roots only narrow it",
    collect,
  )
  .addOption(
    new Option('--max-body-mb <n>', 'largest request body in MB, larger ones get 413 (default 64)').argParser(
      parsePositiveInt,
    ),
  )
  .addOption(
    new Option(
      '--session-idle <seconds>',
      'close a 2025-era HTTP session after this long with no request (default 1800)',
    ).argParser(parsePositiveInt),
  )
  .addOption(
    new Option(
      '--drain-timeout <seconds>',
      'on SIGTERM, how long calls in flight may finish before they are closed (default 30)',
    ).argParser(parseNonNegativeInt),
  )
  .action(async (opts: ServeOptions) => {
    if (!opts.http && opts.allowDir !== undefined) {
      // Over stdio the client spawned the server on its own machine, and its roots are the rule.
      process.stderr.write(
        "mcp-sampling serve: error: --allow-dir applies only with --http (over stdio the client's roots decide which files are read)\n",
      );
      process.exitCode = EXIT_BAD_INPUT;
      return;
    }
    try {
      const server = {
        contextTokens: opts.contextTokens,
        concurrency: opts.concurrency,
        samplingTimeoutMs: opts.samplingTimeout === undefined ? undefined : opts.samplingTimeout * 1000,
        profile: opts.profile,
      };
      if (!opts.http) {
        const { runStdioServer } = await import('../server/transports/stdio.js');
        await runStdioServer(server);
        return;
      }
      const { runHttpServer } = await import('../server/transports/http/serve-http.js');
      await runHttpServer({
        ...server,
        port: opts.port,
        host: opts.host,
        allowedHosts: opts.allowedHost,
        allowedOrigins: opts.allowedOrigin,
        allowDirs: opts.allowDir,
        maxBodyBytes: opts.maxBodyMb === undefined ? undefined : opts.maxBodyMb * 1024 * 1024,
        sessionIdleMs: opts.sessionIdle === undefined ? undefined : opts.sessionIdle * 1000,
        drainMs: opts.drainTimeout === undefined ? undefined : opts.drainTimeout * 1000,
      });
    } catch (error) {
      process.stderr.write(`mcp-sampling serve: error: ${(error as Error).message}\n`);
      // A bad --allow-dir is bad input; anything else (a port in use, …) is a failure to serve.
      process.exitCode = (error as Error).name === 'AllowDirError' ? EXIT_BAD_INPUT : EXIT_FAILURE;
    }
  });

oneLineUsageErrors(program);
await program.parseAsync(process.argv);
