/**
 * The bridge's face towards the host: a low-level SDK `Server` (raw lists, not McpServer's registry) that
 * declares exactly the upstream's capabilities and forwards each request to the upstream client as it
 * came (params, `_meta`, cursors), with the host's cancellation and a progress-token mapping, and each
 * upstream notification (list changes, resource updates, log messages) back to the host. Sampling never
 * reaches the host: the upstream client answers it (client-session.ts).
 */
import type { Client } from '@modelcontextprotocol/client';
import {
  CLIENT_CAPABILITIES_META_KEY,
  PROTOCOL_VERSION_META_KEY,
  ProtocolError,
  ProtocolErrorCode,
  Server,
  type ServerCapabilities,
  type ClientCapabilities,
  type ServerContext,
} from '@modelcontextprotocol/server';

import { ROUND_METHODS, type HostRoundRequest, type HostRounds } from './host-rounds.js';

/** The suffix of the server name the host sees. */
export const BRIDGE_NAME_SUFFIX = ' (via mcp-sampling bridge)';

/** No bridge-side limit on a forwarded request: the host decides how long to wait, and cancels. */
const FORWARD_TIMEOUT_MS = 24 * 60 * 60 * 1000;

/** The requests forwarded as they are, by the capability that offers them. */
const FORWARDED = {
  tools: ['tools/list', 'tools/call'],
  resources: ['resources/list', 'resources/templates/list', 'resources/read'],
  subscribe: ['resources/subscribe', 'resources/unsubscribe'],
  prompts: ['prompts/list', 'prompts/get'],
  completions: ['completion/complete'],
  logging: ['logging/setLevel'],
} as const;

/** The upstream as the proxy sees it. */
export interface Upstream {
  client: Client;
  server: { name: string; version: string } | undefined;
  /** Why the upstream can no longer answer (it exited, or closed the connection); undefined while it can. */
  gone(): string | undefined;
  /** Asks a 2026-era host in input_required rounds (host-rounds.ts); without it, such a host is never asked. */
  rounds?: HostRounds | undefined;
}

/** The capabilities the host is offered: the upstream's own, for what the bridge forwards. */
export function proxiedCapabilities(upstream: ServerCapabilities | undefined): ServerCapabilities {
  const from = upstream ?? {};
  return {
    ...(from.tools !== undefined && { tools: { ...from.tools } }),
    ...(from.resources !== undefined && { resources: { ...from.resources } }),
    ...(from.prompts !== undefined && { prompts: { ...from.prompts } }),
    ...(from.completions !== undefined && { completions: { ...from.completions } }),
    ...(from.logging !== undefined && { logging: { ...from.logging } }),
  };
}

/** The instructions the host sees: the upstream's, saying they come through the bridge. */
export function proxiedInstructions(upstream: Upstream): string {
  const name = upstream.server?.name ?? 'the server';
  const own = upstream.client.getInstructions();
  const note =
    `This is ${name}, reached through mcp-sampling bridge: the bridge answers its sampling requests ` +
    'with your own models, under your policy.';
  return own === undefined || own === '' ? note : `${own}\n\n(${note})`;
}

/** `_meta` as forwarded: the host's own keys, without the envelope of its protocol era. */
function forwardedParams(params: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (params === undefined) return undefined;
  // The usual call has none of these: forwarded as it came, without a copy (the SDK does not change it).
  if (!('_meta' in params) && !('inputResponses' in params) && !('requestState' in params)) return params;
  const { inputResponses: _responses, requestState: _state, _meta, ...rest } = params;
  void _responses;
  void _state;
  const { progressToken: _token, ...meta } = withoutEnvelope(_meta) ?? {};
  void _token;
  return Object.keys(meta).length > 0 ? { ...rest, _meta: meta } : rest;
}

/** `_meta` without the protocol envelope (`io.modelcontextprotocol/…`, the upstream era's own keys). */
function withoutEnvelope(meta: unknown): Record<string, unknown> | undefined {
  if (meta === null || typeof meta !== 'object') return undefined;
  const kept = Object.entries(meta as Record<string, unknown>).filter(
    ([key]) => !key.startsWith('io.modelcontextprotocol/'),
  );
  return kept.length > 0 ? Object.fromEntries(kept) : undefined;
}

/** A result as returned to the host: without the upstream era's `resultType` and envelope; its own `_meta` kept. */
function returnedResult(result: Record<string, unknown>): Record<string, unknown> {
  if (!('resultType' in result) && !('_meta' in result)) return result;
  const { resultType: _type, _meta, ...rest } = result;
  void _type;
  const meta = withoutEnvelope(_meta);
  return meta === undefined ? rest : { ...rest, _meta: meta };
}

/** Turns a failure to reach the upstream into the error the host receives; upstream errors pass as they are. */
export function toHostError(error: unknown, upstream: Upstream): Error {
  if (error instanceof ProtocolError) return error;
  const why = upstream.gone();
  const name = upstream.server?.name ?? 'the upstream server';
  const message = (error as Error)?.message ?? String(error);
  return new ProtocolError(
    ProtocolErrorCode.InternalError,
    why !== undefined ? `mcp-sampling bridge: ${name} ${why}` : `mcp-sampling bridge: ${name}: ${message}`,
  );
}

/**
 * What forwarding needs of the host's request: its cancellation, its progress token, and a way to send it
 * a notification. The SDK's handler context gives these (createProxyServer); any other path that answers
 * the host calls forward() with the same three.
 */
