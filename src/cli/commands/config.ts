/**
 * `mcp-sampling config check`: its options. The check itself (src/cli/config-command.ts) is loaded when
 * the command runs.
 */
import type { Command } from 'commander';

import { configOption, jsonOption } from '../options.js';
import { fail } from '../output.js';

export function register(program: Command): void {
  const config = program.command('config').description('inspect the client configuration');
  config
    .command('check')
    .description(
      'validate the configuration and print the effective one, secrets redacted (non-zero exit when invalid)',
    )
    .addOption(configOption('configuration file (default: ./mcp-sampling.config.json or MCP_SAMPLING_CONFIG)'))
    .addOption(jsonOption())
    .action(async (opts: { config?: string; json: boolean }) => {
      try {
        const { checkConfig } = await import('../config-command.js');
        checkConfig(opts);
      } catch (error) {
        fail(error, { json: opts.json, verbose: false });
      }
    });
}
