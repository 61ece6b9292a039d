/**
 * `mcp-sampling bridge (--server <url> | -- <command> [args…])`: its arguments and options. The bridge
 * itself (src/cli/bridge/run-bridge.ts) is loaded when the command runs.
 */
import { type Command, Option } from 'commander';

import type { EraMode } from '../../shared/era.js';
import { configOption, eraOption, parsePositiveInt, rootOption, serverUrlOption, verboseOption } from '../options.js';
import { fail } from '../output.js';

export function register(program: Command): void {
  program
    .command('bridge')
    .description(
      'serve any MCP server on stdio to a host without sampling (Claude Code, Claude Desktop, Cursor), answering its sampling requests with your models',
    )
    .usage('(--server <url> | -- <command> [args…])')
    .argument('[command...]', 'after --: the command that starts the stdio server, with its arguments')
    .addOption(serverUrlOption())
    .addOption(eraOption())
    .addOption(configOption())
    .addOption(rootOption())
    .addOption(
      new Option(
        '--timeout <seconds>',
        'give up when connecting to the server (the era probe included) takes this long (default 30)',
      ).argParser(parsePositiveInt),
    )
    .addOption(verboseOption())
    .action(
      async (
        command: string[],
        opts: { server?: string; era: EraMode; config?: string; root?: string[]; timeout?: number; verbose: boolean },
      ) => {
        try {
          const { resolveTarget } = await import('../call.js');
          const target = resolveTarget(opts.server, command);
          if (target.kind === 'http') {
            const { parseServerUrl } = await import('../../client/connect/http.js');
            parseServerUrl(target.url);
          }
          const { runBridge } = await import('../bridge/run-bridge.js');
          await runBridge({
            target,
            era: opts.era,
            config: opts.config,
            roots: opts.root ?? [],
            timeoutMs: opts.timeout === undefined ? undefined : opts.timeout * 1000,
            verbose: opts.verbose,
          });
          // Nothing else may keep the process alive once the host has gone (an audit write that hangs).
          setTimeout(() => process.exit(), 2000).unref();
        } catch (error) {
          fail(error, { json: false, verbose: opts.verbose });
        }
      },
    );
}
