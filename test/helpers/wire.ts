/**
 * The one wiring helper of the end-to-end tests: a real server and a real client, connected in memory,
 * over stdio (the built CLI's `serve`, spawned) or over Streamable HTTP (`startHttpServer` on 127.0.0.1
 * port 0), on a chosen era. `ERAS` is the list of eras the tests iterate; `versionNegotiation` (the client's
 * own mapping from an era to the SDK's setting) is re-exported for tests that build a client themselves.
 *
 *   await using wired = await wire({ era, handler: testHandler() });
 *   const result = await wired.client.callTool({ name: 'summarize_document', arguments: { … } });
 */
import { fileURLToPath } from 'node:url';

import { Client, InMemoryTransport } from '@modelcontextprotocol/client';
import type { McpServer } from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';

import { versionNegotiation } from '../../src/client/connect/era.js';
import { connectHttp } from '../../src/client/connect/http.js';
import { buildSamplingClient } from '../../src/client/connect/session.js';
import { connectStdio } from '../../src/client/connect/stdio.js';
import type { SamplingHandler } from '../../src/client/sampling/handler.js';
import { createDocumentAssistant, type DocumentAssistantOptions } from '../../src/server/create-server.js';
import { clientRootsAccess } from '../../src/server/documents/file-access.js';
import { guardTransport } from '../../src/server/sampling/guard-inbound.js';
import {
  startHttpServer,
  type HttpServeOptions,
  type RunningHttpServer,
} from '../../src/server/transports/http/serve-http.js';

/** The protocol eras every end-to-end test runs on: 2025-11-25 (pushed requests) and 2026-07-28 (rounds). */
export const ERAS = ['legacy', 'modern'] as const;
export type Era = (typeof ERAS)[number];

/** The SDK client's `versionNegotiation` for an era: the client's own mapping (src/client/connect/era.ts). */
export { versionNegotiation };

/** The built CLI, which `transport: 'stdio'` spawns (`npm test` builds it first). */
export const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/** Server options of the Document Assistant in memory; the file-access rule defaults to stdio's (the client's roots). */
export type InMemoryServerOptions = Omit<DocumentAssistantOptions, 'fileAccess'> &
  Partial<Pick<DocumentAssistantOptions, 'fileAccess'>>;

interface CommonOptions {
  era: Era;
  /**
   * Our sampling client answers with it (`buildSamplingClient`). Without a handler and a `client`, the
   * client declares no sampling capability at all (memory only).
   */
  handler?: SamplingHandler | undefined;
  /** Directories the client declares as roots. */
  roots?: readonly string[] | undefined;
  /** Declare `sampling.tools` (default true). */
  tools?: boolean | undefined;
}

export type WireOptions = CommonOptions &
  (
    | {
        transport?: 'memory';
        /** The Document Assistant's options, or a factory of any server (connected as given: no guard). */
        server?: InMemoryServerOptions | (() => McpServer);
        /** A client the test built itself (connected as given; `handler`, `roots`, `tools` are then unused). */
        client?: Client;
      }
    | {
        transport: 'stdio';
        /** The command that starts the server. Default: the built CLI's `serve`. */
        server?: { command: string; args: string[] };
      }
    | {
        transport: 'http';
        /** Options of `startHttpServer` (port 0 and a quiet log unless given). */
        server?: HttpServeOptions;
        /** Sent as `Authorization: Bearer …`. */
        bearerToken?: string;
      }
  );

export interface Wired extends AsyncDisposable {
  client: Client;
  /** Over HTTP: the running server and its endpoint. */
  http?: RunningHttpServer;
  url?: string;
  /** Closes the client, then the server. */
  close(): Promise<void>;
}

const QUIET = { info: () => {}, error: () => {} };

function wired(client: Client, close: () => Promise<void>, http?: RunningHttpServer): Wired {
  return {
    client,
    ...(http !== undefined && { http, url: http.url }),
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** Connects a real server and a real client on `options.era`; fails if they land on another era. */
export async function wire(options: WireOptions): Promise<Wired> {
  const { era } = options;
  /** Fails when the connection landed on another era, closing it first so no server is left running. */
  const checkOrClose = async (client: Client, close: () => Promise<void>) => {
    if (client.getProtocolEra() === era) return;
    const landed = client.getProtocolEra();
    await close().catch(() => {});
    throw new Error(`expected the ${era} era, got ${landed}`);
  };
  if (options.transport === 'stdio' || options.transport === 'http') {
    if (options.handler === undefined) throw new Error(`wire: a ${options.transport} client needs a handler`);
    const common = {
      era,
      handler: options.handler,
      ...(options.roots !== undefined && { roots: options.roots }),
      ...(options.tools !== undefined && { tools: options.tools }),
    };
    if (options.transport === 'stdio') {
      const { command, args } = options.server ?? { command: process.execPath, args: [CLI, 'serve'] };
      const connection = await connectStdio({ ...common, command, args, probeInPlace: true });
      await checkOrClose(connection.client, () => connection.close());
      return wired(connection.client, () => connection.close());
    }
    const http = await startHttpServer({ port: 0, log: QUIET, ...options.server });
    try {
      const connection = await connectHttp({
        ...common,
        url: http.url,
        ...(options.bearerToken !== undefined && { bearerToken: options.bearerToken }),
      });
      await checkOrClose(connection.client, () => connection.close());
      return wired(
        connection.client,
        async () => {
          await connection.close();
          await http.close();
        },
        http,
      );
    } catch (error) {
      await http.close();
      throw error;
    }
  }
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  const served =
    typeof options.server === 'function'
      ? serveStdio(options.server, { transport: serverTransport })
      : // The server as `serve` runs it: the client's roots, and the inbound guard on its transport.
        serveStdio(createDocumentAssistant({ fileAccess: clientRootsAccess(), ...options.server }), {
          transport: guardTransport(serverTransport),
        });
  const client =
    options.client ??
    (options.handler === undefined
      ? new Client({ name: 'no-sampling-client', version: '1.0.0' }, { versionNegotiation: versionNegotiation(era) })
      : buildSamplingClient(era, options.handler, options.roots ?? [], { tools: options.tools !== false }));
  await client.connect(clientTransport);
  const close = async () => {
    await client.close();
    await served.close();
  };
  await checkOrClose(client, close);
  return wired(client, close);
}

/** The text blocks of a tool result, one per line. */
export function textOf(result: { content?: unknown }): string {
  const blocks = (result.content ?? []) as { type: string; text?: string }[];
  return blocks.map((block) => (block.type === 'text' ? (block.text ?? '') : '')).join('\n');
}
