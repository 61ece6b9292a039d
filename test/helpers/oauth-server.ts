/**
 * A protected MCP server for OAuth tests, on 127.0.0.1: one small node:http server that is both an OAuth 2.1
 * authorization server (RFC 8414 metadata, dynamic registration, /authorize approving at once with a
 * redirect, /token for authorization codes with PKCE S256 and refresh tokens) and the protected resource
 * (RFC 9728 metadata; /mcp answers 401 with `WWW-Authenticate` unless the bearer token is valid, then
 * forwards to the real Document Assistant started in-process). It records what the client asked for.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';

import { startHttpServer } from '../../src/server/transports/http/serve-http.js';

export interface OAuthTestServer {
  /** The protected MCP endpoint, `<base>/mcp`. */
  url: string;
  base: string;
  /** Every /authorize request's query, in order. */
  authorizations: URLSearchParams[];
  /** The grant type of every /token request, in order. */
  grants: string[];
  /** Makes every access token issued so far invalid (as if it had expired). */
  expireAccessTokens(): void;
  /** Revokes every token, refresh tokens included. */
  revokeAll(): void;
  close(): Promise<void>;
}

const QUIET = { info: () => {}, error: () => {} };

async function bodyOf(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function json(response: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(value));
}

export async function startOAuthTestServer(
  /** `authorizationEndpoint`: what the metadata names (a hostile authorization server's, in a test). */
  options: { scope?: string; expiresIn?: number; authorizationEndpoint?: string } = {},
): Promise<OAuthTestServer> {
  const scope = options.scope ?? 'mcp:tools';
  const upstream = await startHttpServer({ port: 0, log: QUIET });
  const codes = new Map<string, { challenge: string; clientId: string; redirectUri: string; scope: string }>();
  const accessTokens = new Set<string>();
  const refreshTokens = new Set<string>();
  const authorizations: URLSearchParams[] = [];
  const grants: string[] = [];
  let base = '';

  const issue = (grantScope: string) => {
    const access = randomBytes(16).toString('hex');
    const refresh = randomBytes(16).toString('hex');
    accessTokens.add(access);
    refreshTokens.add(refresh);
    return {
      access_token: access,
      token_type: 'Bearer',
      expires_in: options.expiresIn ?? 3600,
      refresh_token: refresh,
      scope: grantScope,
    };
  };

  const server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', base);
      if (url.pathname === '/.well-known/oauth-protected-resource/mcp') {
        return json(response, 200, {
          resource: `${base}/mcp`,
          authorization_servers: [base],
          scopes_supported: [scope],
        });
      }
      if (url.pathname === '/.well-known/oauth-authorization-server') {
        return json(response, 200, {
          issuer: base,
          authorization_endpoint: options.authorizationEndpoint ?? `${base}/authorize`,
          token_endpoint: `${base}/token`,
          registration_endpoint: `${base}/register`,
          response_types_supported: ['code'],
          grant_types_supported: ['authorization_code', 'refresh_token'],
          code_challenge_methods_supported: ['S256'],
          token_endpoint_auth_methods_supported: ['none'],
          authorization_response_iss_parameter_supported: true,
          scopes_supported: [scope],
        });
      }
      if (url.pathname === '/register' && request.method === 'POST') {
        const metadata = JSON.parse((await bodyOf(request)).toString('utf8')) as Record<string, unknown>;
        return json(response, 201, { ...metadata, client_id: `client-${randomBytes(4).toString('hex')}` });
      }
      if (url.pathname === '/authorize') {
        authorizations.push(url.searchParams);
        const redirect = new URL(url.searchParams.get('redirect_uri') ?? '');
        const code = randomBytes(8).toString('hex');
        codes.set(code, {
          challenge: url.searchParams.get('code_challenge') ?? '',
          clientId: url.searchParams.get('client_id') ?? '',
          redirectUri: redirect.href,
          scope: url.searchParams.get('scope') ?? '',
        });
        redirect.searchParams.set('code', code);
        redirect.searchParams.set('state', url.searchParams.get('state') ?? '');
        redirect.searchParams.set('iss', base);
        response.writeHead(302, { location: redirect.href }).end();
        return;
      }
      if (url.pathname === '/token' && request.method === 'POST') {
        const form = new URLSearchParams((await bodyOf(request)).toString('utf8'));
        const grant = form.get('grant_type') ?? '';
        grants.push(grant);
        if (grant === 'authorization_code') {
          const entry = codes.get(form.get('code') ?? '');
          codes.delete(form.get('code') ?? '');
          const verifier = form.get('code_verifier') ?? '';
          const challenge = createHash('sha256').update(verifier).digest('base64url');
          if (entry === undefined || entry.challenge !== challenge || entry.redirectUri !== form.get('redirect_uri')) {
            return json(response, 400, { error: 'invalid_grant' });
          }
          return json(response, 200, issue(entry.scope));
        }
        if (grant === 'refresh_token' && refreshTokens.delete(form.get('refresh_token') ?? '')) {
          return json(response, 200, issue(scope));
        }
        return json(response, 400, { error: 'invalid_grant' });
      }
      if (url.pathname === '/mcp') {
        const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
        if (token === undefined || !accessTokens.has(token)) {
          return json(
            response,
            401,
            { error: 'invalid_token' },
            {
              'www-authenticate': `Bearer resource_metadata="${base}/.well-known/oauth-protected-resource/mcp", scope="${scope}"`,
            },
          );
        }
        const headers = Object.fromEntries(
          Object.entries(request.headers).filter(
            (entry): entry is [string, string] =>
              typeof entry[1] === 'string' &&
              !['host', 'authorization', 'content-length', 'connection'].includes(entry[0]),
          ),
        );
        const body = request.method === 'POST' ? await bodyOf(request) : undefined;
        const answer = await fetch(upstream.url, { method: request.method ?? 'GET', headers, ...(body && { body }) });
        const out: Record<string, string> = {};
        answer.headers.forEach((value, name) => {
          if (name !== 'content-length' && name !== 'transfer-encoding' && name !== 'connection') out[name] = value;
        });
        response.writeHead(answer.status, out);
        if (answer.body === null) return void response.end();
        Readable.fromWeb(answer.body as WebReadableStream).pipe(response);
        return;
      }
      json(response, 404, { error: 'not_found' });
    })().catch((error: unknown) => {
      if (!response.headersSent) json(response, 500, { error: String(error) });
      else response.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${base}/mcp`,
    base,
    authorizations,
    grants,
    expireAccessTokens: () => accessTokens.clear(),
    revokeAll: () => {
      accessTokens.clear();
      refreshTokens.clear();
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await upstream.close();
    },
  };
}
