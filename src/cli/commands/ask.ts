/**
 * `mcp-sampling ask <file> "<question>"`: its arguments and options. The job itself (src/cli/ask.ts) is
 * loaded when the command runs.
 */
import type { Command } from 'commander';

import type { EraMode } from '../../shared/era.js';
import { configOption, documentServerOption, eraOption, jsonOption, lossyOption, verboseOption } from '../options.js';
import { createOutput, fail } from '../output.js';

export function register(program: Command): void {
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
          // Our own server starts loading now, while this process loads its client side (early-server.ts).
          if (opts.server === undefined) (await import('../early-server.js')).startServerEarly(file);
          const { ask } = await import('../ask.js');
          await ask(file, question, opts, createOutput(opts));
        } catch (error) {
          fail(error, opts);
        }
      },
    );
}
