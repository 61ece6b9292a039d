/**
 * The file-access policies on their own, with a stand-in for the tool call's view of the client: what the
 * HTTP rule does with roots that are not file:// or not declared, directories named through a link, and the
 * start-up check of `--allow-dir`.
 */
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import type { Root } from '@modelcontextprotocol/server';
import { beforeAll, describe, expect, it } from 'vitest';

import {
  allowedDirectoriesAccess,
  checkAllowedDirectories,
  clientRootsAccess,
  NO_FILES_OVER_HTTP,
  type ClientRootsSource,
} from './file-access.js';

let base: string;
let docs: string;
beforeAll(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'mcp-sampling-file-access-')));
  docs = join(base, 'docs');
  mkdirSync(docs);
  writeFileSync(join(docs, 'a.txt'), 'alpha');
  writeFileSync(join(base, 'b.txt'), 'beta');
  symlinkSync(docs, join(base, 'docs-link'));
});

/** A client that declares `roots` (undefined: declares no roots capability); counts roots/list requests. */
function client(roots: Root[] | undefined): ClientRootsSource & { asked: () => number } {
  let asked = 0;
  return {
    capabilities: roots === undefined ? {} : { roots: {} },
    roots: () => {
      asked += 1;
      return roots === undefined ? Promise.reject(new Error('no roots')) : Promise.resolve(roots);
    },
    asked: () => asked,
  };
}

const root = (dir: string): Root => ({ uri: pathToFileURL(dir).href, name: dir });

describe('allowedDirectoriesAccess (HTTP)', () => {
  it('with no directory refuses every path without asking the client anything', async () => {
    const access = allowedDirectoriesAccess([]);
    const claimed = client([root('/')]);
    await expect(access.resolve(join(docs, 'a.txt'), claimed)).rejects.toThrow(NO_FILES_OVER_HTTP);
    expect(claimed.asked()).toBe(0);
  });

  it('reads inside the directories alone when the client declares no roots, or none that is file://', async () => {
    const access = allowedDirectoriesAccess([docs]);
    const none = client(undefined);
    await expect(access.resolve('a.txt', none)).resolves.toMatchObject({ path: join(docs, 'a.txt'), bytes: 5 });
    expect(none.asked()).toBe(0);
    const web = client([{ uri: 'https://example.com/', name: 'web' }]);
    await expect(access.resolve('a.txt', web)).resolves.toMatchObject({ path: join(docs, 'a.txt') });
    await expect(access.resolve(join(base, 'b.txt'), web)).rejects.toThrow(
      /outside the directories this server allows/,
    );
  });

  it('never names the allowed directories in a refusal', async () => {
    const access = allowedDirectoriesAccess([docs]);
    const refusal = await access.resolve('../b.txt', client(undefined)).catch((error: Error) => error.message);
    expect(refusal).toBe('../b.txt is outside the directories this server allows');
    expect(access.rule).not.toContain(docs);
  });
});

describe('clientRootsAccess (stdio)', () => {
  it("reads what the client's roots hold, also through a root named by a link", async () => {
    const access = clientRootsAccess();
    await expect(access.resolve('a.txt', client([root(join(base, 'docs-link'))]))).resolves.toMatchObject({
      path: join(docs, 'a.txt'),
    });
    await expect(access.resolve(join(base, 'b.txt'), client([root(docs)]))).rejects.toThrow(
      /outside the client's roots/,
    );
  });
});

describe('checkAllowedDirectories', () => {
  it('returns real paths, and says in one line which --allow-dir is missing or not a directory', async () => {
    await expect(checkAllowedDirectories([join(base, 'docs-link')])).resolves.toEqual([docs]);
    await expect(checkAllowedDirectories([join(base, 'nope')])).rejects.toThrow(
      `--allow-dir ${join(base, 'nope')}: no such directory`,
    );
    await expect(checkAllowedDirectories([join(base, 'b.txt')])).rejects.toThrow(
      `--allow-dir ${join(base, 'b.txt')}: not a directory`,
    );
  });
});
