/**
 * `mcp-sampling bridge`: a stdio MCP server for the host and an MCP client of the upstream server (a
 * command after `--`, or `--server <url>`), opened by openClientSession (the user's config, policy, audit,
 * models; the minimal environment for a spawned server; the bearer token). The host sees the upstream's
 * offer (proxy-server.ts) and never sees sampling: the bridge answers it. Approval asks the host
 * (host-prompter.ts); the upstream's elicitations go to the host when it can answer them, and are declined
 * otherwise; roots are the host's (followed while connected) plus `--root`. A 2025-era host is sent those
 * requests; a 2026-era host gets them in input_required rounds of its own calls (host-rounds.ts).
 *
 * stdout is the protocol; everything else goes to stderr. The bridge ends when the host closes stdin.
 */
import type { Readable, Writable } from 'node:stream';

import type { ElicitRequest, ElicitResult } from '@modelcontextprotocol/client';
import {
  CLIENT_CAPABILITIES_META_KEY,
  isJSONRPCRequest,
  PROTOCOL_VERSION_META_KEY,
  ProtocolError,
  ProtocolErrorCode,
  Server,
  type InputRequest,
  type JSONRPCMessage,
  type Transport,
} from '@modelcontextprotocol/server';
import { serveStdio as sdkServeStdio } from '@modelcontextprotocol/server/stdio';

import type { EraMode } from '../../client/connect/era.js';
import type { DeclaredRoot } from '../../client/connect/session.js';
import { createStdioServerTransport } from '../../server/transports/serve-stdio.js';
import { PACKAGE_VERSION } from '../../shared/version.js';
import { openClientSession, type ClientSession, type ServerTarget } from '../client-session.js';
import { errorText, type Output } from '../output.js';
import { createFastPath, type FastPath } from './fast-path.js';
import { createHostPrompter, type AskHost, type HostAnswer } from './host-prompter.js';
import { createHostRounds, type HostNeed } from './host-rounds.js';
import { createProxyServer, proxiedServerInfo, type Upstream } from './proxy-server.js';

/** How long connecting to the upstream may take by default (less than a host's own 60 s wait). */
export const DEFAULT_BRIDGE_CONNECT_TIMEOUT_MS = 30_000;
/** How long the person at the host has to answer a form passed on (the policy's own timeout still applies). */
const ELICIT_TIMEOUT_MS = 10 * 60 * 1000;
/** Upstream stderr lines kept to explain a crash. */
const KEPT_LOG_LINES = 5;

export interface BridgeOptions {
  target: ServerTarget;
  era: EraMode;
  config?: string | undefined;
  roots?: readonly string[] | undefined;
  timeoutMs?: number | undefined;
  verbose?: boolean | undefined;
  /** The host's side. Default: this process's stdin and stdout. */
  stdin?: Readable;
  stdout?: Writable;
  /** Default: stderr. */
  log?: (line: string) => void;
}

/** The host-facing servers alive now (the stdio entry pins one per connection; a 2026 probe makes another). */
interface HostSide {
  current: { server: Server; era: 'legacy' | 'modern' } | undefined;
}

/** Output of the upstream session: the bridge's stdout is the protocol, so everything goes to the log. */
function bridgeOutput(log: (line: string) => void, verbose: boolean, serverLines: string[]): Output {
  return {
    json: false,
    verbose,
    step: (label, text) => log(`${label}: ${text}`),
    detail: (text) => {
      if (text.startsWith('server: ')) {
        serverLines.push(text.slice('server: '.length));
        if (serverLines.length > KEPT_LOG_LINES) serverLines.shift();
      }
      if (verbose) log(text);
    },
    summary: (text) => log(text),
    result: () => {},
  };
}

/**
 * What the host can answer, read from its first message (before the upstream connects, so that the bridge
 * declares to the upstream only what the host can take): a 2025-era `initialize`'s capabilities, or the
 * capabilities in a 2026-era request's envelope (`io.modelcontextprotocol/clientCapabilities`; such a host
 * is asked in input_required rounds of its own calls, host-rounds.ts).
 */
