/**
 * The client side of the dashboard: a `Prompter` (policy/approval.ts) that sends each approval to the
 * running `mcp-sampling ui` and waits for the person's decision. It finds the dashboard through the
 * discovery file and authenticates with the user's token (paths.ts), over HTTP on 127.0.0.1 only.
 *
 * The process registers by opening one long-lived attach request (`connect()`, at start when the policy
 * asks, else on the first approval); the dashboard lists it while that connection is open, so a process
 * that ends or dies leaves the page by itself. The connection never keeps the process alive.
 *
 * No dashboard, one that does not answer, or one that goes away: the request is refused with one line
 * saying how to start one. A request with no decision in time is denied. Nothing is ever approved without
 * a person's decision.
 */
import { request, type ClientRequest, type IncomingMessage } from 'node:http';

import { PolicyRefusal } from '../policy/gate.js';
import type { CompletionDecision, CompletionView, Prompter, RequestDecision, RequestView } from '../policy/approval.js';
import { CompletionDecisionSchema, RequestDecisionSchema, type Register } from './protocol.js';
import { readDiscovery, readToken } from './paths.js';

/** The most a dashboard's answer may hold (a decision with edited text). */
const MAX_ANSWER_BYTES = 16 * 1024 * 1024;
const USAGE_EVERY_MS = 2000;
const DEFAULT_APPROVAL_MS = 600_000;
/** How long a dashboard may take to accept this process's registration before it counts as not answering. */
export const DEFAULT_ATTACH_TIMEOUT_MS = 5000;

export interface DashboardLinkOptions {
  /** How the page names this process (default: the command line). */
  label?: string | undefined;
  /** `timeouts.approvalMs`: shown as the countdown. */
  approvalMs?: number | undefined;
  /** The config file this process loaded, where "always / never for this server" writes. */
  configFile?: string | undefined;
  /** The home whose `~/.mcp-sampling/` holds the token and discovery file (tests); default the user's. */
  home?: string | undefined;
  /** How long registering may take before the dashboard counts as not answering (default 5 s). */
  attachTimeoutMs?:
    | number
    | undefined; /** Who else could not be asked and the other ways to enable approval, for the refusal (default NO_TERMINAL). */
  ways?: ApprovalWays | undefined;
}

export interface DashboardPrompter extends Prompter {
  /** Registers with the dashboard now if one runs (best effort; asking registers anyway). */
  connect(): void;
  /** Reports this process's session usage per server (the budget tracker's) while registered. */
  reportUsage(read: (server: string) => { tokens: number; costUsd: number }): void;
  /** Leaves the dashboard. */
  close(): void;
}

interface Endpoint {
  port: number;
  token: string;
}

/** Why a process asks the dashboard, and its other ways to enable approval: the refusal names them all. */
export interface ApprovalWays {
  /** Why nobody but the dashboard can be asked. */
  unavailable: string;
  /** Ways to enable approval besides starting the dashboard (each a short imperative). */
  otherWays: readonly string[];
}

/** A CLI process without a terminal: only the dashboard can be asked. */
export const NO_TERMINAL: ApprovalWays = { unavailable: 'there is no terminal to ask on', otherWays: [] };

/** The exact line a process refuses with when nobody can be asked (`why`: what the dashboard link found). */
export function noDashboardReason(server: string, why: string, ways: ApprovalWays = NO_TERMINAL): string {
  const start = 'start the dashboard with `mcp-sampling ui` to approve requests in the browser';
  const last = ways.otherWays.at(-1);
  const all = last === undefined ? start : [start, ...ways.otherWays.slice(0, -1)].join(', ') + `, or ${last}`;
  return `server '${server}' needs approval (approval: "ask") and ${ways.unavailable}; ${why}: ${all}; denied`;
}