export interface ForwardContext {
  signal: AbortSignal;
  progressToken: string | number | undefined;
  notify(notification: { method: 'notifications/progress'; params: Record<string, unknown> }): Promise<void>;
  /**
   * A 2026-07-28-era host request's round material: its envelope's capabilities, and the `inputResponses`
   * and `requestState` of a retry (lifted out of the params, as the SDK does). Given for that era only.
   * With it, a `tools/call`, `prompts/get` or `resources/read` of a host that declared elicitation or roots
   * may be answered with `input_required` (`resultType: "input_required"`, to pass to the host as it is)
   * while the upstream call waits for the host's answers (host-rounds.ts).
   */
  round?: HostRoundRequest | undefined;
}

/** The round material of a 2026-era request: its envelope (present on that era only) and its retry fields. */
export function roundRequestOf(ctx: ServerContext): HostRoundRequest | undefined {
  const envelope = ctx.mcpReq.envelope as Record<string, unknown> | undefined;
  if (envelope?.[PROTOCOL_VERSION_META_KEY] === undefined) return undefined;
  return {
    capabilities: envelope[CLIENT_CAPABILITIES_META_KEY] as ClientCapabilities | undefined,
    inputResponses: ctx.mcpReq.inputResponses,
    requestState: ctx.mcpReq.requestState(),
  };
}

/** The forwarding context of one SDK handler call. */
function sdkForwardContext(ctx: ServerContext, method: string): ForwardContext {
  return {
    signal: ctx.mcpReq.signal,
    progressToken: ctx.mcpReq._meta?.progressToken,
    notify: (notification) => ctx.mcpReq.notify(notification as never),
    ...(ROUND_METHODS.has(method) && { round: roundRequestOf(ctx) }),
  };
}

type UpstreamProgress = { progress: number; total?: number | undefined; message?: string | undefined };

/** Sends one request to the upstream; `onprogress` gets the upstream's progress (the result waits for it). */
async function callUpstream(
  upstream: Upstream,
  method: string,
  params: unknown,
  signal: AbortSignal,
  onprogress: ((progress: UpstreamProgress) => Promise<void>) | undefined,
): Promise<Record<string, unknown>> {
  // Progress sent before the result must reach the host before it: the result waits for them.
  const sent: Promise<void>[] = [];
  try {
    const result = await upstream.client.request(
      { method, params: forwardedParams(params as Record<string, unknown> | undefined) } as never,
      {
        signal,
        timeout: FORWARD_TIMEOUT_MS,
        ...(onprogress !== undefined && {
          onprogress: (progress: UpstreamProgress) => void sent.push(onprogress(progress).catch(() => {})),
        }),
      },
    );
    if (sent.length > 0) await Promise.all(sent);
    return returnedResult(result as Record<string, unknown>);
  } catch (error) {
    throw toHostError(error, upstream);
  }
}

/**
 * Forwards one host request to the upstream, mapping its progress token and its cancellation. A 2026-era
 * host's round-capable request (see ForwardContext.round) goes through the upstream's HostRounds when its
 * host declared something the bridge may ask, or when it is a retry.
 */
export async function forward(
  upstream: Upstream,
  method: string,
  params: unknown,
  ctx: ForwardContext,
): Promise<Record<string, unknown>> {
  const why = upstream.gone();
  if (why !== undefined) throw toHostError(new Error(why), upstream);
  const { rounds } = upstream;
  const round = ctx.round;
  if (
    rounds !== undefined &&
    round !== undefined &&
    ROUND_METHODS.has(method) &&
    (round.requestState !== undefined || rounds.declares(round.capabilities))
  ) {
    return rounds.serve(method, params as Record<string, unknown> | undefined, round, ctx, (run) =>
      callUpstream(upstream, method, params, run.signal, (progress) => run.progress(progress)),
    );
  }
  const token = ctx.progressToken;
  // The upstream's progress goes back under the host's own token (the client gives the upstream its own).
  return callUpstream(
    upstream,
    method,
    params,
    ctx.signal,
    token === undefined
      ? undefined
      : (progress) => ctx.notify({ method: 'notifications/progress', params: { ...progress, progressToken: token } }),
  );
}

/** The identity the host sees: the upstream's, its name saying it comes through the bridge. */
export function proxiedServerInfo(upstream: Upstream): { name: string; version: string } {
  const info = upstream.server ?? { name: 'server', version: '0.0.0' };
  return { name: `${info.name}${BRIDGE_NAME_SUFFIX}`, version: info.version };
}

/** Builds one host-facing server (the stdio entry builds one per connection, and one per era probe). */
export function createProxyServer(upstream: Upstream): Server {
  const capabilities = proxiedCapabilities(upstream.client.getServerCapabilities());
  const server = new Server(proxiedServerInfo(upstream), {
    capabilities,
    instructions: proxiedInstructions(upstream),
  });
  const offered: string[] = [
    ...(capabilities.tools !== undefined ? FORWARDED.tools : []),
    ...(capabilities.resources !== undefined ? FORWARDED.resources : []),
    ...(capabilities.resources?.subscribe === true ? FORWARDED.subscribe : []),
    ...(capabilities.prompts !== undefined ? FORWARDED.prompts : []),
    ...(capabilities.completions !== undefined ? FORWARDED.completions : []),
    ...(capabilities.logging !== undefined ? FORWARDED.logging : []),
  ];
  for (const method of offered) {
    server.setRequestHandler(
      method as 'tools/list',
      (request, ctx) => forward(upstream, method, request.params, sdkForwardContext(ctx, method)) as never,
    );
  }
  return server;
}
