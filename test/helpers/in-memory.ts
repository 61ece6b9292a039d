/**
 * A real Document Assistant server and a real sampling client, linked in memory, on a chosen era.
 */
import { type Client, InMemoryTransport } from '@modelcontextprotocol/client';
import { serveStdio } from '@modelcontextprotocol/server/stdio';

import { createSamplingClient } from '../../src/client/connect/session.js';
import type { SamplingHandler } from '../../src/client/sampling/handler.js';
import { createDocumentAssistant, type DocumentAssistantOptions } from '../../src/server/create-server.js';
import { clientRootsAccess } from '../../src/server/documents/file-access.js';
import { guardTransport } from '../../src/server/sampling/guard-inbound.js';
import { versionNegotiation } from '../../src/shared/era.js';

/** Server options for an in-memory pair; the file-access rule defaults to stdio's (the client's roots). */
export type InMemoryServerOptions = Omit<DocumentAssistantOptions, 'fileAccess'> &
  Partial<Pick<DocumentAssistantOptions, 'fileAccess'>>;

export interface InMemoryPair {
  client: Client;
  close(): Promise<void>;
}

export async function connectInMemory(
  era: 'legacy' | 'modern',
  handler: SamplingHandler | undefined,
  serverOptions: InMemoryServerOptions = {},
): Promise<InMemoryPair> {
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  const served = serveStdio(createDocumentAssistant({ fileAccess: clientRootsAccess(), ...serverOptions }), {
    transport: guardTransport(serverTransport),
  });
  const client =
    handler === undefined
      ? new (await import('@modelcontextprotocol/client')).Client(
          { name: 'no-sampling-client', version: '1.0.0' },
          { versionNegotiation: versionNegotiation(era) },
        )
      : createSamplingClient(era, handler);
  await client.connect(clientTransport);
  if (client.getProtocolEra() !== era) throw new Error(`expected the ${era} era, got ${client.getProtocolEra()}`);
  return {
    client,
    close: async () => {
      await client.close();
      await served.close();
    },
  };
}

export function textOf(result: { content?: unknown }): string {
  const blocks = (result.content ?? []) as { type: string; text?: string }[];
  return blocks.map((block) => (block.type === 'text' ? (block.text ?? '') : '')).join('\n');
}