export interface HostAbilities {
  /** The elicitation modes the host answers (a bare `elicitation: {}` is form). */
  elicitation: { form: boolean; url: boolean };
  roots: boolean;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** The capabilities a host's first message declares: an `initialize`'s, or a 2026-era request's envelope. */
function declaredBy(first: JSONRPCMessage | undefined): unknown {
  if (first === undefined || !isJSONRPCRequest(first) || !isObject(first.params)) return undefined;
  if (first.method === 'initialize') return first.params['capabilities'];
  const meta = first.params['_meta'];
  return isObject(meta) && meta[PROTOCOL_VERSION_META_KEY] !== undefined
    ? meta[CLIENT_CAPABILITIES_META_KEY]
    : undefined;
}

/** The host's abilities from its first message (anything else than those two: none). */
export function hostAbilitiesOf(first: JSONRPCMessage | undefined): HostAbilities {
  const none: HostAbilities = { elicitation: { form: false, url: false }, roots: false };
  const capabilities = declaredBy(first);
  if (!isObject(capabilities)) return none;
  const elicitation = capabilities['elicitation'];
  const modes = isObject(elicitation) ? elicitation : undefined;
  const bare = modes !== undefined && modes['form'] === undefined && modes['url'] === undefined;
  return {
    elicitation: {
      form: modes !== undefined && (bare || modes['form'] !== undefined),
      url: modes?.['url'] !== undefined && modes['url'] !== null,
    },
    roots: isObject(capabilities['roots']),
  };
}

/** The host's server, when it is a 2025-era connection (the era the bridge can send requests on). */
function legacyHost(host: HostSide): Server | undefined {
  const current = host.current;
  return current === undefined || current.era !== 'legacy' ? undefined : current.server;
}

/**
 * The host's stdio, read before anything is served: `first` resolves with the host's first message (or
 * undefined when stdin ends first); `relay()` is the transport the bridge then serves, which receives the
 * held messages first. Once `fastPath` is set, it is offered each message before the relay (fast-path.ts),
 * and it watches what the relay sends.
 */
function holdHostWire(stdin: Readable, stdout: Writable) {
  const wire = createStdioServerTransport(stdin, stdout);
  const held: JSONRPCMessage[] = [];
  let relay: Transport | undefined;
  let fast: FastPath | undefined;
  let firstSeen!: (message: JSONRPCMessage | undefined) => void;
  const first = new Promise<JSONRPCMessage | undefined>((resolve) => (firstSeen = resolve));
  wire.onmessage = (message: JSONRPCMessage) => {
    if (relay?.onmessage !== undefined) {
      if (fast?.take(message) !== true) relay.onmessage(message);
    } else {
      held.push(message);
      firstSeen(message);
    }
  };
  const ended = () => firstSeen(undefined);
  wire.onclose = () => {
    ended();
    relay?.onclose?.();
  };
  stdin.once('end', ended);
  stdin.once('close', ended);
  const started = wire.start();
  return {
    wire,
    first: started.then(() => first),
    set fastPath(path: FastPath) {
      fast = path;
    },
    relay(): Transport {
      stdin.off('end', ended);
      stdin.off('close', ended);
      const mine: Transport = {
        start: async () => {
          for (const message of held.splice(0)) mine.onmessage?.(message);
        },
        send: (message) => {
          fast?.sent(message);
          return wire.send(message);
        },
        close: () => wire.close(),
      };
      relay = mine;
      return mine;
    },
  };
}

/**
 * When the upstream cannot be reached: a 2025-era host's `initialize` gets `message` as its error; a
 * 2026-era host discovers a server (its probe must succeed for any error to reach it) whose every request
 * fails with `message`. Served until the host closes stdin.
 */
async function serveFailure(
  message: string,
  hostWire: ReturnType<typeof holdHostWire>,
  stdin: Readable,
  log: (line: string) => void,
) {
  const { wire } = hostWire;
  const inner = hostWire.relay();
  const relay: Transport = {
    start: () => inner.start(),
    send: (out) => wire.send(out),
    close: () => wire.close(),
  };
  const closed = new Promise<void>((resolve) => {
    inner.onclose = () => {
      relay.onclose?.();
      resolve();
    };
    stdin.once('end', resolve);
    stdin.once('close', resolve);
  });
  inner.onmessage = (incoming: JSONRPCMessage) => {
    if (isJSONRPCRequest(incoming) && incoming.method === 'initialize') {
      void wire
        .send({ jsonrpc: '2.0', id: incoming.id, error: { code: ProtocolErrorCode.InternalError, message } })
        .catch((error: unknown) => log(`cannot answer the host: ${(error as Error).message}`));
      return;
    }
    relay.onmessage?.(incoming);
  };
  const fail = async (): Promise<never> => {
    throw new ProtocolError(ProtocolErrorCode.InternalError, message);
  };
  const handle = sdkServeStdio(
    () => {
      const server = new Server(
        { name: 'mcp-sampling bridge (no upstream)', version: PACKAGE_VERSION },
        { capabilities: { tools: {} }, instructions: message },
      );
      server.setRequestHandler('tools/list', fail);
      server.setRequestHandler('tools/call', fail);
      server.fallbackRequestHandler = fail;
      return server;
    },
    { transport: relay, onerror: (error) => log(error.message) },
  );
  await closed;
  await handle.close().catch(() => {});
  await wire.close().catch(() => {});
}

/** Runs the bridge until the host closes stdin (or a signal); resolves when everything is closed. */
export async function runBridge(options: BridgeOptions): Promise<void> {
  const stdin = options.stdin ?? process.stdin;
  const stdout = options.stdout ?? process.stdout;
  const log = options.log ?? ((line: string) => process.stderr.write(`[mcp-sampling bridge] ${line}\n`));
  const serverLines: string[] = [];
  const out = bridgeOutput(log, options.verbose === true, serverLines);
  const host: HostSide = { current: undefined };

  // The host's first message says what it can answer: the upstream is offered that, and no more.
  const hostWire = holdHostWire(stdin, stdout);
  const first = await hostWire.first;
  if (first === undefined) {
    await hostWire.wire.close().catch(() => {});
    return;
  }
  const abilities = hostAbilitiesOf(first);
  const hostAnswers = (mode: 'form' | 'url'): Server | undefined => {
    const server = legacyHost(host);
    return server !== undefined && abilities.elicitation[mode] ? server : undefined;
  };
  // A 2026-era host is asked in input_required rounds of its own open calls (host-rounds.ts).
  const rounds = createHostRounds({ ttlMs: ELICIT_TIMEOUT_MS, log });
  const modernHost = () => host.current?.era === 'modern';
  const askInRounds = (params: Record<string, unknown>, need: HostNeed, signal?: AbortSignal) =>
    modernHost()
      ? rounds.ask({ method: 'elicitation/create', params } as InputRequest, need, signal)?.then(
          (result) => result as ElicitResult,
          // Unanswered (the call ended, the host cancelled or never retried): as the host's own cancel.
          (): ElicitResult => ({ action: 'cancel' }),
        )
      : undefined;

  const askHost: AskHost = (form, signal) => {
    const server = hostAnswers('form');
    const answer =
      server !== undefined
        ? server.elicitInput({ mode: 'form', ...form } as never, { signal, timeout: ELICIT_TIMEOUT_MS })
        : askInRounds({ mode: 'form', ...form }, 'form', signal);
    return answer?.then((result): HostAnswer =>
      result.action === 'accept'
        ? { action: 'accept' as const, content: result.content ?? {} }
        : { action: result.action },
    );
  };

  // The upstream's own elicitations go to the host in the modes it answers; declined otherwise.
  const elicitation = async (request: ElicitRequest, signal?: AbortSignal): Promise<ElicitResult> => {
    const mode = request.params.mode === 'url' ? 'url' : 'form';
    const server = hostAnswers(mode);
    if (server !== undefined) {
      return server.elicitInput(request.params, {
        timeout: ELICIT_TIMEOUT_MS,
        ...(signal !== undefined && { signal }),
      });
    }
    // On 2026-07-28 a URL elicitation has no elicitationId (the call's own rounds correlate it), and the
    // upstream's progress token means nothing to the host.
    const {
      elicitationId: _id,
      _meta,
      ...params
    } = request.params as ElicitRequest['params'] & {
      elicitationId?: string;
    };
    void _id;
    const { progressToken: _token, ...meta } = _meta ?? {};
    void _token;
    const asked = { ...params, ...(Object.keys(meta).length > 0 && { _meta: meta }) };
    return (await askInRounds(asked, mode, signal)) ?? { action: 'decline' };
  };

  // The host's roots, asked when the upstream asks (a host that declared roots); `--root` besides. A
  // 2026-era host can be asked only during one of its calls: otherwise the roots it gave last are used.
  let lastHostRoots: DeclaredRoot[] = [];
  const listRoots = async (): Promise<DeclaredRoot[]> => {
    const server = legacyHost(host);
    try {
      if (server !== undefined) {
        const { roots } = await server.listRoots(undefined, { timeout: 10_000 });
        return roots.map((root) => ({ uri: root.uri, ...(root.name !== undefined && { name: root.name }) }));
      }
      const asked = modernHost() ? rounds.ask({ method: 'roots/list' } as InputRequest, 'roots') : undefined;
      if (asked === undefined) return lastHostRoots;
      const { roots } = (await asked) as { roots: { uri: string; name?: unknown }[] };
      lastHostRoots = roots.map((root) => ({
        uri: root.uri,
        ...(typeof root.name === 'string' && { name: root.name }),
      }));
      return lastHostRoots;
    } catch (error) {
      log(`cannot list the host's roots: ${(error as Error).message}`);
      return server !== undefined ? [] : lastHostRoots;
    }
  };

  // The host may leave, or the bridge be stopped, while the upstream connects: give up then, and stop it.
  const giveUp = new AbortController();
  const hostLeft = () => giveUp.abort(new Error('the host closed the connection'));
  const stopped = () => giveUp.abort(new Error('the bridge was stopped'));
  const connecting = (on: boolean) => {
    if (on) {
      stdin.on('end', hostLeft);
      process.on('SIGTERM', stopped).on('SIGINT', stopped);
    } else {
      stdin.off('end', hostLeft);
      process.off('SIGTERM', stopped).off('SIGINT', stopped);
    }
  };
  if (stdin.readableEnded) hostLeft();
  connecting(true);
  let session: ClientSession;
  try {
    session = await openClientSession({
      target: options.target,
      era: options.era,
      config: options.config,
      roots: options.roots ?? [],
      timeoutMs: options.timeoutMs ?? DEFAULT_BRIDGE_CONNECT_TIMEOUT_MS,
      out,
      prompter: createHostPrompter(askHost),
      elicitation,
      elicitationModes: abilities.elicitation,
      ...(abilities.roots && { listRoots }),
      interrupt: false,
      signal: giveUp.signal,
    });
    connecting(false);
  } catch (error) {
    connecting(false);
    if (giveUp.signal.aborted) {
      log(`gave up connecting to the server: ${(giveUp.signal.reason as Error).message}`);
      await hostWire.wire.close().catch(() => {});
      return;
    }
    // Bad config and the like end here too: the host shows the error on its first request.
    const lastLog = serverLines.length > 0 ? ` (its last words: ${serverLines.at(-1)})` : '';
    const message = `mcp-sampling bridge: ${errorText(error)}${lastLog}`;
    log(message);
    await serveFailure(message, hostWire, stdin, log);
    return;
  }

  const { connection } = session;
  const { client } = connection;
  let gone: string | undefined;
  let closing = false;
  const previousOnClose = client.onclose;
  client.onclose = () => {
    previousOnClose?.();
    if (gone === undefined) {
      const last = serverLines.at(-1);
      gone = `is no longer connected (it exited or closed the connection${last !== undefined ? `; its last words: ${last}` : ''})`;
      if (!closing) log(`the upstream server ${gone}`);
    }
  };
  const upstream: Upstream = { client, server: connection.server, gone: () => gone, rounds };

  // The upstream's notifications, passed to the host.
  const toHost = (send: (server: Server) => Promise<void>) => {
    const current = host.current;
    if (current !== undefined) void send(current.server).catch(() => {});
  };
  client.setNotificationHandler('notifications/tools/list_changed', () => toHost((s) => s.sendToolListChanged()));
  client.setNotificationHandler('notifications/prompts/list_changed', () => toHost((s) => s.sendPromptListChanged()));
  client.setNotificationHandler('notifications/resources/list_changed', () =>
    toHost((s) => s.sendResourceListChanged()),
  );
  client.setNotificationHandler('notifications/resources/updated', (n) =>
    toHost((s) => s.sendResourceUpdated(n.params)),
  );
  client.setNotificationHandler('notifications/message', (n) =>
    toHost((s) => s.notification({ method: 'notifications/message', params: n.params })),
  );

  const transport = hostWire.relay();
  // Plain tool calls skip the host-facing SDK server (fast-path.ts); everything else is served by it.
  const fastPath = createFastPath(
    upstream,
    {
      era: () => host.current?.era,
      serverInfo: proxiedServerInfo(upstream),
      send: (message) => hostWire.wire.send(message),
      log,
    },
    connection.era,
  );
  hostWire.fastPath = fastPath;
  let ended!: () => void;
  const closed = new Promise<void>((resolve) => (ended = resolve));
  const handle = sdkServeStdio(
    ({ era }) => {
      const server = createProxyServer(upstream);
      const mine = { server, era };
      host.current = mine;
      // The host's roots changed: tell the upstream, which asks again.
      server.setNotificationHandler('notifications/roots/list_changed', () => {
        void client.sendRootsListChanged().catch(() => {});
      });
      // The upstream listed the roots before this host came: it has roots of its own to add now.
      server.oninitialized = () => {
        if (era === 'legacy' && abilities.roots) {
          void client.sendRootsListChanged().catch(() => {});
        }
      };
      server.onclose = () => {
        if (host.current !== mine) return;
        host.current = undefined;
        // The host went away: its calls waiting between rounds are cancelled, and so are their upstream calls.
        if (era === 'modern') rounds.close();
      };
      return server;
    },
    { transport, onerror: (error) => log(error.message) },
  );
  const stop = () => ended();
  stdin.once('end', stop);
  stdin.once('close', stop);
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  log(
    `${connection.server?.name ?? 'server'} (era ${connection.era}) is served on stdio through the bridge; ` +
      'sampling is answered here',
  );
  await closed;
  closing = true;
  rounds.close();
  fastPath.close();
  stdin.off('end', stop);
  stdin.off('close', stop);
  process.off('SIGTERM', stop);
  process.off('SIGINT', stop);
  await handle.close().catch((error: unknown) => log((error as Error).message));
  await session.close().catch((error: unknown) => log(`closing the upstream: ${(error as Error).message}`));
}
