/**
 * The dashboard's HTTP surface, on Hono: the pages (server-rendered HTML, pages.ts) and their script and
 * styles (files under public/, uPlot from its package), the browser's API (state, live events over SSE,
 * usage, decisions, "always / never for this server") and the client processes' API (attach, ask, usage).
 *
 * Security (docs/architecture.md, "The dashboard", has the whole model): every request's Host must be this dashboard's loopback
 * address (DNS rebinding); browser routes need the session cookie (HttpOnly, SameSite=Strict) that the
 * token in the printed URL buys once; every state-changing browser request must also carry this
 * dashboard's Origin and the session's CSRF token; client routes need the token as a bearer and refuse any
 * Origin (a page cannot be a client). Every response has a strict CSP and no-sniff, no-referrer,
 * frame-ancestors none. Decisions are taken once.
 */
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getCookie, setCookie } from 'hono/cookie';
import { streamSSE } from 'hono/streaming';
import type * as z from 'zod/v4';

import { applyConfigEdit, planServerApproval, type ConfigEdit } from '../config/edit.js';
import { CONFIG_FILE_NAME, loadConfig, type LoadedConfig } from '../config/load.js';
import type { Hub, HubEvent } from './hub.js';
import { createLoginCodes, type LoginCodes } from './login-codes.js';
import { approvalsPage, loginPage, usagePage } from './pages.js';
import {
  AskSchema,
  CompletionDecisionSchema,
  DecideSchema,
  PolicyChangeSchema,
  RegisterSchema,
  RequestDecisionSchema,
  UsageReportSchema,
} from './protocol.js';
import { buildUsageReport } from './usage.js';

export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** A pending request's view may hold images (base64): client bodies may be large, browser bodies not. */
const CLIENT_BODY_LIMIT = 32 * 1024 * 1024;
const BROWSER_BODY_LIMIT = 4 * 1024 * 1024;
/** Sessions kept at once (each browser that opened the URL); the oldest goes first. */
const MAX_SESSIONS = 64;
const KEEPALIVE_MS = 15_000;

export interface DashboardAppOptions {
  hub: Hub;
  token: string;
  /** The port it listens on (known once it listens). */
  port: () => number;
  /** The config in force for usage and budgets (read again on each usage request). */
  loadConfig: () => LoadedConfig;
  /** The one-time codes the printed URL carries (default: a set of its own). */
  loginCodes?: LoginCodes | undefined;
}

const PUBLIC_DIR = new URL('../../public/', import.meta.url);
const require = createRequire(import.meta.url);

function asset(file: string | URL, type: string) {
  const body = readFileSync(file);
  return { body, type };
}

/** The static files, read once: the page script and styles, and uPlot (bundled with the package). */
function loadAssets() {
  const uplotDir = join(require.resolve('uplot'), '..');
  return new Map([
    ['app.js', asset(new URL('app.js', PUBLIC_DIR), 'text/javascript; charset=utf-8')],
    ['app.css', asset(new URL('app.css', PUBLIC_DIR), 'text/css; charset=utf-8')],
    ['uPlot.esm.js', asset(join(uplotDir, 'uPlot.esm.js'), 'text/javascript; charset=utf-8')],
    ['uPlot.min.css', asset(join(uplotDir, 'uPlot.min.css'), 'text/css; charset=utf-8')],
  ]);
}

function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function problem(c: Context, status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 503, error: string) {
  return c.json({ ok: false, error }, status);
}

