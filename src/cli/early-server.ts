/**
 * The early start of `summarize`'s and `ask`'s own server: spawned as soon as the command line is parsed,
 * before the CLI loads the MCP client SDK and the rest of its client side, so that the two processes load
 * their modules at the same time instead of one after the other (B4 of the benchmarks).
 *
 * It is a guess that the connection checks: `connectStdio` adopts the process only when it was spawned with
 * exactly what it would spawn itself (command, arguments, environment: src/client/connect/stdio.ts), and
 * otherwise stops it and spawns its own. Until then nothing holds the CLI open for it, and when the CLI
 * exits without having taken it (a bad file, a usage error, a failure before connecting), it is stopped.
 *
 * Not on Windows, where the SDK spawns through cross-spawn with another list of inherited variables: the
 * connection spawns its server there as before.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';

import { buildServerEnvironment, type SpawnedServer } from '../client/connect/server-env.js';
import { OWN_SERVER_ARGS, OWN_SERVER_COMMAND } from './server-entry.js';

/**
 * The variables a stdio server inherits on POSIX systems, as the MCP SDK's `getDefaultEnvironment` picks
 * them (a value that starts with `()`, an exported shell function, is left out). If the SDK's list
 * changes, the environments differ, and the connection spawns its own server instead of adopting this one.
 */
const POSIX_INHERITED = ['HOME', 'LOGNAME', 'PATH', 'SHELL', 'TERM', 'USER'] as const;

let early: SpawnedServer | undefined;

/** The environment the early server gets: what the connection would give its server on this system. */
export function earlyServerEnvironment(base: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const inherited: Record<string, string> = {};
  for (const name of POSIX_INHERITED) {
    const value = base[name];
    if (value !== undefined && !value.startsWith('()')) inherited[name] = value;
  }
  return buildServerEnvironment(inherited, base);
}

/**
 * Starts the Document Assistant for a `summarize` or `ask` of `file` (unless `file` does not exist: the
 * command then fails at once, with nothing to connect to). Safe to call more than once: one process.
 */
export function startServerEarly(file: string): void {
  if (early !== undefined || process.platform === 'win32' || !existsSync(file)) return;
  const env = earlyServerEnvironment();
  let child: ChildProcess;
  try {
    child = spawn(OWN_SERVER_COMMAND, [...OWN_SERVER_ARGS], { env, stdio: 'pipe', shell: false });
  } catch {
    return; // The connection spawns its own, and says why if that fails too.
  }
  if (child.pid === undefined) {
    // Spawning failed; the error event says why, and the connection's own spawn will say it again.
    child.once('error', () => {});
    return;
  }
  // Held open by nothing until it is taken: the CLI may still fail and exit first.
  child.once('error', () => {});
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) {
    (stream as { unref?: () => void } | null)?.unref?.();
  }
  const spawned: SpawnedServer = { child, command: OWN_SERVER_COMMAND, args: OWN_SERVER_ARGS, env };
  // A server still running when the CLI exits is one no connection closed: it was never adopted, or the CLI
  // is exiting in the middle of its session (its stdin would end anyway).
  process.once('exit', () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  });
  early = spawned;
}

/**
 * The early server, handed over once (the next call gets undefined). It stays unreferenced, and stopped when
 * the CLI exits, until a connection adopts it (which references it, and closes it as its own); a
 * connection that does not adopt it stops it.
 */
export function takeEarlyServer(): SpawnedServer | undefined {
  const taken = early;
  early = undefined;
  return taken;
}
