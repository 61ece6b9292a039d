/**
 * The dashboard over real HTTP (the built `mcp-sampling ui` in a temporary HOME): the token, the session
 * cookie, Host (DNS rebinding), Origin and CSRF checks, the security headers; decisions taken once (a
 * replay, an unknown or a finished request are refused); processes that register through the client link
 * and leave; "always for this server" writing the config through its schema; and the one-line denial
 * when no dashboard runs.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { RequestView } from '../src/policy/approval.js';
import { createDashboardPrompter } from '../src/ui/link.js';
import { CLI, cliEnv, removeHome, runCall, startDashboardCli, type RunningDashboard } from './helpers/dashboard.js';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request with exactly the headers given (fetch would not let a test set Host). */
function send(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: {
          host: `127.0.0.1:${port}`,
          ...(data !== undefined && { 'content-type': 'application/json', 'content-length': String(data.length) }),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }),
        );
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

const VIEW: RequestView = {
  server: 'notes-server',
  model: { provider: 'embedded', id: 'extractive-summarizer', reason: 'the default' },
  systemPrompt: 'You summarize.',
  messages: [{ role: 'user', content: { type: 'text', text: 'Summarize: the rain in Spain.' } }],
  maxTokens: 300,
  temperature: 0.7,
};

describe('the dashboard over HTTP', () => {
  let ui: RunningDashboard;
  /** The browser's sign-in: the cookie header and the CSRF token of its page. */
  let cookie: string;
  let csrf: string;

  beforeAll(async () => {
    ui = await startDashboardCli();
    const signIn = await send(ui.port, 'GET', `/?code=${ui.code}`, {});
    expect(signIn.status).toBe(303);
    expect(signIn.headers['location']).toBe('/');
    const setCookie = String(signIn.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    cookie = setCookie.split(';')[0]!;
    const page = await send(ui.port, 'GET', '/', { cookie });
    expect(page.status).toBe(200);
    csrf = /<meta name="csrf-token" content="([^"]+)">/.exec(page.body)?.[1] ?? '';
    expect(csrf).not.toBe('');
  });
  afterAll(async () => {
    await ui?.stop();
    if (ui !== undefined) removeHome(ui.home);
  });

  const browserPost = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    send(ui.port, 'POST', path, { cookie, origin: ui.origin, 'x-csrf-token': csrf, ...headers }, body);
  const pending = async () =>
    (JSON.parse((await send(ui.port, 'GET', '/api/state', { cookie })).body) as { pending: { id: string }[] }).pending;
  const processes = async () =>
    (JSON.parse((await send(ui.port, 'GET', '/api/state', { cookie })).body) as { processes: { label: string }[] })
      .processes;

  it('keeps its token in a 0600 file in a 0700 directory, and prints a loopback URL with a one-time code, not the token', () => {
    expect(ui.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?code=[A-Za-z0-9_-]{22}$/);
    expect(ui.url).not.toContain(ui.token);
    const dir = join(ui.home, '.mcp-sampling');
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'ui-token')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'ui-token'), 'utf8').trim()).toBe(ui.token);
    const discovery = JSON.parse(readFileSync(join(dir, 'ui.json'), 'utf8')) as { port: number };
    expect(discovery.port).toBe(ui.port);
  });

  it('sends a strict CSP, nosniff, no-referrer and frame-ancestors none, on pages and refusals alike', async () => {
    for (const reply of [await send(ui.port, 'GET', '/', { cookie }), await send(ui.port, 'GET', '/api/state', {})]) {
      const csp = String(reply.headers['content-security-policy']);
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).toContain("frame-ancestors 'none'");
      expect(reply.headers['x-content-type-options']).toBe('nosniff');
      expect(reply.headers['referrer-policy']).toBe('no-referrer');
    }
    const page = await send(ui.port, 'GET', '/', { cookie });
    expect(page.body).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(page.body).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/);
  });

  it('signs in once with the printed code: a replayed code gets no cookie', async () => {
    const replay = await send(ui.port, 'GET', `/?code=${ui.code}`, {});
    expect(replay.status).toBe(401);
    expect(replay.headers['set-cookie']).toBeUndefined();
    expect(replay.body).toMatch(/used already or has expired/);
  });

  it('gives a second `mcp-sampling ui` a fresh code of the running dashboard', async () => {
    const second = await send(ui.port, 'POST', '/client/login-code', { authorization: `Bearer ${ui.token}` }, {});
    expect(second.status).toBe(200);
    const code = (JSON.parse(second.body) as { code: string }).code;
    expect(code).not.toBe(ui.code);
    expect((await send(ui.port, 'GET', `/?code=${code}`, {})).status).toBe(303);
    // `mcp-sampling ui` run again in the same home prints such a code for the running dashboard.
    const again = await startDashboardCli(ui.home);
    expect(again.port).toBe(ui.port);
    expect(again.code).not.toBe(ui.code);
    expect((await send(ui.port, 'GET', `/?code=${again.code}`, {})).status).toBe(303);
    await again.stop();
    const stranger = await send(ui.port, 'POST', '/client/login-code', { authorization: 'Bearer wrong' }, {});
    expect(stranger.status).toBe(401);
  });

  it('refuses a wrong token: no cookie, and nothing without one', async () => {
    const wrong = await send(ui.port, 'GET', `/?token=${'x'.repeat(43)}`, {});
    expect(wrong.status).toBe(401);
    expect(wrong.headers['set-cookie']).toBeUndefined();
    expect((await send(ui.port, 'GET', '/api/state', {})).status).toBe(401);
    expect((await send(ui.port, 'GET', '/api/usage', { cookie: 'mcp_sampling_ui_1=forged' })).status).toBe(401);
    const client = await send(ui.port, 'POST', '/client/attach', { authorization: 'Bearer wrong' }, {});
    expect(client.status).toBe(401);
    const none = await send(ui.port, 'POST', '/client/ask', {}, {});
    expect(none.status).toBe(401);
  });

  it('refuses a DNS-rebinding Host, even with the right token', async () => {
    const page = await send(ui.port, 'GET', `/?token=${ui.token}`, { host: `attacker.example:${ui.port}` });
    expect(page.status).toBe(403);
    expect(page.headers['set-cookie']).toBeUndefined();
    const state = await send(ui.port, 'GET', '/api/state', { cookie, host: `attacker.example:${ui.port}` });
    expect(state.status).toBe(403);
    const client = await send(
      ui.port,
      'POST',
      '/client/attach',
      { authorization: `Bearer ${ui.token}`, host: 'attacker.example' },
      { label: 'x', pid: 1 },
    );
    expect(client.status).toBe(403);
  });

  it('refuses a state change from a foreign Origin, or with no Origin', async () => {
    const foreign = await browserPost(
      '/api/decide',
      { id: 'x', decision: { action: 'approve' } },
      { origin: 'http://attacker.example' },
    );
    expect(foreign.status).toBe(403);
    expect(foreign.body).toContain('Origin');
    const missing = await send(
      ui.port,
      'POST',
      '/api/decide',
      { cookie, 'x-csrf-token': csrf },
      { id: 'x', decision: {} },
    );
    expect(missing.status).toBe(403);
    // Client routes take no Origin at all: a page can never act as a client process.
    const page = await send(
      ui.port,
      'POST',
      '/client/attach',
      { authorization: `Bearer ${ui.token}`, origin: ui.origin },
      { label: 'x', pid: 1 },
    );
    expect(page.status).toBe(403);
  });

  it('refuses a state change without the CSRF token, or with a wrong one', async () => {
    const without = await send(
      ui.port,
      'POST',
      '/api/decide',
      { cookie, origin: ui.origin },
      { id: 'x', decision: {} },
    );
    expect(without.status).toBe(403);
    expect(without.body).toContain('CSRF');
    const wrong = await browserPost('/api/decide', { id: 'x', decision: {} }, { 'x-csrf-token': 'y'.repeat(43) });
    expect(wrong.status).toBe(403);
  });

  it('takes a decision once: it reaches the process, a replay is refused, and an unknown id is not found', async () => {
    const link = createDashboardPrompter({ label: 'replay test', home: ui.home, approvalMs: 60_000 });
    try {
      const decided = link.reviewRequest(VIEW, new AbortController().signal);
      await expect.poll(pending).toHaveLength(1);
      const [entry] = await pending();
      expect((await processes()).map((p) => p.label)).toContain('replay test');
      const approve = { id: entry!.id, decision: { action: 'edit', lastUserText: 'Summarize: the plain.' } };
      expect((await browserPost('/api/decide', approve)).status).toBe(200);
      expect(await decided).toEqual({ action: 'edit', lastUserText: 'Summarize: the plain.' });
      const replay = await browserPost('/api/decide', { id: entry!.id, decision: { action: 'approve' } });
      expect(replay.status).toBe(409);
      const unknown = await browserPost('/api/decide', { id: 'no-such-request', decision: { action: 'approve' } });
      expect(unknown.status).toBe(404);
      const invalid = await browserPost('/api/decide', { id: entry!.id, decision: { action: 'launch' } });
      expect(invalid.status).toBe(409);
    } finally {
      link.close();
    }
    await expect.poll(async () => (await processes()).map((p) => p.label)).not.toContain('replay test');
  });

  it('serves several processes at once: each is listed, and each decision reaches its own process', async () => {
    const first = createDashboardPrompter({ label: 'first process', home: ui.home });
    const second = createDashboardPrompter({ label: 'second process', home: ui.home });
    try {
      const one = first.reviewRequest({ ...VIEW, server: 'server-one' }, new AbortController().signal);
      const two = second.reviewRequest({ ...VIEW, server: 'server-two' }, new AbortController().signal);
      await expect.poll(pending).toHaveLength(2);
      expect((await processes()).map((p) => p.label).sort()).toEqual(['first process', 'second process']);
      const all = (await pending()) as unknown as { id: string; process: string }[];
      const byProcess = Object.fromEntries(all.map((entry) => [entry.process, entry.id]));
      const deny = { action: 'deny', reason: 'not this one' };
      expect((await browserPost('/api/decide', { id: byProcess['second process'], decision: deny })).status).toBe(200);
      expect(await two).toEqual(deny);
      expect(
        (await browserPost('/api/decide', { id: byProcess['first process'], decision: { action: 'approve' } })).status,
      ).toBe(200);
      expect(await one).toEqual({ action: 'approve' });
    } finally {
      first.close();
      second.close();
    }
    await expect.poll(processes).toEqual([]);
  });

  it('refuses a decision for a request whose process stopped waiting, and the process denies', async () => {
    const link = createDashboardPrompter({ label: 'timeout test', home: ui.home, approvalMs: 60_000 });
    try {
      const gaveUp = new AbortController();
      const decided = link.reviewRequest(VIEW, gaveUp.signal);
      await expect.poll(pending).toHaveLength(1);
      const [entry] = await pending();
      gaveUp.abort();
      expect(await decided).toMatchObject({ action: 'deny' });
      await expect.poll(pending).toHaveLength(0);
      const late = await browserPost('/api/decide', { id: entry!.id, decision: { action: 'approve' } });
      expect(late.status).toBe(409);
      expect(late.body).toContain('finished');
    } finally {
      link.close();
    }
  });

  it('"always for this server": shows the diff, writes servers.<name>.approval through the schema, approves', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-sampling-ui-config-'));
    const file = join(dir, 'mcp-sampling.config.json');
    writeFileSync(file, JSON.stringify({ servers: { '*': { approval: 'ask' } } }, null, 2));
    const link = createDashboardPrompter({ label: 'policy test', home: ui.home, configFile: file });
    try {
      const decided = link.reviewRequest(VIEW, new AbortController().signal);
      await expect.poll(pending).toHaveLength(1);
      const [entry] = await pending();
      const preview = await browserPost('/api/policy/preview', { id: entry!.id, approval: 'auto' });
      expect(preview.status).toBe(200);
      const plan = JSON.parse(preview.body) as { planId: string; diff: string[]; file: string };
      expect(plan.file).toBe(file);
      expect(plan.diff).toContain('+     "notes-server": {');
      expect(plan.diff).toContain('+       "approval": "auto"');
      // Nothing is written before the confirmation.
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ servers: { '*': { approval: 'ask' } } });
      expect((await browserPost('/api/policy/apply', { id: plan.planId })).status).toBe(200);
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
        servers: { '*': { approval: 'ask' }, 'notes-server': { approval: 'auto' } },
      });
      expect(await decided).toEqual({ action: 'approve' });
      // A confirmation is used once.
      expect((await browserPost('/api/policy/apply', { id: plan.planId })).status).toBe(404);
    } finally {
      link.close();
      removeHome(dir);
    }
  });

  it('refuses to start a second dashboard on a port in use, with one line', async () => {
    const home = mkdtempSync(join(tmpdir(), 'mcp-sampling-ui-second-'));
    try {
      const child = spawn(process.execPath, [CLI, 'ui', '--port', String(ui.port), '--no-open'], {
        cwd: home,
        env: cliEnv(home),
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).toBe(1);
      expect(stderr.trim().split('\n')).toEqual([expect.stringMatching(/port \d+ on 127\.0\.0\.1 is in use.*--port/)]);
    } finally {
      removeHome(home);
    }
  });
});

