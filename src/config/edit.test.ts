/** planServerApproval / applyConfigEdit: the per-server approval written through the config schema, diff first. */
import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { applyConfigEdit, lineDiff, planServerApproval } from './edit.js';
import { loadConfig } from './load.js';

let dir: string | undefined;
afterEach(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});
const fileIn = (text?: string) => {
  dir = mkdtempSync(join(tmpdir(), 'mcp-sampling-edit-'));
  const file = join(dir, 'mcp-sampling.config.json');
  if (text !== undefined) writeFileSync(file, text);
  return file;
};

describe('planServerApproval', () => {
  it('keeps the rest of the file and the server entry, and shows only the added line as a change', async () => {
    const file = fileIn(
      JSON.stringify({ defaultModel: 'openai/gpt-4o', servers: { notes: { maxTokens: 500 } } }, null, 2),
    );
    const edit = planServerApproval(file, 'notes', 'deny');
    expect(edit.diff.filter((line) => !line.startsWith(' '))).toEqual([
      '-       "maxTokens": 500',
      '+       "maxTokens": 500,',
      '+       "approval": "deny"',
    ]);
    await applyConfigEdit(edit);
    const loaded = loadConfig({ explicit: file, env: {} });
    expect(loaded.config.servers['notes']).toEqual({ maxTokens: 500, approval: 'deny' });
    expect(loaded.config.defaultModel).toBe('openai/gpt-4o');
  });

  it('creates a missing file, and refuses a file that is invalid or changed since the diff', async () => {
    const file = fileIn();
    const edit = planServerApproval(file, 'notes', 'auto');
    expect(edit.exists).toBe(false);
    await applyConfigEdit(edit);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ servers: { notes: { approval: 'auto' } } });

    const stale = planServerApproval(file, 'other', 'auto');
    writeFileSync(file, JSON.stringify({ servers: {} }));
    await expect(applyConfigEdit(stale)).rejects.toThrow(/changed since the diff was shown/);

    writeFileSync(file, JSON.stringify({ servers: { notes: { maxTokens: -1 } } }));
    expect(() => planServerApproval(file, 'notes', 'auto')).toThrow(/servers\.notes\.maxTokens/);
    expect(() => planServerApproval(file, '*', 'auto')).toThrow(/cannot set a policy/);
  });
});

describe('a server that names itself after an object key', () => {
  it.each(['__proto__', 'constructor', 'prototype'])('%s: refused in one line, the file untouched', (name) => {
    const text = `${JSON.stringify({ servers: { '*': { approval: 'ask' } } }, null, 2)}\n`;
    const file = fileIn(text);
    let message = '';
    try {
      planServerApproval(file, name, 'auto');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe(`cannot set a policy for a server named '${name}': the name is reserved, not changed`);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });
});

describe('applyConfigEdit on a symlinked config', () => {
  it('writes through to the file the link points to, and the link stays a link', async () => {
    const file = fileIn();
    const target = join(dir!, 'dotfiles-config.json');
    writeFileSync(target, `${JSON.stringify({ servers: {} }, null, 2)}\n`);
    symlinkSync(target, file);
    await applyConfigEdit(planServerApproval(file, 'notes', 'deny'));
    expect(lstatSync(file).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(target, 'utf8'))).toEqual({ servers: { notes: { approval: 'deny' } } });
    expect(readdirSync(dir!).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});

describe('lineDiff', () => {
  it('marks removed and added lines around the common ones', () => {
    expect(lineDiff('a\nb\nc\n', 'a\nx\nc\n')).toEqual(['  a', '- b', '+ x', '  c']);
  });
});
