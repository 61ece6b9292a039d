import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { printUrl } from './open-url.js';
import { createOAuthProvider } from './provider.js';
import { createTokenStore } from './token-store.js';

const serverUrl = 'https://mcp.example/mcp';
const first = { access_token: 'access-1', token_type: 'Bearer', refresh_token: 'refresh-1' };
const second = { access_token: 'access-2', token_type: 'Bearer', refresh_token: 'refresh-2' };
const discovery = {
  authorizationServerUrl: 'https://as.example/',
  authorizationServerMetadata: {
    issuer: 'https://as.example/',
    authorization_endpoint: 'https://as.example/authorize',
    token_endpoint: 'https://as.example/token',
    response_types_supported: ['code'],
  },
};

async function twoProcesses() {
  const store = createTokenStore(join(mkdtempSync(join(tmpdir(), 'mcp-sampling-provider-')), 'oauth'));
  store.write({ serverUrl, tokens: first, clientInformation: { client_id: 'c' } });
  const open = printUrl(() => {});
  const a = await createOAuthProvider({ serverUrl, store, open, redirectPort: 1 });
  const b = await createOAuthProvider({ serverUrl, store, open, redirectPort: 1 });
  return { store, a, b };
}

describe('two client processes on one token store', () => {
  it('see each other\u2019s refreshed tokens, and a save of one field keeps the other\u2019s tokens', async () => {
    const { store, a, b } = await twoProcesses();
    expect(b.tokens()?.refresh_token).toBe('refresh-1');
    a.saveTokens(second);
    expect(b.tokens()?.refresh_token).toBe('refresh-2');
    b.saveDiscoveryState(discovery);
    expect(store.read(serverUrl)?.tokens?.refresh_token).toBe('refresh-2');
    expect(store.read(serverUrl)?.discoveryState?.authorizationServerUrl).toBe('https://as.example/');
  });

  it('merges on save: a process that never re-read does not write its stale tokens back', async () => {
    const { store, a, b } = await twoProcesses();
    a.saveTokens(second);
    // b has not called tokens() since; it saves its registration.
    b.saveClientInformation({ client_id: 'c', issuer: 'https://as.example/' });
    expect(store.read(serverUrl)?.tokens?.access_token).toBe('access-2');
  });

  it('on invalid_grant keeps the tokens another process refreshed meanwhile', async () => {
    const { store, a, b } = await twoProcesses();
    // Both used refresh-1; a's refresh won and rotated it, b's refresh got invalid_grant.
    expect(a.tokens()?.refresh_token).toBe('refresh-1');
    expect(b.tokens()?.refresh_token).toBe('refresh-1');
    a.saveTokens(second);
    b.invalidateCredentials('tokens');
    expect(store.read(serverUrl)?.tokens?.refresh_token).toBe('refresh-2');
    expect(b.tokens()?.refresh_token).toBe('refresh-2');
  });

  it('on invalid_grant still drops the tokens nobody replaced', async () => {
    const { store, b } = await twoProcesses();
    expect(b.tokens()?.refresh_token).toBe('refresh-1');
    b.invalidateCredentials('tokens');
    expect(store.read(serverUrl)?.tokens).toBeUndefined();
    expect(store.read(serverUrl)?.clientInformation?.client_id).toBe('c');
  });

  it('waits for, then takes over, a lock file left by a process that died', async () => {
    const { store, a } = await twoProcesses();
    const lock = `${store.pathFor(serverUrl)}.lock`;
    writeFileSync(lock, '');
    utimesSync(lock, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    a.saveTokens(second);
    expect(store.read(serverUrl)?.tokens?.access_token).toBe('access-2');
    rmSync(lock, { force: true });
  });
});

describe('a fresh sign-in (auth login)', () => {
  it('does not use the stored tokens, yet keeps them until new ones are saved', async () => {
    const { store, a } = await twoProcesses();
    a.ignoreStoredTokens();
    expect(a.tokens()).toBeUndefined();
    // A failed or stopped sign-in (the flow may also invalidate the tokens it never used): still there.
    a.invalidateCredentials('tokens');
    expect(store.read(serverUrl)?.tokens?.access_token).toBe('access-1');
    a.saveTokens(second);
    expect(store.read(serverUrl)?.tokens?.access_token).toBe('access-2');
    expect(a.tokens()?.access_token).toBe('access-2');
  });
});
