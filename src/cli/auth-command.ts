/**
 * `mcp-sampling auth login <url>`, `auth logout <url>`, `auth status`: the OAuth sign-ins kept per HTTP
 * server under `~/.mcp-sampling/oauth/`. Login runs a fresh authorization code flow with PKCE through the
 * browser and the loopback listener (the SDK's `auth()` and `finishAuth` do the protocol); logout deletes
 * the server's file; status lists servers, expiry and scopes. No command ever prints a token.
 */
import {
  StreamableHTTPClientTransport,
  auth,
  extractWWWAuthenticateParams,
  type AuthOptions,
} from '@modelcontextprotocol/client';

import { OAuthStoreError, type StoredServerAuth } from '../client/auth/token-store.js';
import { isExpired } from '../client/auth/provider.js';
import { parseServerUrl } from '../client/connect/http.js';
import { loadConfig } from '../config/load.js';
import { loadClientEnv } from '../config/env.js';
import { oauthProviderFor, userTokenStore } from './oauth-route.js';
import { CliError, EXIT_BAD_INPUT } from './output.js';

const write = (line: string) => process.stdout.write(`${line}\n`);

/** A server URL from the command line, or exit 2 with why not. */
function serverUrlArgument(value: string): string {
  try {
    return parseServerUrl(value).href;
  } catch (error) {
    throw new CliError((error as Error).message, { exitCode: EXIT_BAD_INPUT });
  }
}

/** A corrupt token file is bad input (a file), with the way out. */
function storeError(error: unknown, serverUrl?: string): never {
  if (error instanceof OAuthStoreError) {
    const fix = serverUrl === undefined ? 'delete it' : `delete it with: mcp-sampling auth logout ${serverUrl}`;
    throw new CliError(`${error.message} (${fix})`, { exitCode: EXIT_BAD_INPUT, cause: error });
  }
  throw error;
}

/**
 * What the server says when asked without a token: a 401 names its protected resource metadata and the
 * scope it wants in `WWW-Authenticate`. Undefined when it does not answer 401.
 */
async function challengeOf(serverUrl: string): Promise<ReturnType<typeof extractWWWAuthenticateParams> | undefined> {
  try {
    const response = await fetch(serverUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
      signal: AbortSignal.timeout(30_000),
    });
    await response.body?.cancel().catch(() => {});
    return response.status === 401 ? extractWWWAuthenticateParams(response) : undefined;
  } catch (error) {
    throw new CliError(`cannot reach the server ${serverUrl}: ${(error as Error).message}`, { cause: error });
  }
}

/** When a token expires, for a person: "in 59 min", "2 h ago", "no expiry given". */
export function describeExpiry(entry: Pick<StoredServerAuth, 'expiresAt'>, now = Date.now()): string {
  if (entry.expiresAt === undefined) return 'no expiry given';
  const minutes = Math.round((entry.expiresAt - now) / 60_000);
  const span = (m: number) => (Math.abs(m) < 120 ? `${Math.abs(m)} min` : `${Math.round(Math.abs(m) / 60)} h`);
  return minutes >= 0 ? `expires in ${span(minutes)}` : `expired ${span(minutes)} ago`;
}

