/**
 * `mcp-sampling conformance-client <url>`: hidden (not in `--help`). The client side of the official MCP
 * conformance suite runs it with a scenario's server URL appended and the scenario's name in
 * `MCP_CONFORMANCE_SCENARIO`; it does what that scenario asks through the real client (src/cli/conformance-client.ts).
 */
import type { Command } from 'commander';

import { EXIT_BAD_INPUT, fail } from '../output.js';

export function register(program: Command): void {
  program
    .command('conformance-client', { hidden: true })
    .description('run one scenario of the MCP conformance suite (client side) against <url>')
    .argument('<url>', "the scenario server's URL (the suite appends it)")
    .action(async (url: string) => {
      const { parseServerUrl } = await import('../../client/connect/http.js');
      try {
        parseServerUrl(url);
      } catch (error) {
        process.stderr.write(`mcp-sampling: error: ${(error as Error).message}\n`);
        process.exitCode = EXIT_BAD_INPUT;
        return;
      }
      try {
        const { runConformanceClient } = await import('../conformance-client.js');
        await runConformanceClient(url, process.env);
      } catch (error) {
        fail(error, { json: false, verbose: process.env['MCP_SAMPLING_VERBOSE'] === '1' });
      }
    });
}
