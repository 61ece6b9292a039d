/**
 * A real Document Assistant server and a real sampling client, linked in memory, on a chosen era: a thin
 * wrapper over wire.ts for the tests written against `connectInMemory`.
 */
import type { Client } from '@modelcontextprotocol/client';

import type { SamplingHandler } from '../../src/client/sampling/handler.js';
import { textOf, wire, type Era, type InMemoryServerOptions } from './wire.js';

export { textOf, type InMemoryServerOptions };

export interface InMemoryPair {
  client: Client;
  close(): Promise<void>;
}

export async function connectInMemory(
  era: Era,
  handler: SamplingHandler | undefined,
  serverOptions: InMemoryServerOptions = {},
): Promise<InMemoryPair> {
  return wire({ era, handler, server: serverOptions });
}