export async function authLogin(
  url: string,
  options: { config?: string | undefined; scope?: string[] | undefined; browser: boolean; json: boolean },
): Promise<void> {
  const serverUrl = serverUrlArgument(url);
  const env = loadClientEnv();
  const loaded = loadConfig({ explicit: options.config, env });
  const scopes = options.scope?.flatMap((scope) => scope.split(/\s+/)).filter((scope) => scope !== '');
  let provider;
  try {
    provider = await oauthProviderFor({
      serverUrl,
      config: loaded.config,
      env,
      interactive: true,
      noBrowser: !options.browser,
      scopes: scopes !== undefined && scopes.length > 0 ? scopes : undefined,
    });
  } catch (error) {
    storeError(error, serverUrl);
  }
  try {
    // A fresh sign-in: the old tokens are not used, but stay stored until new ones replace them (a sign-in
    // that fails or is stopped leaves a working one); the client's registration stays too.
    provider.ignoreStoredTokens();
    const challenge = await challengeOf(serverUrl);
    const flow: AuthOptions = {
      serverUrl,
      ...(challenge?.resourceMetadataUrl !== undefined && { resourceMetadataUrl: challenge.resourceMetadataUrl }),
      ...((scopes?.length ?? 0) > 0
        ? { scope: scopes!.join(' ') }
        : challenge?.scope !== undefined && { scope: challenge.scope }),
    };
    let result;
    try {
      result = await auth(provider, flow);
    } catch (error) {
      const discovery = provider.discoveryState();
      if (discovery !== undefined && discovery.authorizationServerMetadata === undefined) {
        const asked = challenge === undefined ? 'it did not answer 401 without a token, and ' : '';
        throw new CliError(
          `cannot sign in to ${serverUrl}: ${asked}it publishes no OAuth metadata (no protected resource or authorization server metadata): it may not use OAuth`,
          { cause: error },
        );
      }
      throw new CliError(`cannot sign in to ${serverUrl}: ${(error as Error).message}`, { cause: error });
    }
    if (result === 'REDIRECT') {
      process.stderr.write(`mcp-sampling: waiting for the sign-in in the browser (Ctrl-C to stop)\n`);
      const callback = provider.takeAuthorizationCallback();
      try {
        const params = await callback!;
        // The SDK's callback handling: the RFC 9207 issuer check, an `error` answer, the code exchange.
        const transport = new StreamableHTTPClientTransport(new URL(serverUrl), { authProvider: provider });
        await transport.finishAuth(params);
      } catch (error) {
        throw new CliError(`cannot sign in to ${serverUrl}: ${(error as Error).message}`, { cause: error });
      }
    }
    const stored = provider.stored;
    const scope = stored.tokens?.scope ?? '';
    if (options.json) {
      process.stdout.write(
        `${JSON.stringify({ ok: true, server: serverUrl, scopes: scope === '' ? [] : scope.split(' '), expiresAt: stored.expiresAt === undefined ? null : new Date(stored.expiresAt).toISOString(), refreshable: stored.tokens?.refresh_token !== undefined })}\n`,
      );
      return;
    }
    write(
      `signed in to ${serverUrl}: ${scope === '' ? 'no scopes named' : `scopes ${scope}`}, ${describeExpiry(stored)}` +
        `${stored.tokens?.refresh_token !== undefined ? ', refreshable' : ''}`,
    );
    write(`tokens kept in ${userTokenStore().pathFor(serverUrl)} (mode 0600)`);
  } finally {
    await provider.close();
  }
}

export async function authLogout(url: string, options: { json: boolean }): Promise<void> {
  const serverUrl = serverUrlArgument(url);
  const store = userTokenStore();
  const removed = store.remove(serverUrl);
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ ok: true, server: serverUrl, removed })}\n`);
    return;
  }
  write(
    removed
      ? `signed out of ${serverUrl}: its tokens and client registration are deleted`
      : `no stored sign-in for ${serverUrl}: nothing to delete`,
  );
}

export async function authStatus(options: { json: boolean }): Promise<void> {
  const store = userTokenStore();
  const { entries, problems } = store.list();
  const now = Date.now();
  const rows = entries
    .filter((entry) => entry.tokens !== undefined)
    .map((entry) => ({
      server: entry.serverUrl,
      issuer: entry.tokens?.issuer ?? entry.discoveryState?.authorizationServerMetadata?.issuer ?? null,
      scopes: entry.tokens?.scope === undefined || entry.tokens.scope === '' ? [] : entry.tokens.scope.split(' '),
      expiresAt: entry.expiresAt === undefined ? null : new Date(entry.expiresAt).toISOString(),
      expired: isExpired(entry, now),
      refreshable: entry.tokens?.refresh_token !== undefined,
      expiry: describeExpiry(entry, now),
    }));
  if (problems.length > 0) process.exitCode = 1;
  if (options.json) {
    process.stdout.write(
      `${JSON.stringify({ ok: problems.length === 0, dir: store.dir, servers: rows.map(({ expiry: _, ...row }) => row), problems })}\n`,
    );
    return;
  }
  if (rows.length === 0) write(`no stored sign-ins (${store.dir})`);
  for (const row of rows) {
    const scopes = row.scopes.length === 0 ? 'no scopes named' : `scopes ${row.scopes.join(' ')}`;
    write(`${row.server}  ${row.expiry}${row.refreshable ? ' (refreshable)' : ''}, ${scopes}`);
  }
  for (const problem of problems) process.stderr.write(`mcp-sampling: error: ${problem} (delete it)\n`);
}
