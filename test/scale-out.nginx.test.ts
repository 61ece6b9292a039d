/**
 * Scale-out behind a real load balancer: three `serve --http` processes (the built CLI) sharing
 * MCP_SAMPLING_STATE_KEY behind nginx on loopback, configured with the block docs/deploy.md shows. Which
 * instance served each request comes from nginx's access log ($upstream_addr). Skipped, with the reason,
 * where nginx is not installed (CI installs Debian's: .ci/run).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { connectHttp } from '../src/client/connect/http.js';
import type { McpConnection } from '../src/client/connect/session.js';
import type { SamplingHandler } from '../src/client/sampling/handler.js';
import { textOf } from './helpers/in-memory.js';
import { findNginx, startNginx, type AccessLine, type RunningNginx } from './helpers/nginx.js';
import { testHandler } from './helpers/runtime.js';

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const NGINX = findNginx();
const SKIP_REASON =
  NGINX === undefined
    ? 'nginx is not installed (apt-get install -y nginx; .ci/run does it)'
    : !existsSync(CLI)
      ? 'dist/ is not built (npm test builds it first)'
      : undefined;
if (SKIP_REASON !== undefined) console.warn(`scale-out.nginx.test.ts skipped: ${SKIP_REASON}`);

const STATE_KEY = 'scale-out-test-shared-state-key-0123456789';
const OTHER_KEY = 'scale-out-test-another-state-key-9876543210';
const PROPOSAL_HEADER = 'X-Mcp-Session-Proposal';

/** Long enough, with a 1024-token context, for a map and several reduce rounds. */
const LONG_DOCUMENT = Array.from(
  { length: 800 },
  (_, i) =>
    `Section ${i + 1} describes the ${i % 2 === 0 ? 'northern' : 'southern'} district in detail. ` +
    `Its population grew by ${i + 3} percent over the decade. Trade with the coast shaped its markets. ` +
    `Local councils argued about roads, schools and the new water supply for years.`,
).join('\n\n');

const SHORT_DOCUMENT = LONG_DOCUMENT.slice(0, 4000);

interface Instance {
  child: ChildProcess;
  /** `127.0.0.1:port`, as nginx's $upstream_addr names it. */
  address: string;
  url: string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  stderr: () => string;
}

let work: string;
const instances: Instance[] = [];

/** The environment of a fresh machine with the given state key: no model key, HOME in the work dir. */
function instanceEnv(stateKey: string): Record<string, string> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/API_KEY|BASE_URL|MCP_SAMPLING|TOKEN/.test(name)),
  ) as Record<string, string>;
  return { ...base, HOME: work, MCP_SAMPLING_STATE_KEY: stateKey };
}

/** `mcp-sampling serve --http --port 0` as deployed behind the balancer, started and listening. */
async function startInstance(stateKey: string): Promise<Instance> {
  const child = spawn(
    process.execPath,
    [CLI, 'serve', '--http', '--port', '0', '--context-tokens', '1024', '--session-id-header', PROPOSAL_HEADER],
    { cwd: work, env: instanceEnv(stateKey), stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString('utf8');
      const match = /(http:\/\/127\.0\.0\.1:\d+\/mcp)/.exec(log);
      if (match !== null) resolve(match[1]!);
    });
    void exited.then(() => reject(new Error(`serve --http exited: ${log}`)));
  });
  const instance = { child, address: new URL(url).host, url, exited, stderr: () => log };
  instances.push(instance);
  return instance;
}

const connections: McpConnection[] = [];
async function connect(
  url: string,
  era: 'legacy' | 'modern',
  handler: SamplingHandler,
  fetch?: typeof globalThis.fetch,
) {
  const connection = await connectHttp({ url, era, handler, ...(fetch !== undefined && { fetch }) });
  connections.push(connection);
  return connection;
}

afterEach(async () => {
  await Promise.all(connections.splice(0).map((c) => c.close().catch(() => {})));
});

/** The rounds of 2026-era tool calls in the access log: one line per tools/call POST. */
const rounds = (lines: AccessLine[]) => lines.filter((line) => line.mcpMethod === 'tools/call');

