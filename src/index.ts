/**
 * `mcp-sampling`: both public entry points in one import, for code that is both a server and a host.
 * It loads the AI SDK (through the client half): a server that must run without it imports
 * `mcp-sampling/server` instead.
 */
export * from './server/index.js';
export * from './client/index.js';
// Both halves name the same MCP result union; the root takes the server's.
export type { SamplingResult } from './server/index.js';
