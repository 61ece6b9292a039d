/**
 * `mcp-sampling log [--last N]`: its options. The configuration (for the audit log's path) and the printer
 * (src/cli/log-command.ts) are loaded when the command runs.
 */
import { type Command, Option } from 'commander';

import { configOption, jsonOption, parsePositiveInt } from '../options.js';
import { fail } from '../output.js';

export function register(program: Command): void {
  program
    .command('log')
    .description('print the audit log of sampling requests, with totals per server and per model')
    .addOption(new Option('--last <n>', 'only the last N requests').argParser(parsePositiveInt))
    .addOption(configOption('configuration file (where the audit log is)'))
    .addOption(jsonOption('print the records as one JSON object'))
    .action(async (opts: { last?: number; config?: string; json: boolean }) => {
      try {
        const [{ loadConfig }, { loadClientEnv }, { printAuditLog }] = await Promise.all([
          import('../../config/load.js'),
          import('../../config/env.js'),
          import('../log-command.js'),
        ]);
        const loaded = loadConfig({ explicit: opts.config, env: loadClientEnv() });
        await printAuditLog(loaded.auditPath, opts.last, opts.json);
      } catch (error) {
        fail(error, { json: opts.json, verbose: false });
      }
    });
}
