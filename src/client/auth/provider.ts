/**
 * The client's OAuthClientProvider for one HTTP server: the SDK's `auth()` drives the flow (discovery,
 * registration or a URL-based client id, PKCE, resource indicators, issuer checks, refresh, step-up); this
 * provider only keeps what the flow produces in the token store and runs the browser step: a loopback
 * listener on 127.0.0.1 plus an `OpenAuthorizationUrl` strategy (browser, printed URL, headless, refuse).
 */
import { randomBytes } from 'node:crypto';

import type {
  OAuthClientInformationContext,
  OAuthClientMetadata,
  OAuthClientProvider,
  OAuthDiscoveryState,
  StoredOAuthClientInformation,
  StoredOAuthTokens,
} from '@modelcontextprotocol/client';

import { freeLoopbackPort, loopbackRedirectUrl, startLoopbackListener, type LoopbackListener } from './loopback.js';
import type { OpenAuthorizationUrl } from './open-url.js';
import type { StoredServerAuth, TokenStore } from './token-store.js';

/** How long a sign-in may take in the browser. */
export const DEFAULT_LOGIN_TIMEOUT_MS = 300_000;

export interface OAuthProviderOptions {
  /** The MCP server's URL (the protected resource). */
  serverUrl: string;
  store: TokenStore;
  /** How the authorization URL reaches a person. */
  open: OpenAuthorizationUrl;
  /** `client_name` for dynamic registration. Default `mcp-sampling`. */
  clientName?: string | undefined;
  /** A pre-registered client id (and its secret, for a confidential client). */
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  /** The https URL of a Client ID Metadata Document: the client id where the authorization server supports it. */
  clientMetadataUrl?: string | undefined;
  /** Scopes asked for when neither the server's challenge nor its metadata names any. */
  scopes?: readonly string[] | undefined;
  /** The loopback listener's port. Default: the one kept with the server's registration, else a free one. */
  redirectPort?: number | undefined;
  loginTimeoutMs?: number | undefined;
  now?: () => number;
}

/** What the transport needs besides the SDK's interface: the callback of a sign-in that was started. */
export interface InteractiveOAuthProvider extends OAuthClientProvider {
  /** The callback of the authorization `redirectToAuthorization` started, or undefined when none is pending. */
  takeAuthorizationCallback(): Promise<URLSearchParams> | undefined;
}

/** Whether the stored access token is past its expiry (with a minute of margin). */
export function isExpired(entry: Pick<StoredServerAuth, 'expiresAt'>, now = Date.now()): boolean {
  return entry.expiresAt !== undefined && entry.expiresAt <= now + 60_000;
}

function sameTokens(a: StoredOAuthTokens | undefined, b: StoredOAuthTokens | undefined): boolean {
  return a?.access_token === b?.access_token && a?.refresh_token === b?.refresh_token;
}

/**
 * The provider for `options.serverUrl`; async because it settles the redirect port first (the registered
 * `redirect_uris` must name the port the listener will use).
 *
 * @example
 * ```ts
 * const provider = await createOAuthProvider({ serverUrl, store, open: openInBrowser() });
 * const transport = new OAuthHttpClientTransport(new URL(serverUrl), { authProvider: provider });
 * ```
 */
export async function createOAuthProvider(options: OAuthProviderOptions): Promise<StoredOAuthProvider> {
  const entry = options.store.read(options.serverUrl);
  const port = options.redirectPort ?? entry?.redirectPort ?? (await freeLoopbackPort());
  return new StoredOAuthProvider(options, entry ?? { serverUrl: options.serverUrl }, port);
}

export class StoredOAuthProvider implements InteractiveOAuthProvider {
  readonly #options: OAuthProviderOptions;
  #entry: StoredServerAuth;
  /** The file's modification time when `#entry` was last read or written: another process may change it. */
  #seenAt: number | undefined;
  readonly #port: number;
  /** A fresh sign-in is under way: the stored tokens are kept on disk but not used (`ignoreStoredTokens`). */
  #ignoreTokens = false;
  #codeVerifier: string | undefined;
  #pending: LoopbackListener | undefined;

  constructor(options: OAuthProviderOptions, entry: StoredServerAuth, port: number) {
    this.#options = options;
    this.#entry = entry;
    this.#seenAt = options.store.modifiedAt(options.serverUrl);
    this.#port = port;
    if (options.clientMetadataUrl !== undefined) {
      Object.defineProperty(this, 'clientMetadataUrl', { value: options.clientMetadataUrl, enumerable: true });
    }
  }

  /** What is stored for the server now (never print its tokens). */
  get stored(): Readonly<StoredServerAuth> {
    return this.#entry;
  }

