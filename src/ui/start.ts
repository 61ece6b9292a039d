/**
 * `mcp-sampling ui`: starts the dashboard on 127.0.0.1, writes the discovery file, prints the URL with a
 * one-time login code on one line (login-codes.ts), opens the browser (best effort), and runs until SIGINT / SIGTERM, when every waiting
 * process gets no decision (so it denies) and the discovery file is removed. With a dashboard already
 * running for this user, it prints (and opens) that one's URL, with a fresh code, instead.
 */
import { watch, type FSWatcher } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { basename, dirname } from 'node:path';

import { createAdaptorServer } from '@hono/node-server';

import { loadClientEnv } from '../config/env.js';
import { spawnOpener } from '../shared/system-opener.js';
import { createDashboardApp, dashboardConfig } from './app.js';
import { createHub } from './hub.js';
import { createLoginCodes } from './login-codes.js';
import { ensureToken, readDiscovery, removeDiscovery, writeDiscovery } from './paths.js';

export const DEFAULT_PORT = 7077;

export interface StartOptions {
  port: number;
  open: boolean;
  config?: string | undefined;
}

/** A failure with a one-line message and an exit code (1 unless said). */
export class DashboardStartError extends Error {
  override readonly name = 'DashboardStartError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** The printed (and opened) URL: it carries a one-time login code, never the long-lived token. */
export const dashboardUrl = (port: number, code: string) => `http://127.0.0.1:${port}/?code=${code}`;

/** A fresh one-time code from the dashboard already running on `port`, or undefined when it gives none. */
async function loginCodeFrom(port: number, token: string): Promise<string | undefined> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/client/login-code`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
      signal: AbortSignal.timeout(2000),
    });
    const body = (await response.json()) as { code?: unknown };
    return typeof body.code === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(body.code) ? body.code : undefined;
  } catch {
    return undefined;
  }
}

/** Opens `url` in the user's browser; never fails (a machine without one just prints the URL). */
function openBrowser(url: string): void {
  void spawnOpener(url).then((child) => child?.unref());
}

async function answers(port: number): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2000) });
    const body = (await response.json()) as { name?: unknown };
    return body.name === 'mcp-sampling-ui';
  } catch {
    return false;
  }
}

/** Watches the audit log so that open usage pages refresh when a line is written (no polling). */
function watchAudit(path: string, onChange: () => void): FSWatcher | undefined {
  let timer: NodeJS.Timeout | undefined;
  try {
    const watcher = watch(dirname(path), (_event, name) => {
      if (name !== null && name !== basename(path)) return;
      clearTimeout(timer);
      timer = setTimeout(onChange, 200);
    });
    watcher.on('error', () => {});
    watcher.unref();
    return watcher;
  } catch {
    // No directory yet (no audit log): pages refresh when a decision is taken.
    return undefined;
  }
}

export async function startDashboard(options: StartOptions): Promise<void> {
  const loadConfig = dashboardConfig(options.config, loadClientEnv());
  // A bad config is bad input (exit 2), said before anything listens.
  const loaded = loadConfig();
  const token = ensureToken();

  const running = readDiscovery();
  const code =
    running !== undefined && (await answers(running.port)) ? await loginCodeFrom(running.port, token) : undefined;
  if (running !== undefined && code !== undefined) {
    const url = dashboardUrl(running.port, code);
    process.stdout.write(`${url}\n`);
    process.stderr.write(`mcp-sampling: the dashboard is already running (pid ${running.pid})\n`);
    if (options.open) openBrowser(url);
    return;
  }

  const hub = createHub();
  let port = options.port;
  const loginCodes = createLoginCodes();
  const app = createDashboardApp({ hub, token, port: () => port, loadConfig, loginCodes });
  const server = createAdaptorServer({ fetch: app.fetch });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        new DashboardStartError(
          error.code === 'EADDRINUSE'
            ? `port ${options.port} on 127.0.0.1 is in use: stop what runs there, or choose another with --port`
            : `cannot listen on 127.0.0.1:${options.port}: ${error.message}`,
        ),
      );
    });
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  writeDiscovery({ port, pid: process.pid, startedAt: new Date().toISOString() });
  const watcher = watchAudit(loaded.auditPath, () => hub.auditChanged());

  const url = dashboardUrl(port, loginCodes.issue());
  process.stdout.write(`${url}\n`);
  if (options.open) openBrowser(url);

  let stopping = false;
  const stop = () => {
    if (stopping) process.exit(0);
    stopping = true;
    hub.close();
    watcher?.close();
    removeDiscovery(process.pid);
    server.close(() => process.exit(0));
    // Event streams stay open until their browsers go: do not wait for them.
    if ('closeAllConnections' in server) server.closeAllConnections();
    setTimeout(() => process.exit(0), 1000).unref();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
