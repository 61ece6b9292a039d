/**
 * The environment a spawned stdio server gets, from a list of inherited defaults: never a variable whose
 * name looks like a credential, plus the server-side settings that may cross. No SDK import, so that the
 * CLI can start its own server before it loads the MCP client SDK (src/cli/early-server.ts).
 */
import type { ChildProcess } from 'node:child_process';

import { isSecretName } from '../../config/secret-names.js';

/** Server-side settings that may cross into the child's environment (none of them is a provider key). */
const SERVER_ENV_PASSTHROUGH = ['MCP_SAMPLING_STATE_KEY', 'MCP_SAMPLING_QUIET', 'NODE_OPTIONS'] as const;

/** `defaults` (the inherited variables) without credential-like names, plus the passed-through settings. */
export function buildServerEnvironment(
  defaults: Readonly<Record<string, string>>,
  base: NodeJS.ProcessEnv,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(defaults)) {
    // Names that look like credentials never reach the server, whatever list they come from.
    if (!isSecretName(name)) env[name] = value;
  }
  for (const name of SERVER_ENV_PASSTHROUGH) {
    const value = base[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

/** Two environments with the same variables and values (order aside). */
export function sameEnvironment(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const names = Object.keys(a);
  return names.length === Object.keys(b).length && names.every((name) => Object.hasOwn(b, name) && b[name] === a[name]);
}

/**
 * A stdio server process started ahead of its connection (the CLI's early start), with what it was spawned
 * with: `connectStdio` adopts it only when these are exactly what it would spawn itself.
 */
export interface SpawnedServer {
  child: ChildProcess;
  command: string;
  args: readonly string[];
  env: Readonly<Record<string, string>>;
}
