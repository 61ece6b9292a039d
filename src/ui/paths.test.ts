import * as fs from 'node:fs';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it, vi } from 'vitest';

const race = vi.hoisted(() => ({ before: undefined as (() => void) | undefined }));
vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof fs>();
  return {
    ...actual,
    linkSync: (existing: fs.PathLike, name: fs.PathLike) => {
      race.before?.();
      return actual.linkSync(existing, name);
    },
  };
});

const { ensureToken, readToken, uiPaths } = await import('./paths.js');

let home: string | undefined;
afterEach(() => {
  race.before = undefined;
  if (home !== undefined) rmSync(home, { recursive: true, force: true });
  home = undefined;
});

describe('ensureToken', () => {
  it('creates the token once, 0600, and returns the same one after', () => {
    home = mkdtempSync(join(tmpdir(), 'mcp-sampling-paths-'));
    const token = ensureToken(home);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(statSync(uiPaths(home).token).mode & 0o777).toBe(0o600);
    expect(ensureToken(home)).toBe(token);
  });

  it('when another first start wins the race, returns the winner\u2019s token and leaves no temporary file', () => {
    home = mkdtempSync(join(tmpdir(), 'mcp-sampling-paths-'));
    const winner = 'w'.repeat(43);
    const dir = home;
    race.before = () => {
      // The other process links its token file in between this one's check and its link.
      fs.writeFileSync(uiPaths(dir).token, `${winner}\n`, { mode: 0o600 });
    };
    expect(ensureToken(home)).toBe(winner);
    expect(readToken(home)).toBe(winner);
    expect(readFileSync(uiPaths(home).token, 'utf8')).toBe(`${winner}\n`);
    expect(readdirSync(uiPaths(home).dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});
