/**
 * connectStdio with a server started ahead of it (`spawned`, the CLI's early start): the process is adopted
 * when it was spawned with exactly what the connection would spawn, and is then the connection's server
 * (served, closed and reaped as its own); any other process is stopped and the connection spawns its own.
 * On the built server (dist/cli/main.js serve), both eras.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { afterEach, describe, expect, it } from 'vitest';

import { alive } from '../../../test/helpers/process.js';
import { serverEnvironment, connectStdio, type StdioConnection } from './stdio.js';
import type { SpawnedServer } from './server-env.js';

const SERVER = fileURLToPath(new URL('../../../dist/cli/main.js', import.meta.url));
const ARGS = [SERVER, 'serve'];

const handler = async (): Promise<never> => {
  throw new Error('not asked in these tests');
};

const children: ChildProcess[] = [];
const connections: StdioConnection[] = [];
afterEach(async () => {
  await Promise.all(connections.splice(0).map((connection) => connection.close()));
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function started(args: string[] = ARGS, env: Record<string, string> = serverEnvironment()): SpawnedServer {
  const child = spawn(process.execPath, args, { env, stdio: 'pipe' });
  children.push(child);
  // As the early start leaves it: nothing holds the process open for it until it is adopted.
  child.unref();
  return { child, command: process.execPath, args, env };
}

const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));

async function connect(era: 'legacy' | 'modern', spawned: SpawnedServer, probeInPlace = true) {
  const connection = await connectStdio({
    command: process.execPath,
    args: ARGS,
    era,
    handler,
    probeInPlace,
    spawned,
    timeoutMs: 30_000,
  });
  connections.push(connection);
  return connection;
}

const pidOf = (connection: StdioConnection): number | null => connection.transport.pid;

describe.each(['legacy', 'modern'] as const)('connectStdio with a started server, era %s', (era) => {
  it('adopts a process spawned with its very command, arguments and environment', async () => {
    const spawned = started();
    const connection = await connect(era, spawned);
    expect(pidOf(connection)).toBe(spawned.child.pid);
    expect(connection.era).toBe(era);
    const { tools } = await connection.client.listTools();
    expect(tools.map((tool) => tool.name)).toContain('summarize_document');
    // Closing the connection ends the adopted process, as it ends one it spawned.
    await connection.close();
    await exited(spawned.child);
    expect(alive(spawned.child.pid!)).toBe(false);
  });

  it('stops a process spawned with other arguments, and spawns its own', async () => {
    const spawned = started([SERVER, 'serve', '--concurrency', '2']);
    const connection = await connect(era, spawned);
    await exited(spawned.child);
    expect(spawned.child.signalCode).toBe('SIGTERM');
    expect(pidOf(connection)).not.toBe(spawned.child.pid);
    expect((await connection.client.listTools()).tools.length).toBeGreaterThan(0);
  });

  it('stops a process spawned with another environment, and spawns its own', async () => {
    const spawned = started(ARGS, { ...serverEnvironment(), MCP_SAMPLING_QUIET: '1', EXTRA: 'x' });
    const connection = await connect(era, spawned);
    await exited(spawned.child);
    expect(pidOf(connection)).not.toBe(spawned.child.pid);
  });

  it('does not adopt without probeInPlace (the SDK would probe the era on a sibling)', async () => {
    const spawned = started();
    const connection = await connect(era, spawned, false);
    await exited(spawned.child);
    expect(pidOf(connection)).not.toBe(spawned.child.pid);
  });

  it('spawns its own when the started process has already exited', async () => {
    const spawned = started([SERVER, 'no-such-command']);
    await exited(spawned.child);
    const connection = await connect(era, { ...spawned, args: ARGS });
    expect(pidOf(connection)).not.toBeNull();
    expect(pidOf(connection)).not.toBe(spawned.child.pid);
    expect((await connection.client.listTools()).tools.length).toBeGreaterThan(0);
  });
});
