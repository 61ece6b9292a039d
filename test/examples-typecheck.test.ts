/**
 * The examples type-check as a user's project would compile them (tsconfig.examples.json: nodenext,
 * strict, skipLibCheck false), against the built package (`mcp-sampling/*` resolves to dist/ through the
 * package's self-reference; `npm test` builds first). Their end-to-end runs are in their own tests.
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

/** The TypeScript files under examples/. */
function exampleFiles(): string[] {
  return readdirSync(join(ROOT, 'examples'), { recursive: true, encoding: 'utf8' }).filter(
    (file) => file.endsWith('.ts') && !file.split(/[\\/]/).includes('node_modules'),
  );
}

describe('examples/', () => {
  it('holds the three runnable projects the docs name', () => {
    const files = exampleFiles().map((file) => file.replaceAll('\\', '/'));
    expect(files).toEqual(
      expect.arrayContaining([
        'translation-server/server.ts',
        'host-with-handler/host.ts',
        'direct-fallback/server.ts',
      ]),
    );
  });

  it('type-check under nodenext, strict, skipLibCheck false', async () => {
    const outcome = await promisify(execFile)(process.execPath, [TSC, '-p', 'tsconfig.examples.json'], {
      cwd: ROOT,
    }).then(
      () => ({ ok: true, output: '' }),
      (error: { stdout?: string; stderr?: string }) => ({
        ok: false,
        output: `${error.stdout ?? ''}${error.stderr ?? ''}`,
      }),
    );
    expect(outcome.output).toBe('');
    expect(outcome.ok).toBe(true);
  }, 120_000);
});
