/**
 * `mcp-sampling call <tool> [--args JSON] (--server <url> | -- <command> [args…])`: its arguments and
 * options. The job itself (src/cli/call.ts) is loaded when the command runs.
 */
import { type Command, Option } from 'commander';

import type { EraMode } from '../../shared/era.js';
import {
  configOption,
  eraOption,
  jsonOption,
  parsePositiveInt,
  rootOption,
  serverUrlOption,
  verboseOption,
} from '../options.js';
import { createOutput, fail } from '../output.js';

export function register(program: Command): void {
  program
    .command('call')
    .description(
      'call a tool on any MCP server, answering its sampling requests under your policy, and print the result',
    )
    .usage('<tool> [--args JSON] (--server <url> | -- <command> [args…])')
    .argument('<tool>', 'the tool to call')
    .argument('[command...]', 'after --: the command that starts a stdio server, with its arguments')
    .option('--args <json>', 'the tool arguments, a JSON object (default {})')
    .addOption(serverUrlOption())
    .addOption(eraOption())
    .addOption(configOption())
    .addOption(rootOption())
    .addOption(
      new Option(
        '--timeout <seconds>',
        'give up when connecting (the era probe included) takes this long (default 60), or the call shows no progress for this long (default 600)',
      ).argParser(parsePositiveInt),
    )
    .addOption(jsonOption('print one machine-readable JSON object with the whole result'))
    .addOption(verboseOption())
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
          const { call } = await import('../call.js');
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
}
