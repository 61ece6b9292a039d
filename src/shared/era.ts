/**
 * The protocol-era choice a client makes (`--era`). Its own module so that the CLI can list the choices
 * without loading the MCP client SDK (which `serve` never needs).
 */
export type EraMode = 'legacy' | 'modern' | 'auto';
export const ERA_MODES: readonly EraMode[] = ['legacy', 'modern', 'auto'];
