import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { RequestView } from '../policy/approval.js';
import { createDashboardPrompter } from './link.js';
import { ensureToken, writeDiscovery } from './paths.js';

const view: RequestView = {
  server: 'silent-test',
  model: 'scripted',
  why: 'test',
  systemPrompt: undefined,
  messages: [{ role: 'user', content: { type: 'text', text: 'hello' } }],
  maxTokens: 10,
  temperature: undefined,
  tools: [],
} as unknown as RequestView;

let home: string;
let silent: Server;
const sockets: Socket[] = [];

beforeEach(async () => {
  home = mkdtempSync(join(tmpdir(), 'mcp-sampling-link-'));
  // A "dashboard" that accepts connections and never answers a byte.
  silent = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => {});
  });
  await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
  ensureToken(home);
  writeDiscovery(
    { port: (silent.address() as AddressInfo).port, pid: process.pid, startedAt: new Date().toISOString() },
    home,
  );
});

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await new Promise((done) => silent.close(done));
  rmSync(home, { recursive: true, force: true });
});

describe('a dashboard that accepts and never answers', () => {
  it('gets a one-line denial saying it does not answer, and a later request is refused the same way', async () => {
    const link = createDashboardPrompter({ home, attachTimeoutMs: 100 });
    for (let i = 0; i < 2; i++) {
      const error = await link.reviewRequest(view, new AbortController().signal).catch((e: unknown) => e);
      expect((error as Error).message).toMatch(/the dashboard does not answer: start the dashboard/);
      expect((error as Error).message).not.toContain('\n');
    }
    link.close();
  });

  it('gives up when the approval signal fires while it is still registering', async () => {
    const link = createDashboardPrompter({ home, attachTimeoutMs: 3_600_000 });
    const controller = new AbortController();
    const decision = link.reviewRequest(view, controller.signal);
    controller.abort();
    expect(await decision).toEqual({ action: 'deny', reason: 'no decision was taken in time' });
    link.close();
  });
});
