/**
 * What both transports share: the sampling client (its capabilities, the sampling and roots handlers,
 * the era it negotiates) and connecting it under one deadline, ending in an `McpConnection`.
 */
import { basename, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import {
  Client,
  SdkError,
  SdkErrorCode,
  type ElicitRequest,
  type ElicitResult,
  type Transport,
} from '@modelcontextprotocol/client';

import { PACKAGE_VERSION } from '../../shared/version.js';
import type { SamplingHandler } from '../sampling/handler.js';
import { assumeCompleteResults } from './absent-result-type.js';
import { landedEra, versionNegotiation, type EraMode } from './era.js';

/** The client's `clientInfo`: the package's name and version. */
export const CLIENT_INFO = { name: 'mcp-sampling', version: PACKAGE_VERSION } as const;

/**
 * Answers a server's `elicitation/create`, form mode or URL mode (`params.mode === 'url'`): accept (with
 * content for a form), decline or cancel. `signal` aborts when the server or the user cancels the request.
 */
export type ElicitationHandler = (request: ElicitRequest, signal?: AbortSignal) => Promise<ElicitResult>;
/** A root as declared to servers. */
/**
 * The elicitation modes declared with an elicitation handler (default: both). Neither mode: the
 * `elicitation` capability is not declared (the bridge, for a host that cannot answer).
 */
export interface ElicitationModes {
  form?: boolean;
  url?: boolean;
}

export interface DeclaredRoot {
  uri: string;
  name?: string;
}

/**
 * Roots that change while connected (the bridge's: its host's roots plus its own): asked at each
 * `roots/list`, with `roots.listChanged` declared (send `notifications/roots/list_changed` on a change).
 */
export type ListRoots = () => Promise<DeclaredRoot[]>;

/** What `buildSamplingClient` may add to the defaults. */
export interface SamplingClientBuild {
  /** Declare `sampling.tools` (default true). */
  tools?: boolean;
  /** The client's name and version in `initialize`. Default `CLIENT_INFO`. */
  clientInfo?: { name: string; version: string };
  /** Runs after `close()` (the runtime's flush), even when closing failed. */
  afterClose?: () => Promise<void>;
  /** Answers elicitations; declares the `elicitation` capability (form and URL modes) only when given. */
  elicitation?: ElicitationHandler | undefined;
  /** Which modes of elicitation are declared with `elicitation` (default both). */
  elicitationModes?: ElicitationModes | undefined;
  /** Roots asked at each `roots/list` (after the fixed `roots`), declared with `listChanged`. */
  listRoots?: ListRoots | undefined;
}

/** A client whose `close()` also runs `afterClose` (the sampling runtime's flush). */
class SamplingClient extends Client {
  afterClose: (() => Promise<void>) | undefined;
  override async close(): Promise<void> {
    try {
      await super.close();
    } finally {
      await this.afterClose?.();
    }
  }
}

/**
 * A client that declares sampling with tools (answered by `handler`: the model's tool calls go back to the
 * server as `tool_use` blocks) and, when `roots` are given, the directories a server may read (as file://
 * roots). Rounds of input_required are capped generously: a long document's map-reduce takes one round per
 * level.
 */
export function buildSamplingClient(
  era: EraMode,
  handler: SamplingHandler,
  roots: readonly string[] = [],
  options: SamplingClientBuild = {},
): Client {
  // `sampling.tools` is declared only when a model that can call tools may answer (see `canUseTools`), so
  // that a server can choose another way (ask_document's retrieval) instead of a request we must refuse.
  const sampling = options.tools === false ? {} : { tools: {} };
  const { listRoots } = options;
  const modes = options.elicitationModes ?? { form: true, url: true };
  const declaredElicitation = {
    ...(modes.form === true && { form: {} }),
    ...(modes.url === true && { url: {} }),
  };
  const elicits = options.elicitation !== undefined && Object.keys(declaredElicitation).length > 0;
  const client = new SamplingClient(options.clientInfo ?? CLIENT_INFO, {
    capabilities: {
      sampling,
      ...(listRoots !== undefined
        ? { roots: { listChanged: true } }
        : roots.length > 0 && { roots: { listChanged: false } }),
      ...(elicits && { elicitation: declaredElicitation }),
    },
    versionNegotiation: versionNegotiation(era),
    inputRequired: { maxRounds: 1000 },
  });
  client.afterClose = options.afterClose;
  client.setRequestHandler('sampling/createMessage', handler);
  const elicit = options.elicitation;
  if (elicit !== undefined && elicits) {
    client.setRequestHandler('elicitation/create', (request, ctx) => elicit(request, ctx.mcpReq.signal));
  }
  const list = roots.map((dir) => ({ uri: pathToFileURL(resolve(dir)).href, name: basename(resolve(dir)) }));
  if (listRoots !== undefined) {
    client.setRequestHandler('roots/list', async () => {
      const more = await listRoots();
      const seen = new Set(list.map((root) => root.uri));
      return { roots: [...list, ...more.filter((root) => !seen.has(root.uri))] };
    });
  } else if (roots.length > 0) {
    client.setRequestHandler('roots/list', async () => ({ roots: list }));
  }
  return client;
}

export interface McpConnection {
  client: Client;
  transport: Transport;
  /** The era the connection landed on. */
  era: 'legacy' | 'modern';
  protocolVersion: string | undefined;
  server: { name: string; version: string } | undefined;
  close(): Promise<void>;
}

/**
 * Connects `client` over `transport` within `timeoutMs` (the era probe included), or until `signal` aborts
 * (the caller gives up: a signal, the host gone); closes the transport on failure.
 */
export async function connectWith<T extends Transport>(
  client: Client,
  transport: T,
  timeoutMs: number | undefined,
  signal?: AbortSignal,
): Promise<McpConnection & { transport: T }> {
  // One deadline for the whole connect: on stdio a probe that times out falls back to `initialize`, which
  // would otherwise get a timeout of its own.
  const deadline = timeoutMs === undefined ? undefined : AbortSignal.timeout(timeoutMs);
  const stops = [deadline, signal].filter((s): s is AbortSignal => s !== undefined);
  const stop = stops.length > 1 ? AbortSignal.any(stops) : stops[0];
  // The SDK's era probe does not listen to a signal; closing the transport ends it (and the probe's sibling).
  const onGiveUp = () => void transport.close().catch(() => {});
  signal?.addEventListener('abort', onGiveUp, { once: true });
  try {
    if (signal?.aborted === true) throw signal.reason;
    await client.connect(transport, {
      ...(timeoutMs !== undefined && { timeout: timeoutMs }),
      ...(stop !== undefined && { signal: stop }),
    });
  } catch (error) {
    await transport.close().catch(() => {});
    if (signal?.aborted === true) {
      const reason: unknown = signal.reason;
      throw new Error(`connecting was given up: ${reason instanceof Error ? reason.message : String(reason)}`, {
        cause: error,
      });
    }
    const timedOut =
      deadline?.aborted === true || (error instanceof SdkError && error.code === SdkErrorCode.RequestTimeout);
    if (timedOut && timeoutMs !== undefined) {
      throw new Error(`no answer within ${timeoutMs / 1000} s while connecting (era probe included)`, {
        cause: error,
      });
    }
    throw error;
  } finally {
    signal?.removeEventListener('abort', onGiveUp);
  }
  // A 2026-07-28 result without resultType is a complete one (SEP-2322), not a protocol violation to fail on.
  if (landedEra(client) === 'modern') assumeCompleteResults(transport);
  const info = client.getServerVersion();
  return {
    client,
    transport,
    era: landedEra(client),
    protocolVersion: client.getNegotiatedProtocolVersion(),
    server: info === undefined ? undefined : { name: info.name, version: info.version },
    close: () => client.close(),
  };
}
