#!/usr/bin/env node
/**
 * The `mcp-sampling` command: wiring only. It builds the program; each subcommand registers itself from
 * src/cli/commands/<name>.ts (options shared between them: src/cli/options.ts). Subcommands:
 *   summarize <file>   the main job (server + client over stdio, offline by default)
 *   serve [--http]     the Document Assistant MCP server on stdio (any MCP host) or Streamable HTTP
 *   ask <file> <q>     ask a question about a file; the answer and the passages it cites
 *   bridge -- <cmd>    serve any MCP server to a host without sampling, answering its sampling here
 *   call <tool>        call any tool on any MCP server (stdio command or HTTP URL), answering its sampling
 *   config check       validate the client configuration, print it with secrets redacted
 *   budget reset       start the daily budget counters afresh (the way out of a corrupt state file)
 *   log [--last N]     the audit log of sampling requests
 *   ui [--port N]      the local dashboard: approvals in the browser, audit, usage, budgets
 *   auth login|logout|status   OAuth sign-ins to HTTP servers (tokens in ~/.mcp-sampling/oauth/)
 */
import { Command } from 'commander';

import { register as registerAsk } from './commands/ask.js';
import { register as registerAuth } from './commands/auth.js';
import { register as registerBridge } from './commands/bridge.js';
import { register as registerBudget } from './commands/budget.js';
import { register as registerCall } from './commands/call.js';
import { register as registerConfig } from './commands/config.js';
import { register as registerConformanceClient } from './commands/conformance-client.js';
import { register as registerLog } from './commands/log.js';
import { register as registerServe } from './commands/serve.js';
import { register as registerSummarize } from './commands/summarize.js';
import { register as registerUi } from './commands/ui.js';
import { PACKAGE_VERSION } from '../shared/version.js';
import { EXIT_BAD_INPUT } from './output.js';

const program = new Command()
  .name('mcp-sampling')
  .description('MCP sampling, both ends: a key-less server whose tools ask the client for completions, and the client.')
  .version(PACKAGE_VERSION, '-V, --version', 'print the version')
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

// In the order `--help` lists them.
for (const register of [
  registerSummarize,
  registerAsk,
  registerCall,
  registerBridge,
  registerConfig,
  registerBudget,
  registerLog,
  registerAuth,
  registerServe,
  registerUi,
  // Hidden from --help: the conformance suite's client command.
  registerConformanceClient,
]) {
  register(program);
}

// A reader that goes away early (`mcp-sampling summarize notes.txt | head -1`) closes stdout under us: stop
// quietly, as command-line tools do, instead of dying of an unhandled EPIPE with a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

oneLineUsageErrors(program);
await program.parseAsync(process.argv);
