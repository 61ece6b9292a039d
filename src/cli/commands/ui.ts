/**
 * `mcp-sampling ui [--port 7077] [--no-open]`: its options. The dashboard itself (src/ui/start.ts, Hono)
 * is loaded when the command runs, so no other command pays for it.
 */
import { type Command, Option } from 'commander';

import { configOption, parsePort } from '../options.js';
import { CliError, fail } from '../output.js';

export function register(program: Command): void {
  program
    .command('ui')
    .description(
      'the local dashboard: approve sampling requests of every client process in the browser, read the audit log, usage and budgets',
    )
    .addOption(
      new Option('--port <port>', 'the port on 127.0.0.1 (0: any free port)').argParser(parsePort).default(7077),
    )
    .option('--no-open', 'print the URL only; do not open the browser')
    .addOption(configOption('configuration file (budgets, rate limits, where the audit log is)'))
    .action(async (opts: { port: number; open: boolean; config?: string }) => {
      try {
        const { startDashboard, DashboardStartError } = await import('../../ui/start.js');
        try {
          await startDashboard(opts);
        } catch (error) {
          if (error instanceof DashboardStartError) throw new CliError(error.message, { exitCode: error.exitCode });
          throw error;
        }
      } catch (error) {
        fail(error, { json: false, verbose: false });
      }
    });
}