export function createDashboardApp(options: DashboardAppOptions): Hono {
  const { hub, token } = options;
  const loginCodes = options.loginCodes ?? createLoginCodes();
  const assets = loadAssets();
  const sessions = new Map<string, { csrf: string }>();
  const plans = new Map<string, { edit: ConfigEdit; pendingId: string; approval: 'auto' | 'deny' }>();
  const cookieName = () => `mcp_sampling_ui_${options.port()}`;
  const hosts = () => [`127.0.0.1:${options.port()}`, `localhost:${options.port()}`];
  const origins = () => hosts().map((host) => `http://${host}`);

  const app = new Hono();

  // Headers on every answer, refusals included.
  app.use(async (c, next) => {
    await next();
    c.header('Content-Security-Policy', CSP);
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
    c.header('X-Frame-Options', 'DENY');
    c.header('Cross-Origin-Opener-Policy', 'same-origin');
    c.header('Cross-Origin-Resource-Policy', 'same-origin');
    if (!c.res.headers.has('Cache-Control')) c.header('Cache-Control', 'no-store');
  });

  // DNS rebinding: a page served from another name that resolves to 127.0.0.1 sends that name as Host.
  app.use(async (c, next) => {
    if (!hosts().includes(c.req.header('host') ?? '')) return problem(c, 403, 'forbidden: unexpected Host header');
    return next();
  });

  const session = (c: Context) => {
    const id = getCookie(c, cookieName());
    return id === undefined ? undefined : sessions.get(id);
  };

  const browser: MiddlewareHandler = async (c, next) => {
    if (session(c) === undefined) return problem(c, 401, 'not signed in: open the URL that `mcp-sampling ui` printed');
    return next();
  };

  /** State-changing browser requests: this dashboard's Origin and the session's CSRF token. */
  const changes: MiddlewareHandler = async (c, next) => {
    const own = session(c);
    if (own === undefined) return problem(c, 401, 'not signed in: open the URL that `mcp-sampling ui` printed');
    if (!origins().includes(c.req.header('origin') ?? ''))
      return problem(c, 403, 'forbidden: foreign or missing Origin');
    if (!sameSecret(c.req.header('x-csrf-token'), own.csrf))
      return problem(c, 403, 'forbidden: missing or wrong CSRF token');
    if (!(c.req.header('content-type') ?? '').startsWith('application/json')) {
      return problem(c, 415, 'the body must be application/json');
    }
    return next();
  };

  const client: MiddlewareHandler = async (c, next) => {
    // A browser page always sends Origin on a POST; a client process never does.
    if (c.req.header('origin') !== undefined) return problem(c, 403, 'forbidden: client routes take no Origin');
    const auth = c.req.header('authorization') ?? '';
    const given = auth.startsWith('Bearer ') ? auth.slice('Bearer '.length) : undefined;
    if (!sameSecret(given, token)) return problem(c, 401, 'unauthorized: wrong or missing token');
    if (!(c.req.header('content-type') ?? '').startsWith('application/json')) {
      return problem(c, 415, 'the body must be application/json');
    }
    return next();
  };

  const limit = (maxSize: number) =>
    bodyLimit({ maxSize, onError: (c) => problem(c, 413, `the body is larger than ${maxSize} bytes`) });

  async function body<T>(c: Context, schema: z.ZodType<T>): Promise<T | Response> {
    let json: unknown;
    try {
      json = await c.req.json();
    } catch {
      return problem(c, 400, 'the body is not valid JSON');
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return problem(c, 400, `invalid body: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
    }
    return parsed.data;
  }

  app.get('/healthz', (c) => c.json({ ok: true, name: 'mcp-sampling-ui', pid: process.pid }));

  app.get('/assets/:file', (c) => {
    const file = assets.get(c.req.param('file'));
    if (file === undefined) return c.text('not found', 404);
    c.header('Content-Type', file.type);
    c.header('Cache-Control', 'no-cache');
    return c.body(new Uint8Array(file.body));
  });

  const page = (render: (csrf: string) => string) => (c: Context) => {
    const code = c.req.query('code');
    const given = c.req.query('token');
    if (code !== undefined || given !== undefined) {
      // The printed URL's one-time code; or the token itself, pasted from its 0600 file.
      if (code !== undefined && !loginCodes.take(code)) {
        return c.html(
          loginPage('This sign-in link was used already or has expired: run `mcp-sampling ui` again.'),
          401,
        );
      }
      if (code === undefined && !sameSecret(given, token)) {
        return c.html(loginPage('The token in this URL is wrong.'), 401);
      }
      const id = randomBytes(32).toString('base64url');
      sessions.set(id, { csrf: randomBytes(32).toString('base64url') });
      if (sessions.size > MAX_SESSIONS) sessions.delete(sessions.keys().next().value!);
      setCookie(c, cookieName(), id, { httpOnly: true, sameSite: 'Strict', path: '/' });
      // Drop the code from the address bar and the history.
      return c.redirect(c.req.path, 303);
    }
    const own = session(c);
    if (own === undefined) return c.html(loginPage('Open the URL that `mcp-sampling ui` printed.'), 401);
    return c.html(render(own.csrf));
  };
  app.get('/', page(approvalsPage));
  app.get('/usage', page(usagePage));

  app.get('/api/state', browser, (c) => c.json({ processes: hub.processes(), pending: hub.pending() }));

  app.get('/api/usage', browser, async (c) => {
    const loaded = options.loadConfig();
    return c.json(
      await buildUsageReport({
        config: loaded.config,
        auditPath: loaded.auditPath,
        statePath: loaded.statePath,
        processes: hub.processes(),
      }),
    );
  });

  app.get('/api/events', browser, (c) =>
    streamSSE(c, async (stream) => {
      let wake: (() => void) | undefined;
      let queue: HubEvent[] = [];
      const unsubscribe = hub.subscribe((event) => {
        // Only the newest event of each kind matters: a slow page holds at most one of each.
        queue = [...queue.filter((queued) => queued.type !== event.type), event];
        wake?.();
      });
      let open = true;
      stream.onAbort(() => {
        open = false;
        unsubscribe();
        wake?.();
      });
      await stream.writeSSE({ event: 'processes', data: JSON.stringify(hub.processes()) });
      await stream.writeSSE({ event: 'pending', data: JSON.stringify(hub.pending()) });
      while (open) {
        const event = queue.shift();
        if (event === undefined) {
          await new Promise<void>((resolve) => {
            wake = resolve;
            setTimeout(resolve, KEEPALIVE_MS).unref();
          });
          wake = undefined;
          if (queue.length === 0 && open) await stream.writeSSE({ event: 'ping', data: '' });
          continue;
        }
        const data = event.type === 'processes' ? event.processes : event.type === 'pending' ? event.pending : {};
        await stream.writeSSE({ event: event.type, data: JSON.stringify(data) });
      }
    }),
  );

  app.post('/api/decide', limit(BROWSER_BODY_LIMIT), changes, async (c) => {
    const given = await body(c, DecideSchema);
    if (given instanceof Response) return given;
    const entry = hub.get(given.id);
    if (entry !== undefined) {
      const schema = entry.stage === 'request' ? RequestDecisionSchema : CompletionDecisionSchema;
      const parsed = schema.safeParse(given.decision);
      if (!parsed.success) return problem(c, 400, `invalid decision for a ${entry.stage} review`);
      const outcome = hub.decide(given.id, parsed.data);
      return outcome.ok ? c.json({ ok: true }) : problem(c, outcome.status, outcome.reason);
    }
    // Not pending: the hub says whether it is unknown (404) or finished (409); nothing is decided.
    const outcome = hub.decide(given.id, { action: 'approve' });
    return outcome.ok ? c.json({ ok: true }) : problem(c, outcome.status, outcome.reason);
  });

  app.post('/api/policy/preview', limit(BROWSER_BODY_LIMIT), changes, async (c) => {
    const given = await body(c, PolicyChangeSchema);
    if (given instanceof Response) return given;
    const entry = hub.get(given.id);
    if (entry === undefined) return problem(c, 404, 'no such pending request');
    const owner = hub.process(entry.processId);
    const file = owner?.configFile ?? (owner?.cwd === undefined ? undefined : join(owner.cwd, CONFIG_FILE_NAME));
    if (file === undefined) return problem(c, 409, 'the process did not say where its config file is');
    let edit: ConfigEdit;
    try {
      edit = planServerApproval(file, entry.view.server, given.approval);
    } catch (error) {
      return problem(c, 409, (error as Error).message);
    }
    const planId = randomUUID();
    plans.set(planId, { edit, pendingId: entry.id, approval: given.approval });
    if (plans.size > 100) plans.delete(plans.keys().next().value!);
    return c.json({
      ok: true,
      planId,
      file: edit.file,
      exists: edit.exists,
      diff: edit.diff,
      server: entry.view.server,
    });
  });

  app.post('/api/policy/apply', limit(BROWSER_BODY_LIMIT), changes, async (c) => {
    const given = await body(c, DecideSchema.pick({ id: true }));
    if (given instanceof Response) return given;
    const plan = plans.get(given.id);
    if (plan === undefined) return problem(c, 404, 'no such change: show the diff again');
    plans.delete(given.id);
    try {
      await applyConfigEdit(plan.edit);
    } catch (error) {
      return problem(c, 409, (error as Error).message);
    }
    // The request that asked is decided the same way (later processes read the new policy at start).
    const entry = hub.get(plan.pendingId);
    const server = entry?.view.server ?? '';
    if (entry !== undefined) {
      hub.decide(
        plan.pendingId,
        plan.approval === 'auto'
          ? { action: 'approve' }
          : entry.stage === 'request'
            ? { action: 'deny', reason: `never for server '${server}'` }
            : { action: 'reject', reason: `never for server '${server}'` },
      );
    }
    return c.json({ ok: true, file: plan.edit.file });
  });

  // The client processes' side.

  // A second `mcp-sampling ui` prints (and opens) a fresh one-time code of this dashboard.
  app.post('/client/login-code', limit(BROWSER_BODY_LIMIT), client, (c) =>
    c.json({ ok: true, code: loginCodes.issue() }),
  );

  app.post('/client/attach', limit(BROWSER_BODY_LIMIT), client, async (c) => {
    const info = await body(c, RegisterSchema);
    if (info instanceof Response) return info;
    const entry = hub.register(info);
    if (entry === undefined) return problem(c, 503, 'too many processes are registered');
    // Registered while this stream is open: it closes when the process ends or dies.
    return streamSSE(c, async (stream) => {
      let open = true;
      stream.onAbort(() => {
        open = false;
        hub.unregister(entry.id);
      });
      await stream.writeSSE({ event: 'registered', data: JSON.stringify({ id: entry.id }) });
      while (open) {
        await stream.sleep(KEEPALIVE_MS);
        if (open) await stream.writeSSE({ event: 'ping', data: '' });
      }
    });
  });

  app.post('/client/ask', limit(CLIENT_BODY_LIMIT), client, async (c) => {
    const question = await body(c, AskSchema);
    if (question instanceof Response) return question;
    const asked = hub.ask(question);
    if (typeof asked === 'string') return problem(c, 409, asked);
    // The asker hanging up (its own timeout, a cancelled request, the process gone) ends it on the page too.
    const signal = c.req.raw.signal;
    const onAbort = () => asked.cancel('the process stopped waiting');
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    const decision = await asked.decided;
    signal.removeEventListener('abort', onAbort);
    return c.json({ ok: true, id: asked.id, decision: decision ?? null });
  });

  app.post('/client/usage', limit(BROWSER_BODY_LIMIT), client, async (c) => {
    const report = await body(c, UsageReportSchema);
    if (report instanceof Response) return report;
    return hub.reportUsage(report.processId, report.usage) ? c.json({ ok: true }) : problem(c, 404, 'no such process');
  });

  return app;
}

/** The config the dashboard reads for usage and budgets: the one `mcp-sampling ui --config` names, or found as the CLI finds it. */
export function dashboardConfig(explicit: string | undefined, env: Readonly<Record<string, string | undefined>>) {
  return () => loadConfig({ explicit, env });
}