describe('without a dashboard', () => {
  it('a process that must ask denies with one line saying how to start the dashboard', async () => {
    const home = mkdtempSync(join(tmpdir(), 'mcp-sampling-ui-none-'));
    try {
      const link = createDashboardPrompter({ home });
      const asked = link.reviewRequest(VIEW, new AbortController().signal);
      await expect(asked).rejects.toThrow(/no dashboard is running: start the dashboard with `mcp-sampling ui`/);
      await expect(asked).rejects.toMatchObject({ name: 'PolicyRefusal', kind: 'denied' });
    } finally {
      removeHome(home);
    }
  });

  it('mcp-sampling call with approval "ask" and no terminal denies with one line naming mcp-sampling ui', async () => {
    const home = mkdtempSync(join(tmpdir(), 'mcp-sampling-ui-nocall-'));
    try {
      writeFileSync(join(home, 'mcp-sampling.config.json'), JSON.stringify({ servers: { '*': { approval: 'ask' } } }));
      const { done } = runCall(
        home,
        home,
        'summarize_document',
        { document_text: 'Trees cool streets. They hold rain.' },
        'modern',
      );
      const result = await done;
      expect(result.code).toBe(1);
      expect(`${result.stdout}${result.stderr}`).toMatch(
        /no dashboard is running: start the dashboard with `mcp-sampling ui`/,
      );
      expect(result.stdout).not.toContain('Summary:');
    } finally {
      removeHome(home);
    }
  });

  it('mcp-sampling ui --port 70000 is bad input: one line, exit 2', async () => {
    const home = mkdtempSync(join(tmpdir(), 'mcp-sampling-ui-port-'));
    try {
      const child = spawn(process.execPath, [CLI, 'ui', '--port', '70000', '--no-open'], {
        cwd: home,
        env: cliEnv(home),
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).toBe(2);
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr).toMatch(/--port/);
    } finally {
      removeHome(home);
    }
  });
});