function endpoint(home: string | undefined): Endpoint | string {
  const discovery = readDiscovery(home);
  if (discovery === undefined) return 'no dashboard is running';
  const token = readToken(home);
  if (token === undefined) return 'the dashboard token is missing';
  return { port: discovery.port, token };
}

function post(at: Endpoint, path: string, body: unknown): ClientRequest {
  const data = Buffer.from(JSON.stringify(body));
  const req = request({
    host: '127.0.0.1',
    port: at.port,
    path,
    method: 'POST',
    headers: {
      host: `127.0.0.1:${at.port}`,
      authorization: `Bearer ${at.token}`,
      'content-type': 'application/json',
      'content-length': String(data.length),
    },
  });
  req.end(data);
  return req;
}

/** The JSON body of a response, bounded. */
function readJson(response: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_ANSWER_BYTES) {
        response.destroy(new Error('the answer is too large'));
        return;
      }
      chunks.push(chunk);
    });
    response.on('error', reject);
    response.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch (error) {
        reject(error as Error);
      }
    });
  });
}

export function createDashboardPrompter(options: DashboardLinkOptions = {}): DashboardPrompter {
  const approvalMs = options.approvalMs ?? DEFAULT_APPROVAL_MS;
  const attachTimeoutMs = options.attachTimeoutMs ?? DEFAULT_ATTACH_TIMEOUT_MS;
  const info: Register = {
    label: (options.label ?? process.argv.slice(1).join(' ')).slice(0, 200) || 'mcp-sampling',
    pid: process.pid,
    cwd: process.cwd(),
    ...(options.configFile !== undefined && { configFile: options.configFile }),
  };
  let attached: Promise<{ at: Endpoint; id: string } | string> | undefined;
  let attachRequest: ClientRequest | undefined;
  let closed = false;
  const servers = new Set<string>();
  let readUsage: ((server: string) => { tokens: number; costUsd: number }) | undefined;
  let lastUsage = '';
  let usageTimer: NodeJS.Timeout | undefined;

  const attach = (): Promise<{ at: Endpoint; id: string } | string> => {
    if (attached !== undefined) return attached;
    const at = endpoint(options.home);
    if (typeof at === 'string') return Promise.resolve(at);
    const pending = new Promise<{ at: Endpoint; id: string } | string>((settle) => {
      const req = post(at, '/client/attach', info);
      attachRequest = req;
      const lost = () => {
        if (attached === pending) attached = undefined;
        attachRequest = undefined;
      };
      // A listener that accepts and never registers this process must not hold every approval forever.
      const timer = setTimeout(() => {
        lost();
        req.destroy();
        settle('the dashboard does not answer');
      }, attachTimeoutMs);
      timer.unref();
      const resolve = (outcome: { at: Endpoint; id: string } | string) => {
        clearTimeout(timer);
        settle(outcome);
      };
      req.on('socket', (socket) => socket.unref());
      req.on('error', () => {
        lost();
        resolve('the dashboard does not answer');
      });
      req.on('response', (response) => {
        if (response.statusCode !== 200) {
          response.resume();
          lost();
          resolve(`the dashboard refused to register this process (HTTP ${response.statusCode})`);
          return;
        }
        let buffer = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          buffer = (buffer + chunk).slice(-65_536);
          const match = /event: registered\ndata: (\{[^\n]*\})\n/.exec(buffer);
          if (match !== null) {
            buffer = '';
            resolve({ at, id: (JSON.parse(match[1]!) as { id: string }).id });
          }
        });
        response.on('close', () => {
          lost();
          resolve('the dashboard went away');
        });
        response.on('error', () => {});
      });
    });
    attached = pending;
    return pending;
  };

  const sendUsage = async () => {
    if (readUsage === undefined || servers.size === 0 || attached === undefined) return;
    const link = await attached;
    if (typeof link === 'string') return;
    const usage = Object.fromEntries([...servers].map((server) => [server, readUsage!(server)]));
    const text = JSON.stringify(usage);
    if (text === lastUsage) return;
    lastUsage = text;
    const req = post(link.at, '/client/usage', { processId: link.id, usage });
    req.on('socket', (socket) => socket.unref());
    req.on('response', (response) => response.resume());
    req.on('error', () => {});
  };

  /** Sends one question and waits for its decision (undefined: none came; the caller denies). */
  async function ask(
    stage: 'request' | 'completion',
    view: RequestView | CompletionView,
    signal: AbortSignal,
  ): Promise<{ decision: unknown } | { refused: string } | { none: string }> {
    servers.add(view.server);
    if (signal.aborted) return { none: 'no decision was taken in time' };
    let onAbortWhileAttaching: (() => void) | undefined;
    const link = await Promise.race([
      attach(),
      new Promise<'aborted'>((resolve) => {
        onAbortWhileAttaching = () => resolve('aborted');
        signal.addEventListener('abort', onAbortWhileAttaching, { once: true });
      }),
    ]);
    signal.removeEventListener('abort', onAbortWhileAttaching!);
    if (link === 'aborted') return { none: 'no decision was taken in time' };
    if (typeof link === 'string') return { refused: link };
    return new Promise((resolve) => {
      if (signal.aborted) {
        resolve({ none: 'no decision was taken in time' });
        return;
      }
      const req = post(link.at, '/client/ask', { processId: link.id, stage, view, timeoutMs: approvalMs });
      const onAbort = () => {
        req.destroy();
        resolve({ none: 'no decision was taken in time' });
      };
      signal.addEventListener('abort', onAbort, { once: true });
      const done = (outcome: { decision: unknown } | { refused: string } | { none: string }) => {
        signal.removeEventListener('abort', onAbort);
        resolve(outcome);
      };
      req.on('error', () => done({ none: 'the dashboard went away before a decision' }));
      req.on('response', (response) => {
        readJson(response).then(
          (body) => {
            const answer = body as { ok?: unknown; decision?: unknown; error?: unknown };
            if (response.statusCode !== 200 || answer.ok !== true) {
              done({ refused: `the dashboard refused the request (${String(answer.error ?? response.statusCode)})` });
            } else if (answer.decision === null || answer.decision === undefined) {
              done({ none: 'the dashboard ended the request without a decision' });
            } else done({ decision: answer.decision });
          },
          () => done({ none: 'the dashboard went away before a decision' }),
        );
      });
    });
  }

  return {
    connect() {
      void attach();
    },

    reportUsage(read) {
      readUsage = read;
      usageTimer ??= setInterval(() => void sendUsage(), USAGE_EVERY_MS);
      usageTimer.unref();
    },

    close() {
      closed = true;
      clearInterval(usageTimer);
      attachRequest?.destroy();
    },

    async reviewRequest(view, signal): Promise<RequestDecision> {
      if (closed)
        throw new PolicyRefusal(noDashboardReason(view.server, 'the process is closing', options.ways), 'denied');
      const outcome = await ask('request', view, signal);
      if ('refused' in outcome)
        throw new PolicyRefusal(noDashboardReason(view.server, outcome.refused, options.ways), 'denied');
      if ('none' in outcome) return { action: 'deny', reason: outcome.none };
      const parsed = RequestDecisionSchema.safeParse(outcome.decision);
      return parsed.success ? parsed.data : { action: 'deny', reason: 'the dashboard sent an invalid decision' };
    },

    async reviewCompletion(view, signal): Promise<CompletionDecision> {
      const outcome = await ask('completion', view, signal);
      if ('refused' in outcome) return { action: 'reject', reason: outcome.refused };
      if ('none' in outcome) return { action: 'reject', reason: outcome.none };
      const parsed = CompletionDecisionSchema.safeParse(outcome.decision);
      void sendUsage();
      return parsed.success ? parsed.data : { action: 'reject', reason: 'the dashboard sent an invalid decision' };
    },
  };
}
