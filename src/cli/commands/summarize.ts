/**
 * `mcp-sampling summarize <file>`: its arguments and options. The job itself (src/cli/summarize.ts) is
 * loaded when the command runs.
 */
import type { Command } from 'commander';

import type { EraMode } from '../../shared/era.js';
import {
  configOption,
  contextTokensOption,
  documentServerOption,
  eraOption,
  jsonOption,
  lossyOption,
  verboseOption,
} from '../options.js';
import { createOutput, fail } from '../output.js';

export function register(program: Command): void {
  program
    .command('summarize')
    .description('summarize a text file through the Document Assistant server, answering its sampling request')
    .argument('<file>', 'the text file to summarize (UTF-8 or UTF-16 with BOM)')
    .addOption(eraOption())
    .addOption(configOption())
    .addOption(lossyOption())
    .addOption(contextTokensOption('context window to size chunks for'))
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
          // Our own server starts loading now, while this process loads its client side (early-server.ts).
          if (opts.server === undefined) (await import('../early-server.js')).startServerEarly(file);
          // Loaded on demand: `serve` must not load the client's model SDKs, and start-up stays short.
          const { summarize } = await import('../summarize.js');
          await summarize(file, opts, createOutput(opts));
        } catch (error) {
          fail(error, opts);
        }
      },
    );
}
