/**
 * examples/host-with-handler, as a user runs it: type-checked against the built package (imported by name,
 * `mcp-sampling/client`), then run on both eras with a temporary audit log. What a user sees: the custom
 * model's summary, the prompter's decisions, and one audit line per request naming the host's model.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

import { describe, expect, it } from 'vitest';

import { ERAS } from './helpers/wire.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '..');
const EXAMPLE = join(ROOT, 'examples', 'host-with-handler');

describe('examples/host-with-handler', () => {
  it.each(ERAS)(
    'summarizes with the host model, the prompter approves and denies, the audit has both (%s era)',
    async (era) => {
      const home = mkdtempSync(join(tmpdir(), 'mcp-sampling-example-'));
      const auditPath = join(home, 'audit.jsonl');
      const { stdout } = await run(
        process.execPath,
        ['--import', 'tsx', join(EXAMPLE, 'host.ts'), '--era', era, '--audit', auditPath],
        // A temporary HOME: the budget state goes to ~/.mcp-sampling/state.json.
        { cwd: ROOT, timeout: 60_000, env: { ...process.env, HOME: home } },
      );
      expect(stdout).toContain(`connected to document-assistant, era ${era}`);
      expect(stdout).toMatch(/^prompter: approve document-assistant -> host\/headline, ~\d+ tokens/m);
      expect(stdout).toContain(
        'short document: Summary: In short: MCP sampling lets a server ask the client for a completion.',
      );
      expect(stdout).toMatch(/^prompter: deny document-assistant -> host\/headline/m);
      expect(stdout).toMatch(/^long document: refused: .*the user denied the sampling request \(over 500 tokens\)$/m);

      const lines = readFileSync(auditPath, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatchObject({
        server: 'document-assistant',
        era,
        approval: 'approved',
        outcome: 'ok',
        model: { provider: 'host', id: 'headline' },
      });
      expect(lines[1]).toMatchObject({
        approval: 'denied',
        outcome: 'denied',
        model: { provider: 'host', id: 'headline' },
      });
    },
  );
});