  get redirectUrl(): string {
    return loopbackRedirectUrl(this.#port);
  }

  // An own property (not a getter) only when configured: the SDK's interface has it optional.
  declare readonly clientMetadataUrl?: string;

  get clientMetadata(): OAuthClientMetadata {
    const scope = this.#options.scopes?.join(' ');
    return {
      client_name: this.#options.clientName ?? 'mcp-sampling',
      redirect_uris: [this.redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      ...(scope !== undefined && scope !== '' && { scope }),
    };
  }

  state(): string {
    return randomBytes(24).toString('base64url');
  }

  clientInformation(ctx?: OAuthClientInformationContext): StoredOAuthClientInformation | undefined {
    const { clientId, clientSecret } = this.#options;
    const stored = this.#entry.clientInformation;
    if (clientId === undefined) return stored;
    // The configured client, with the issuer stamp it got when it was first used.
    if (stored?.client_id === clientId && stored.client_secret === clientSecret) return stored;
    const configured = { client_id: clientId, ...(clientSecret !== undefined && { client_secret: clientSecret }) };
    if (ctx === undefined) return configured;
    // Bound to the authorization server it is first used with (SEP-2352), as the SDK would do after a warning.
    const bound = { ...configured, issuer: ctx.issuer };
    this.saveClientInformation(bound);
    return bound;
  }

  saveClientInformation(clientInformation: StoredOAuthClientInformation): void {
    this.#save({ clientInformation, redirectPort: this.#port });
  }

  /**
   * Starts a fresh sign-in without deleting what works: until new tokens are saved, the stored ones are not
   * used (so the flow asks for authorization instead of refreshing), yet they stay in the file, and a
   * sign-in that fails or is abandoned leaves them as they were.
   */
  ignoreStoredTokens(): void {
    this.#ignoreTokens = true;
  }

  tokens(): StoredOAuthTokens | undefined {
    if (this.#ignoreTokens) return undefined;
    // Another process (a second `call`, the bridge) may have refreshed since: use what it saved.
    this.#reload();
    return this.#entry.tokens;
  }

  saveTokens(tokens: StoredOAuthTokens): void {
    const now = (this.#options.now ?? Date.now)();
    const expiresAt = typeof tokens.expires_in === 'number' ? now + tokens.expires_in * 1000 : undefined;
    this.#ignoreTokens = false;
    this.#save({ tokens, expiresAt });
  }

  saveCodeVerifier(codeVerifier: string): void {
    this.#codeVerifier = codeVerifier;
  }

  codeVerifier(): string {
    if (this.#codeVerifier === undefined) throw new Error('no sign-in is in progress (no PKCE code verifier)');
    return this.#codeVerifier;
  }

  discoveryState(): OAuthDiscoveryState | undefined {
    this.#reload();
    return this.#entry.discoveryState;
  }

  saveDiscoveryState(state: OAuthDiscoveryState): void {
    // Without authorization server metadata nothing was found worth keeping (a server that does not do OAuth).
    if (state.authorizationServerMetadata === undefined) this.#entry = { ...this.#entry, discoveryState: state };
    else this.#save({ discoveryState: state });
  }

  invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery'): void {
    if (scope === 'verifier' || scope === 'all') this.#codeVerifier = undefined;
    const next: Partial<StoredServerAuth> = {};
    if (scope === 'client' || scope === 'all') next.clientInformation = undefined;
    if (scope === 'tokens' || scope === 'all') Object.assign(next, { tokens: undefined, expiresAt: undefined });
    if (scope === 'discovery' || scope === 'all') next.discoveryState = undefined;
    // During a fresh sign-in the stored tokens were not used, so nothing says they are bad: keep them.
    if (this.#ignoreTokens && 'tokens' in next) {
      delete next.tokens;
      delete next.expiresAt;
    } else if ('tokens' in next) {
      // invalid_grant may only mean another process refreshed first (rotating the refresh token we used):
      // when the file holds other tokens than the ones this process used, keep them, and the retry uses them.
      const used = this.#entry.tokens;
      this.#reload(true);
      if (!sameTokens(used, this.#entry.tokens)) {
        delete next.tokens;
        delete next.expiresAt;
      }
    }
    // Only what is there to drop: nothing is written for a server that never stored anything.
    const entry = this.#entry as unknown as Record<string, unknown>;
    if (Object.keys(next).some((key) => entry[key] !== undefined)) this.#save(next);
  }

  async redirectToAuthorization(authorizationUrl: URL): Promise<void> {
    await this.#pending?.close();
    if (this.#options.open.refuses === true) return this.#options.open(authorizationUrl);
    const listener = await startLoopbackListener({
      port: this.#port,
      state: authorizationUrl.searchParams.get('state') ?? '',
      timeoutMs: this.#options.loginTimeoutMs ?? DEFAULT_LOGIN_TIMEOUT_MS,
    });
    this.#pending = listener;
    try {
      await this.#options.open(authorizationUrl);
    } catch (error) {
      this.#pending = undefined;
      await listener.close();
      throw error;
    }
  }

  takeAuthorizationCallback(): Promise<URLSearchParams> | undefined {
    const pending = this.#pending;
    if (pending === undefined) return undefined;
    this.#pending = undefined;
    return pending.callback.finally(() => pending.close());
  }

  /** Stops a sign-in that is waiting (its listener closes). */
  async close(): Promise<void> {
    await this.#pending?.close();
    this.#pending = undefined;
  }

  /** Re-reads the file when it changed since this process last saw it (or always, with `force`). */
  #reload(force = false): void {
    const { store, serverUrl } = this.#options;
    const modifiedAt = store.modifiedAt(serverUrl);
    if (!force && modifiedAt === this.#seenAt) return;
    const onDisk = store.read(serverUrl);
    this.#seenAt = modifiedAt;
    if (onDisk === undefined) return;
    // A discovery state kept only in memory (no authorization server metadata) stays.
    this.#entry = { ...onDisk, discoveryState: onDisk.discoveryState ?? this.#entry.discoveryState };
  }

  /** Writes only `change` over what the file holds now (under its lock), so another process's save survives. */
  #save(change: Partial<StoredServerAuth>): void {
    const { store, serverUrl } = this.#options;
    this.#entry = store.update(serverUrl, (current) => ({ ...(current ?? { serverUrl }), ...change, serverUrl }));
    this.#seenAt = store.modifiedAt(serverUrl);
  }
}
