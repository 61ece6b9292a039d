/**
 * Protocol era negotiation on the client side: the era choices and their `versionNegotiation` come from
 * shared/era.ts (the one list of eras); this module adds which era a connection landed on.
 */
import type { Client } from '@modelcontextprotocol/client';

export { ERA_MODES, MODERN_PROTOCOL_VERSION, versionNegotiation, type EraMode } from '../../shared/era.js';

/** The era a connected client is on (a server that negotiated nothing newer is on the legacy era). */
export function landedEra(client: Client): 'legacy' | 'modern' {
  return client.getProtocolEra() ?? 'legacy';
}
