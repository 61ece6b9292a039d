/**
 * The protocol eras, named once: the choice a client makes (`--era`), the two eras a connection can land
 * on, and how a choice becomes the SDK client's `versionNegotiation`. Its own module, free of SDK imports,
 * so that the CLI can list the choices without loading the MCP client SDK (which `serve` never needs).
 */

/** The protocol-era choice a client makes (`--era`). */
export type EraMode = 'legacy' | 'modern' | 'auto';
export const ERA_MODES: readonly EraMode[] = ['legacy', 'modern', 'auto'];

/** The era a connection lands on: 2025 (`legacy`, pushed requests) or 2026-07-28 (`modern`, rounds). */
export type Era = Exclude<EraMode, 'auto'>;
export const ERAS: readonly Era[] = ['legacy', 'modern'];

/** The protocol version of the modern era. */
export const MODERN_PROTOCOL_VERSION = '2026-07-28';

/** The SDK client's `versionNegotiation` option for an era choice. */
export function versionNegotiation(era: EraMode): { mode: 'auto' | 'legacy' | { pin: string } } {
  return { mode: era === 'auto' ? 'auto' : era === 'modern' ? { pin: MODERN_PROTOCOL_VERSION } : 'legacy' };
}