describe.skipIf(SKIP_REASON !== undefined)('three serve --http instances behind nginx (docs/deploy.md)', () => {
  let nginx: RunningNginx;
  let pool: Instance[];

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'mcp-sampling-scale-out-'));
    pool = await Promise.all([startInstance(STATE_KEY), startInstance(STATE_KEY), startInstance(STATE_KEY)]);
    nginx = await startNginx(
      NGINX!,
      pool.map((instance) => instance.address),
    );
  });

  afterAll(async () => {
    await nginx?.stop();
    for (const instance of instances.splice(0)) {
      if (instance.child.exitCode === null && instance.child.signalCode === null) instance.child.kill('SIGKILL');
      await instance.exited;
    }
    rmSync(work, { recursive: true, force: true });
  });

  it('keeps each 2025-era session on the instance that opened it', async () => {
    const before = nginx.accessLog().length;
    const sessions: string[] = [];
    for (let i = 0; i < 4; i += 1) {
      const connection = await connect(nginx.url, 'legacy', testHandler());
      const result = await connection.client.callTool(
        { name: 'summarize_document', arguments: { document_text: SHORT_DOCUMENT } },
        { timeout: 60_000 },
      );
      expect(result.isError).toBeFalsy();
      expect(textOf(result)).toMatch(/^Summary:\n/);
      // The transport keeps the id the initialize answer named.
      const { sessionId } = connection.transport as { sessionId?: string };
      expect(sessionId).toBeTruthy();
      sessions.push(sessionId!);
      await connection.close();
    }
    const lines = nginx.accessLog().slice(before);
    for (const session of sessions) {
      // The initialize that opened it: the session's id is the one nginx named it with.
      const opened = lines.filter((line) => line.requestId === session);
      expect(opened).toHaveLength(1);
      expect(opened[0]).toMatchObject({ pool: 'mcp_sessions', session: '-', status: 200 });
      const home = opened[0]!.upstreams;
      expect(home).toHaveLength(1);
      // Every later request of the session (initialized, the call, the answers to pushed sampling
      // requests, the DELETE) reached that same instance, first time.
      const later = lines.filter((line) => line.session === session);
      expect(later.length).toBeGreaterThanOrEqual(3);
      for (const line of later) {
        expect(line.pool).toBe('mcp_sessions');
        expect(line.upstreams).toEqual(home);
        expect(line.status).toBeLessThan(400);
      }
    }
  });

  it('serves the rounds of one long 2026-era call on several instances, and finishes it when one is killed', async () => {
    const before = nginx.accessLog().length;
    let killed: Instance | undefined;
    let killing: Promise<unknown> | undefined;
    let roundsBeforeKill = 0;
    const inner = testHandler();
    const handler: SamplingHandler = async (request, ctx) => {
      // In the middle of the call, once two rounds are through: SIGKILL the instance that round-robin
      // would send the next request to, so that nginx finds it dead and fails over.
      const served = rounds(nginx.accessLog().slice(before));
      if (killing === undefined && served.length >= 2) {
        const last = nginx
          .accessLog()
          .slice(before)
          .filter((line) => line.pool === 'mcp_stateless')
          .at(-1)!
          .upstreams.at(-1)!;
        const next = pool[(pool.findIndex((instance) => instance.address === last) + 1) % pool.length]!;
        killed = next;
        roundsBeforeKill = served.length;
        next.child.kill('SIGKILL');
        killing = next.exited;
      }
      await killing;
      return inner(request, ctx);
    };
    const connection = await connect(nginx.url, 'modern', handler);
    const result = await connection.client.callTool(
      { name: 'summarize_document', arguments: { document_text: LONG_DOCUMENT } },
      { timeout: 120_000 },
    );
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toMatch(/^Summary:\n/);
    expect(killed).toBeDefined();

    const served = rounds(nginx.accessLog().slice(before));
    for (const line of served) expect(line).toMatchObject({ pool: 'mcp_stateless', status: 200 });
    // Before the kill, the rounds went round-robin: more than one instance served them.
    const beforeKill = served.slice(0, roundsBeforeKill);
    expect(new Set(beforeKill.map((line) => line.upstreams.at(-1))).size).toBeGreaterThan(1);
    // After it, at least one round was sent to the dead instance first and served by another one.
    const afterKill = served.slice(roundsBeforeKill);
    expect(afterKill.length).toBeGreaterThan(0);
    const failedOver = afterKill.filter((line) => line.upstreams.length > 1);
    expect(failedOver.length).toBeGreaterThan(0);
    for (const line of failedOver) expect(line.upstreams[0]).toBe(killed!.address);
    // Every round after the kill was answered by a live instance.
    for (const line of afterKill) expect(line.upstreams.at(-1)).not.toBe(killed!.address);
    expect(new Set(served.map((line) => line.upstreams.at(-1))).size).toBeGreaterThan(1);
  });

  it('refuses, on an instance with another state key, the rounds the others signed (-32602)', async () => {
    const foreign = await startInstance(OTHER_KEY);
    // The first round goes through nginx (signed by the shared key); every retry goes to the foreign
    // instance, as a balancer would send it to a misconfigured member.
    let retries = 0;
    const misrouted: typeof fetch = async (url, init) => {
      const body = typeof init?.body === 'string' ? init.body : '';
      if (body.includes('"tools/call"') && body.includes('"requestState"')) {
        retries += 1;
        return fetch(foreign.url, init);
      }
      return fetch(url, init);
    };
    let sampled = 0;
    const inner = testHandler();
    const handler: SamplingHandler = async (request, ctx) => {
      sampled += 1;
      return inner(request, ctx);
    };
    const connection = await connect(nginx.url, 'modern', handler, misrouted);
    await expect(
      connection.client.callTool({ name: 'summarize_document', arguments: { document_text: SHORT_DOCUMENT } }),
    ).rejects.toMatchObject({ code: -32602 });
    expect(retries).toBe(1);
    expect(sampled).toBeGreaterThan(0);

    // The same kind of round, retried through nginx, is accepted by whichever instance gets it.
    const ok = await connect(nginx.url, 'modern', testHandler());
    const result = await ok.client.callTool({
      name: 'summarize_document',
      arguments: { document_text: SHORT_DOCUMENT },
    });
    expect(result.isError).toBeFalsy();
  });

  it('drains an instance on SIGTERM: its session call finishes, nginx moves new work elsewhere, it exits 0', async () => {
    const before = nginx.accessLog().length;
    // A 2025-era session whose call is held in the middle, on whichever live instance it landed on.
    let arrived!: () => void;
    const called = new Promise<void>((resolve) => (arrived = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const inner = testHandler();
    const held: SamplingHandler = async (request, ctx) => {
      arrived();
      await released;
      return inner(request, ctx);
    };
    const session = await connect(nginx.url, 'legacy', held);
    const { sessionId } = session.transport as { sessionId?: string };
    // The instance that answered its initialize (after any dead one nginx tried first).
    const home = nginx
      .accessLog()
      .find((line) => line.requestId === sessionId)!
      .upstreams.at(-1)!;
    const draining = pool.find((instance) => instance.address === home)!;
    expect(draining.child.exitCode).toBeNull();
    expect(draining.child.signalCode).toBeNull();
    const call = session.client
      .callTool({ name: 'summarize_document', arguments: { document_text: SHORT_DOCUMENT } }, { timeout: 60_000 })
      .catch((error: unknown) => ({ failed: error }));
    await called;
    draining.child.kill('SIGTERM');
    await expect.poll(() => draining.stderr()).toMatch(/draining 1 request/);
    const health = await fetch(`http://${draining.address}/healthz`);
    expect(health.status).toBe(503);

    // Meanwhile 2026-era calls through nginx still succeed: a round nginx sends to the draining instance
    // is refused with 503 and sent on to another one.
    for (let i = 0; i < 3; i += 1) {
      const modern = await connect(nginx.url, 'modern', testHandler());
      const result = await modern.client.callTool({
        name: 'summarize_document',
        arguments: { document_text: SHORT_DOCUMENT },
      });
      expect(result.isError).toBeFalsy();
    }
    const lines = nginx.accessLog().slice(before);
    const movedOn = lines.filter((line) => line.pool === 'mcp_stateless' && line.upstreams[0] === home);
    expect(movedOn.length).toBeGreaterThan(0);
    for (const line of movedOn) {
      expect(line.status).toBe(200);
      expect(line.upstreams.length).toBeGreaterThan(1);
    }

    // The held call gets its answer through to the draining instance and completes; then it exits 0.
    release();
    const result = await call;
    expect(result).not.toHaveProperty('failed');
    expect(textOf(result as Awaited<ReturnType<typeof session.client.callTool>>)).toMatch(/^Summary:\n/);
    await session.close();
    expect(await draining.exited).toBe(0);
  });
});
