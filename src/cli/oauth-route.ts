/**
 * Who signs a CLI process in to an HTTP server that requires OAuth, and with what: the OAuth provider of
 * src/client/auth/ for that server, with the user's `oauth` config (client id, the secret's environment
 * variable, a client id metadata document URL, scopes, redirect port), the token store under
 * `~/.mcp-sampling/oauth/`, and the way the authorization URL reaches a person: the system browser plus the
 * printed URL when there is a terminal (or for `auth login`), a one-line refusal when there is none.
 */
import { join } from 'node:path';

import { AuthorizationServerMismatchError, IssuerMismatchError } from '@modelcontextprotocol/client';

import {
  createTokenStore,
  OAuthStoreError,
  serverKey,
  type StoredServerAuth,
  type TokenStore,
} from '../client/auth/token-store.js';
import {
  LoginRequiredError,
  openInBrowser,
  printUrl,
  refuseToOpen,
  type OpenAuthorizationUrl,
} from '../client/auth/open-url.js';
import { createOAuthProvider, isExpired, type StoredOAuthProvider } from '../client/auth/provider.js';
import { dataDirectory } from '../config/load.js';
import type { Config, OAuthServerConfig } from '../config/schema.js';
import { CliError, EXIT_BAD_INPUT } from './output.js';

/** The token store of this user (`~/.mcp-sampling/oauth/`). */
export function userTokenStore(): TokenStore {
  return createTokenStore(join(dataDirectory(), 'oauth'));
}

/** The `oauth` settings for `serverUrl`: the `"*"` entry, overridden by the server's own (its URL as key). */
export function oauthSettingsFor(config: Pick<Config, 'oauth'>, serverUrl: string): OAuthServerConfig {
  const key = serverKey(serverUrl);
  const own = Object.entries(config.oauth).find(
    ([name]) => name !== '*' && URL.canParse(name) && serverKey(name) === key,
  );
  return { ...config.oauth['*'], ...own?.[1] };
}

/** How the URL is shown: `MCP_SAMPLING_NO_BROWSER=1` (or `auth login --no-browser`) prints it only. */
function opener(env: Readonly<Record<string, string | undefined>>, noBrowser: boolean): OpenAuthorizationUrl {
  return noBrowser || env['MCP_SAMPLING_NO_BROWSER'] === '1' ? printUrl() : openInBrowser();
}

export interface OAuthRouteOptions {
  serverUrl: string;
  config: Pick<Config, 'oauth'>;
  env: Readonly<Record<string, string | undefined>>;
  /** A person can be asked (a terminal on both ends), or the command is `auth login`. */
  interactive: boolean;
  noBrowser?: boolean;
  /** Scopes that replace the configured ones (`auth login --scope`). */
  scopes?: readonly string[] | undefined;
}

/**
 * The OAuth provider for `serverUrl`. Without a person to ask, a sign-in fails with one line saying why
 * (no stored sign-in, an expired token that could not be refreshed, a refused token) and what to run.
 */
export async function oauthProviderFor(options: OAuthRouteOptions): Promise<StoredOAuthProvider> {
  const settings = oauthSettingsFor(options.config, options.serverUrl);
  let clientSecret: string | undefined;
  if (settings.clientSecretEnv !== undefined) {
    clientSecret = options.env[settings.clientSecretEnv];
    if (clientSecret === undefined || clientSecret === '') {
      throw new CliError(
        `oauth.clientSecretEnv names ${settings.clientSecretEnv}, which is not set (in the environment or .env)`,
        { exitCode: EXIT_BAD_INPUT },
      );
    }
  }
  const store = userTokenStore();
  // What was stored when the command started says why a sign-in is needed (the flow may since have dropped it).
  const holder: { start?: Readonly<StoredServerAuth> } = {};
  const why = () => {
    const stored = holder.start;
    if (stored?.tokens === undefined) return 'it requires OAuth authorization and there is no stored sign-in for it';
    if (isExpired(stored)) return 'the stored OAuth token has expired and could not be refreshed';
    return 'the server refused the stored OAuth token';
  };
  const provider = await createOAuthProvider({
    serverUrl: options.serverUrl,
    store,
    open: options.interactive ? opener(options.env, options.noBrowser === true) : refuseToOpen(options.serverUrl, why),
    clientId: settings.clientId,
    clientSecret,
    clientMetadataUrl: settings.clientMetadataUrl,
    scopes: options.scopes ?? settings.scopes,
    redirectPort: settings.redirectPort,
  });
  holder.start = provider.stored;
  return provider;
}

let routed = false;

/**
 * The SDK's OAuth code reports what it recovers from with `console.warn` ("[mcp-sdk] OAuth "invalid_grant" —
 * invalidating the stored tokens…"): in a CLI process those lines become details (`--verbose`), so that a
 * failure stays one line. Other warnings pass through untouched.
 */
function routeSdkWarnings(detail: (text: string) => void): void {
  if (routed) return;
  routed = true;
  const warn = console.warn.bind(console);
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].startsWith('[mcp-sdk]')) detail(args.map(String).join(' '));
    else warn(...args);
  };
}

/**
 * The provider a client command (`call`, `summarize`, `ask` with `--server <url>`) uses for an HTTP server
 * when no static bearer token is set. A corrupt token file is one line (exit 2) with the way out.
 */
export async function sessionOAuth(
  serverUrl: string,
  config: Pick<Config, 'oauth'>,
  env: Readonly<Record<string, string | undefined>>,
  interactive: boolean,
  detail?: (text: string) => void,
): Promise<StoredOAuthProvider> {
  if (detail !== undefined) routeSdkWarnings(detail);
  try {
    return await oauthProviderFor({ serverUrl, config, env, interactive });
  } catch (error) {
    if (error instanceof OAuthStoreError) {
      throw new CliError(`${error.message} (delete it with: mcp-sampling auth logout ${serverUrl})`, {
        exitCode: EXIT_BAD_INPUT,
        cause: error,
      });
    }
    throw error;
  }
}

/**
 * A connect failure that OAuth explains in one line of its own: a sign-in nobody can do here, an
 * authorization server whose identity does not match, or a server that answered 401 without publishing
 * any OAuth metadata (it wants the static bearer token instead).
 */
export function oauthConnectError(
  error: unknown,
  serverUrl: string,
  provider: StoredOAuthProvider,
  tokenEnv: string,
): CliError | undefined {
  const head = `cannot connect to the server ${serverUrl}`;
  if (error instanceof LoginRequiredError) return new CliError(error.message, { cause: error });
  if (IssuerMismatchError.isInstance(error) || AuthorizationServerMismatchError.isInstance(error)) {
    return new CliError(
      `${head}: OAuth sign-in refused, the authorization server's identity does not match (${(error as Error).message})`,
      { cause: error },
    );
  }
  const discovery = provider.discoveryState();
  if (
    discovery !== undefined &&
    discovery.authorizationServerMetadata === undefined &&
    provider.stored.tokens === undefined
  ) {
    return new CliError(
      `${head}: it answered 401 (Unauthorized) and publishes no OAuth metadata; set ${tokenEnv} to send it a bearer token`,
      { cause: error },
    );
  }
  return undefined;
}
