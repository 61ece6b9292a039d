/**
 * connectStdio's failure paths: a server that never answers is stopped when connecting gives up (the
 * deadline or the caller's signal), and is gone by the time the error reaches the caller, on every era mode.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { connectStdio } from './stdio.js';
import { alive } from '../../../test/helpers/process.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A server that never answers; every process started from it (probe sibling, session) notes its pid. */
function hangingServer(): { args: string[]; pids: () => number[] } {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-stdio-hang-'));
  dirs.push(dir);
  const file = join(dir, 'pids');
  const code = `require("node:fs").appendFileSync(${JSON.stringify(file)}, process.pid + "\\n"); setInterval(() => {}, 1000)`;
  return {
    args: ['-e', code],
    pids: () => readFileSync(file, 'utf8').trim().split('\n').map(Number),
  };
}

const handler = async (): Promise<never> => {
  throw new Error('not asked in these tests');
};

describe.each(['auto', 'legacy', 'modern'] as const)('connectStdio, era %s, a server that never answers', (era) => {
  it('the deadline: the error says so, and the server is gone when it arrives', async () => {
    const server = hangingServer();
    await expect(
      connectStdio({ command: process.execPath, args: server.args, era, handler, timeoutMs: 1000 }),
    ).rejects.toThrow(/no answer within 1 s while connecting/);
    expect(server.pids().length).toBeGreaterThan(0);
    expect(server.pids().filter(alive)).toEqual([]);
  });

  it('the caller gives up (its signal): the error says why, and the server is gone when it arrives', async () => {
    const server = hangingServer();
    const giveUp = new AbortController();
    const connecting = connectStdio({
      command: process.execPath,
      args: server.args,
      era,
      handler,
      timeoutMs: 30_000,
      signal: giveUp.signal,
    });
    // Once a process has started (the era probe's sibling, or the session's own).
    for (let i = 0; i < 400; i++) {
      try {
        if (server.pids().length > 0) break;
      } catch {
        // Not yet.
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    giveUp.abort(new Error('the host closed the connection'));
    await expect(connecting).rejects.toThrow(/connecting was given up: the host closed the connection/);
    expect(server.pids().filter(alive)).toEqual([]);
  });
});

// The session's own process is read by our framing: on 2025, and on the other modes when the era is probed
// in place. A probe on the SDK's sibling process is read by the SDK alone, so its lines are not seen here.
describe.each([
  ['legacy', false],
  ['auto', true],
  ['modern', true],
] as const)('connectStdio, era %s (probe in place: %s), a program that is not an MCP server', (era, probeInPlace) => {
  it('stdout lines that are not JSON: the error quotes the first one', async () => {
    const code = 'process.stdin.on("data", () => console.log("Welcome to my program!"))';
    await expect(
      connectStdio({ command: process.execPath, args: ['-e', code], era, handler, timeoutMs: 1000, probeInPlace }),
    ).rejects.toThrow(/may not be an MCP server: its stdout had a line that is not JSON: "Welcome to my program!"/);
  });

  it('JSON that is not JSON-RPC: the error says so', async () => {
    const code = 'process.stdin.on("data", () => console.log(JSON.stringify({ hello: 1 })))';
    await expect(
      connectStdio({ command: process.execPath, args: ['-e', code], era, handler, timeoutMs: 1000, probeInPlace }),
    ).rejects.toThrow(/may not be an MCP server: its stdout had a message that is not JSON-RPC/);
  });
});
