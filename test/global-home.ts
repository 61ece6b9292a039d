/**
 * Vitest global setup: the whole suite runs with HOME pointing at a fresh, empty directory (never the
 * user's real home), and the run fails if any test left a file there (the client's audit log and budget
 * state live in `~/.mcp-sampling/` by default). A test that runs the CLI
 * or a sampling runtime must give it a temporary home or explicit state and audit paths of its own.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

/** Files under the sentinel home, as paths relative to it (a missing directory has none). */
function filesUnder(dir: string, prefix = ''): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`],
  );
}

export default function setup(): () => void {
  const home = mkdtempSync(join(tmpdir(), 'mcp-sampling-sentinel-home-'));
  // npm's own cache stays where `npm ci` filled it (the HOME the suite started with), so that the package
  // test installs from it instead of the registry; nothing of ours is written there.
  process.env['npm_config_cache'] ??= join(process.env['HOME'] ?? homedir(), '.npm');
  // Set before the workers start, so every test process (and every CLI it spawns) inherits it.
  process.env['HOME'] = home;
  process.env['USERPROFILE'] = home;
  return () => {
    const left = filesUnder(home);
    rmSync(home, { recursive: true, force: true });
    if (left.length > 0) {
      // Vitest reports an error thrown here but still exits 0: set the exit code so the run fails.
      process.exitCode = 1;
      throw new Error(
        `tests wrote into HOME (${left.map((file) => `~/${file}`).join(', ')}): ` +
          'give the CLI or runtime a temporary HOME or explicit state and audit paths',
      );
    }
  };
}
