/**
 * Protocol era negotiation, in one place: which `versionNegotiation` mode each `--era` asks the SDK for,
 * and which era a connection landed on.
 */
import type { Client, VersionNegotiationOptions } from '@modelcontextprotocol/client';

import type { EraMode } from '../../shared/era-mode.js';

export { ERA_MODES, type EraMode } from '../../shared/era-mode.js';

/** The protocol revision `--era modern` pins. */
export const MODERN_PROTOCOL_VERSION = '2026-07-28';

/** The SDK's `versionNegotiation` for an era mode: probe (`auto`), pin 2026-07-28 (`modern`), or `legacy`. */
export function versionNegotiation(era: EraMode): VersionNegotiationOptions {
  return { mode: era === 'auto' ? 'auto' : era === 'modern' ? { pin: MODERN_PROTOCOL_VERSION } : 'legacy' };
}

/** The era a connected client is on (a server that negotiated nothing newer is on the legacy era). */
export function landedEra(client: Client): 'legacy' | 'modern' {
  return client.getProtocolEra() ?? 'legacy';
}
