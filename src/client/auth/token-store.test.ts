import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { createTokenStore, OAuthStoreError, serverKey } from './token-store.js';

const tokens = { access_token: 'secret-access', token_type: 'Bearer', refresh_token: 'secret-refresh' };

function store() {
  return createTokenStore(join(mkdtempSync(join(tmpdir(), 'mcp-sampling-tokens-')), 'oauth'));
}

describe('the OAuth token store', () => {
  it('writes one file per server, mode 0600 in a 0700 directory', () => {
    const s = store();
    s.write({ serverUrl: 'https://a.example/mcp', tokens });
    s.write({ serverUrl: 'https://b.example/mcp', tokens: { ...tokens, access_token: 'other' } });
    const a = s.pathFor('https://a.example/mcp');
    expect(a).not.toBe(s.pathFor('https://b.example/mcp'));
    expect(statSync(a).mode & 0o777).toBe(0o600);
    expect(statSync(s.dir).mode & 0o777).toBe(0o700);
    expect(s.read('https://a.example/mcp')?.tokens?.access_token).toBe('secret-access');
    expect(s.read('https://b.example/mcp')?.tokens?.access_token).toBe('other');
    expect(s.read('https://c.example/mcp')).toBeUndefined();
    // The file names say nothing about the server or the token.
    expect(a).not.toMatch(/example|secret/);
  });

  it('files a server under its URL without fragment', () => {
    expect(serverKey('https://a.example/mcp#x')).toBe('https://a.example/mcp');
    const s = store();
    s.write({ serverUrl: 'https://a.example/mcp', tokens });
    expect(s.read('https://a.example/mcp#frag')?.tokens?.access_token).toBe('secret-access');
  });

  it('remove deletes the file and says whether there was one', () => {
    const s = store();
    s.write({ serverUrl: 'https://a.example/mcp', tokens });
    expect(s.remove('https://a.example/mcp')).toBe(true);
    expect(s.read('https://a.example/mcp')).toBeUndefined();
    expect(s.remove('https://a.example/mcp')).toBe(false);
    expect(s.list().entries).toEqual([]);
  });

  it('a corrupt file is one line naming it, without its contents', () => {
    const s = store();
    s.write({ serverUrl: 'https://a.example/mcp', tokens });
    const path = s.pathFor('https://a.example/mcp');
    writeFileSync(path, '{"serverUrl": "https://a.example/mcp", "tokens": "secret-access"', { mode: 0o600 });
    let error: unknown;
    try {
      s.read('https://a.example/mcp');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(OAuthStoreError);
    const message = (error as Error).message;
    expect(message).toBe(`the stored OAuth tokens in ${path} are not valid JSON`);
    writeFileSync(path, JSON.stringify({ serverUrl: 'https://a.example/mcp', tokens: 'x' }));
    expect(() => s.read('https://a.example/mcp')).toThrow(/not in the expected form/);
    s.write({ serverUrl: 'https://b.example/mcp', tokens });
    const listed = s.list();
    expect(listed.entries.map((entry) => entry.serverUrl)).toEqual(['https://b.example/mcp']);
    expect(listed.problems).toEqual([expect.stringContaining(path)]);
    expect(listed.problems.join('')).not.toContain('secret');
  });

  it('refuses a file that belongs to another server', () => {
    const s = store();
    s.write({ serverUrl: 'https://a.example/mcp', tokens });
    const text = readFileSync(s.pathFor('https://a.example/mcp'), 'utf8');
    s.write({ serverUrl: 'https://b.example/mcp', tokens });
    writeFileSync(s.pathFor('https://b.example/mcp'), text);
    expect(() => s.read('https://b.example/mcp')).toThrow(/belong to another server/);
  });
});
