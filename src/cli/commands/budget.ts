/**
 * `mcp-sampling budget reset`: its options. The reset itself (src/cli/budget-command.ts) is loaded when
 * the command runs.
 */
import type { Command } from 'commander';

import { configOption, jsonOption } from '../options.js';
import { fail } from '../output.js';

export function register(program: Command): void {
  const budget = program.command('budget').description('the token and dollar budgets kept in the state file');
  budget
    .command('reset')
    .description(
      'start the daily budget counters afresh: the state file is emptied (a corrupt one is kept as <file>.corrupt)',
    )
    .addOption(configOption('configuration file (where the state file is)'))
    .addOption(jsonOption())
    .action(async (opts: { config?: string; json: boolean }) => {
      try {
        const { resetBudget } = await import('../budget-command.js');
        await resetBudget(opts);
      } catch (error) {
        fail(error, { json: opts.json, verbose: false });
      }
    });
}
