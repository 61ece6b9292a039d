/**
 * `mcp-sampling budget reset`: starts the daily budget counters afresh by replacing the state file with an
 * empty one. The way out when the file is corrupt (a day budget then refuses every request until it is
 * reset); a corrupt file is kept beside it as `<file>.corrupt`.
 */
import { resetBudgetState } from '../policy/budget.js';
import { loadConfig } from '../config/load.js';
import { loadClientEnv } from '../config/env.js';

export async function resetBudget(options: { config?: string | undefined; json: boolean }): Promise<void> {
  const loaded = loadConfig({ explicit: options.config, env: loadClientEnv() });
  const outcome = await resetBudgetState(loaded.statePath);
  if (options.json) {
    process.stdout.write(
      `${JSON.stringify({ ok: true, statePath: loaded.statePath, existed: outcome.existed, corruptCopy: outcome.corruptCopy ?? null })}\n`,
    );
    return;
  }
  const lines = !outcome.existed
    ? [`no budget state file at ${loaded.statePath}: nothing to reset`]
    : [
        `budget state reset: ${loaded.statePath} (the daily counters start from 0)`,
        ...(outcome.corruptCopy !== undefined ? [`the corrupt file was kept as ${outcome.corruptCopy}`] : []),
        'session counters belong to running clients: they reset when those clients restart',
      ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
