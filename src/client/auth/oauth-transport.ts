/**
 * The SDK's Streamable HTTP transport with an OAuth provider, plus the one step the SDK leaves to the host:
 * finishing a sign-in that needed the browser. The SDK's transport handles the 401 (discovery, refresh,
 * a new authorization) and the 403 `insufficient_scope` step-up (scope union, retry limit) itself and, when
 * a person must sign in, throws `UnauthorizedError` after `redirectToAuthorization`. This transport then
 * waits for the loopback callback, calls `finishAuth` (code exchange with the issuer check) and sends the
 * message again: once connected, inside the request that needed it; while connecting, `connectHttp` does
 * it outside any request (a person may take longer than a request's timeout) and connects again.
 */
import {
  StreamableHTTPClientTransport,
  UnauthorizedError,
  type JSONRPCMessage,
  type StreamableHTTPClientTransportOptions,
} from '@modelcontextprotocol/client';

import type { OAuthClientProvider } from '@modelcontextprotocol/client';

import type { InteractiveOAuthProvider } from './provider.js';

/** Any OAuth provider of the SDK; one that can finish a browser sign-in implements `takeAuthorizationCallback`. */
export type TransportOAuthProvider = OAuthClientProvider &
  Partial<InteractiveOAuthProvider> & {
    /** Stops a sign-in that is still waiting (its loopback listener). */
    close?(): Promise<void>;
  };

/** Sign-ins finished inside one send at most (a 401, then a step-up): then the error stands. */
const MAX_INLINE_SIGN_INS = 2;

export class OAuthHttpClientTransport extends StreamableHTTPClientTransport {
  readonly #provider: TransportOAuthProvider;
  #inline = false;
  #finishing: Promise<void> | undefined;

  constructor(url: URL, options: StreamableHTTPClientTransportOptions & { authProvider: TransportOAuthProvider }) {
    const provider = options.authProvider;
    const base = options.fetch ?? fetch;
    super(url, {
      ...options,
      // The server refused a token it was sent: the authorization server it names may have changed since the
      // discovery was kept (SEP-2352), so the 401's handling discovers afresh instead of going back to the
      // old one. The SDK leaves this step to the host.
      fetch: async (input, init) => {
        const response = await base(input, init);
        if (response.status === 401 && new Headers(init?.headers).has('authorization') && String(input) === url.href) {
          await provider.invalidateCredentials?.('discovery');
        }
        return response;
      },
    });
    this.#provider = provider;
  }

  /** From now on, finish a sign-in inside the request that needed it (after connecting). */
  finishSignInsInline(): void {
    this.#inline = true;
  }

  /**
   * Waits for the browser to come back from the sign-in that was started and exchanges the code (the SDK's
   * `finishAuth`: RFC 9207 issuer check, PKCE verifier, resource indicator). False when none was started.
   */
  async finishPendingSignIn(): Promise<boolean> {
    // Requests that failed together wait for the one sign-in in turn; a later one finds none and resends.
    const previous = this.#finishing;
    let release = () => {};
    const mine = new Promise<void>((resolve) => (release = resolve));
    this.#finishing = mine;
    try {
      await previous;
      const callback = this.#provider.takeAuthorizationCallback?.();
      if (callback === undefined) return previous !== undefined && (await this.#provider.tokens()) !== undefined;
      await this.finishAuth(await callback);
      return true;
    } finally {
      release();
      if (this.#finishing === mine) this.#finishing = undefined;
    }
  }

  override async send(
    message: JSONRPCMessage | JSONRPCMessage[],
    options?: Parameters<StreamableHTTPClientTransport['send']>[1],
  ): Promise<void> {
    for (let signIns = 0; ; signIns++) {
      try {
        return await super.send(message, options);
      } catch (error) {
        if (!this.#inline || signIns >= MAX_INLINE_SIGN_INS || !UnauthorizedError.isInstance(error)) throw error;
        if (!(await this.finishPendingSignIn())) throw error;
      }
    }
  }
}
