/**
 * connectHttp with the OAuth provider of src/client/auth/, on every era, against a local authorization server
 * and protected Document Assistant (test/helpers/oauth-server.ts): the first connection signs in (a headless
 * user agent follows the authorization server's redirect to the loopback listener), the next one reuses the
 * stored token, and one after the token has expired refreshes it; the summary comes back each time.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { followRedirectHeadless, printUrl } from '../src/client/auth/open-url.js';
import { createOAuthProvider } from '../src/client/auth/provider.js';
import { createTokenStore } from '../src/client/auth/token-store.js';
import { connectHttp } from '../src/client/connect/http.js';
import { startOAuthTestServer, type OAuthTestServer } from './helpers/oauth-server.js';
import { testHandler } from './helpers/runtime.js';
import { ERAS, textOf } from './helpers/wire.js';

const SAMPLE = readFileSync(new URL('../sample.txt', import.meta.url), 'utf8');
const servers: OAuthTestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

describe.each(ERAS)('connectHttp with OAuth (%s era)', (era) => {
  it('refuses, in one line and without showing it, an authorization endpoint that is a file: URL', async () => {
    const server = await startOAuthTestServer({ authorizationEndpoint: 'file:///C:/Windows/System32/calc.exe' });
    servers.push(server);
    const store = createTokenStore(join(mkdtempSync(join(tmpdir(), 'mcp-sampling-oauth-')), 'oauth'));
    const shown: string[] = [];
    const oauth = await createOAuthProvider({
      serverUrl: server.url,
      store,
      open: printUrl((line) => shown.push(line)),
    });
    const outcome = await connectHttp({ url: server.url, era, handler: testHandler(), oauth }).then(
      async (connection) => {
        await connection.close();
        return 'connected';
      },
      (error: unknown) => (error as Error).message,
    );
    expect(outcome).toMatch(
      /refusing to open the authorization URL "file:\/\/\/C:\/Windows\/System32\/calc\.exe.*file: is not https/,
    );
    expect(shown).toEqual([]);
    expect(server.authorizations).toHaveLength(0);
  });

  it('signs in once, reuses the stored token, and refreshes it when it has expired', async () => {
    const server = await startOAuthTestServer();
    servers.push(server);
    const store = createTokenStore(join(mkdtempSync(join(tmpdir(), 'mcp-sampling-oauth-')), 'oauth'));
    const summarize = async () => {
      const oauth = await createOAuthProvider({ serverUrl: server.url, store, open: followRedirectHeadless() });
      const connection = await connectHttp({ url: server.url, era, handler: testHandler(), oauth });
      try {
        expect(connection.era).toBe(era);
        const result = await connection.client.callTool({
          name: 'summarize_document',
          arguments: { document_text: SAMPLE },
        });
        expect(textOf(result)).toMatch(/^Summary:/);
      } finally {
        await connection.close();
      }
    };
    await summarize();
    expect(server.authorizations).toHaveLength(1);
    expect(server.grants).toEqual(['authorization_code']);
    const first = store.read(server.url)!.tokens!.access_token;

    await summarize();
    expect(server.authorizations).toHaveLength(1);
    expect(server.grants).toEqual(['authorization_code']);

    server.expireAccessTokens();
    await summarize();
    expect(server.authorizations).toHaveLength(1);
    expect(server.grants).toEqual(['authorization_code', 'refresh_token']);
    expect(store.read(server.url)!.tokens!.access_token).not.toBe(first);
  });
});
