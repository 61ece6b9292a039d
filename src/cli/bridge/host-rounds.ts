/**
 * What the bridge asks a 2026-07-28-era host, in input_required rounds. On that era the bridge cannot send
 * the host a request: it answers the host's `tools/call` (or `prompts/get`, `resources/read`) with an
 * `input_required` result carrying the asks (the upstream's elicitations, the bridge's own approval forms,
 * the upstream's roots/list), while the upstream call keeps running inside the bridge; the host answers and
 * retries with `inputResponses` and the `requestState`, and gets either the next round or the upstream's
 * result. Asks that come while the host is answering wait for its retry; asks that come together go in one
 * round.
 *
 * The state stays in this process (a bridge is one stdio process): `requestState` is a random id, never a
 * counter, that names one round of one call, is bound to the call's method and params, is used once, and
 * expires (the waiting upstream call is then cancelled and its asks cancelled). Calls parked between rounds
 * are bounded, and so are the answers accepted; everything is dropped when the host cancels or goes away.
 *
 * Which call an ask belongs to: the call whose upstream request is running when it is asked (a 2026-era
 * upstream's rounds and the sampling they carry run inside it), else the most recent open call of a host
 * that declared what the ask needs (a 2025-era upstream pushes its requests with nothing naming the call).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash, randomBytes } from 'node:crypto';

import {
  inputRequired,
  ProtocolError,
  ProtocolErrorCode,
  type ClientCapabilities,
  type InputRequest,
  type InputRequiredResult,
} from '@modelcontextprotocol/server';

/** The host requests the 2026-07-28 era lets a server answer with input_required. */
export const ROUND_METHODS: ReadonlySet<string> = new Set(['tools/call', 'prompts/get', 'resources/read']);

/** What an ask needs the host to have declared in its request's envelope. */
export type HostNeed = 'form' | 'url' | 'roots';

export interface HostRoundsOptions {
  /** Most calls parked between rounds (waiting for the host's retry); more calls' asks are declined. */
  maxParkedCalls?: number;
  /** How long a parked call waits for the host's retry before its upstream call is cancelled. */
  ttlMs?: number;
  /** Most bytes (JSON) of `inputResponses` one retry may carry. */
  maxResponseBytes?: number;
  /** Most asks one call holds at once; more are not sent to the host. */
  maxAsksPerCall?: number;
  log?: (line: string) => void;
}

export const HOST_ROUNDS_DEFAULTS = {
  maxParkedCalls: 64,
  ttlMs: 10 * 60 * 1000,
  maxResponseBytes: 16 * 1024 * 1024,
  maxAsksPerCall: 32,
} as const;

/** A 2026-era host request's round material: its envelope's capabilities, and what a retry carries. */
export interface HostRoundRequest {
  capabilities: ClientCapabilities | undefined;
  inputResponses: Record<string, unknown> | undefined;
  requestState: unknown;
}

/** The host request being answered now (one round of a call): its cancellation and its progress. */
export interface RoundWaiter {
  signal: AbortSignal;
  progressToken: string | number | undefined;
  notify(notification: { method: 'notifications/progress'; params: Record<string, unknown> }): Promise<void>;
}

/** What the upstream call of a round-served call gets: its own signal, and progress to the current round. */
export interface RoundRun {
  signal: AbortSignal;
  progress(progress: Record<string, unknown>): Promise<void>;
}

export interface HostRounds {
  /** Whether a host that declared `capabilities` could be asked anything (else: no rounds for its calls). */
  declares(capabilities: ClientCapabilities | undefined): boolean;
  /**
   * Answers one host request of a call (its first, or a retry carrying `requestState`): the upstream's
   * result once `start`'s call ends, or an input_required round while it waits for the host.
   */
  serve(
    method: string,
    params: Record<string, unknown> | undefined,
    round: HostRoundRequest,
    waiter: RoundWaiter,
    start: (run: RoundRun) => Promise<Record<string, unknown>>,
  ): Promise<Record<string, unknown>>;
  /**
   * Asks the host (an `elicitation/create` or `roots/list` request) in the next round of an open call;
   * undefined when no open call's host declared `need`. Rejects when the ask ends unanswered.
   */
  ask(request: InputRequest, need: HostNeed, signal?: AbortSignal): Promise<Record<string, unknown>> | undefined;
  /** Calls open now (running or parked). */
  readonly openCalls: number;
  /** Cancels every call (the host went away). */
  close(): void;
}

/** Why an ask ended without the host's answer. */
export class HostUnanswered extends Error {
  override readonly name = 'HostUnanswered';
}

interface Ask {
  request: InputRequest;
  need: HostNeed;
  answer(result: Record<string, unknown>): void;
  fail(why: string): void;
}

interface OpenCall {
  method: string;
  params: Record<string, unknown> | undefined;
  /** A digest of the method and params, made when the first round is returned. */
  binding: string | undefined;
  capabilities: ClientCapabilities | undefined;
  abort: AbortController;
  outcome: { result: Record<string, unknown> } | { error: unknown } | undefined;
  /** Asks not yet answered, by the key they have (or will have) in a round. */
  asks: Map<string, Ask>;
  /** The keys sent in the round the host is answering now. */
  sent: Set<string>;
  /** The host request waiting now; undefined while the call is parked between rounds. */
  waiter: RoundWaiter | undefined;
  /** Wakes the waiter when something happens (an ask, the upstream's outcome). */
  wake: (() => void) | undefined;
  /** Ends the waiting host request with an error (the call was cancelled). */
  drop: ((error: Error) => void) | undefined;
  /** The parked round's state id and its expiry. */
  state: string | undefined;
  timer: NodeJS.Timeout | undefined;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** JSON with sorted keys, so that a retry's params bind however the host orders them. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isObject(value)) {
    const keys = Object.keys(value)
      .filter((key) => value[key] !== undefined)
      .sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** What a call is bound to: its method and params, without `_meta` (each retry has its own progress token). */
function bindingOf(method: string, params: Record<string, unknown> | undefined): string {
  const { _meta: _ignored, inputResponses: _responses, requestState: _state, ...rest } = params ?? {};
  void _ignored;
  void _responses;
  void _state;
  return createHash('sha256').update(method).update('\u0000').update(canonical(rest)).digest('base64url');
}

/** Whether the host's declared capabilities cover `need`. A bare `elicitation: {}` is form. */
export function covers(capabilities: ClientCapabilities | undefined, need: HostNeed): boolean {
  if (need === 'roots') return isObject(capabilities?.roots);
  const elicitation = capabilities?.elicitation as Record<string, unknown> | undefined;
  if (!isObject(elicitation)) return false;
  if (need === 'url') return elicitation['url'] !== undefined;
  return elicitation['form'] !== undefined || elicitation['url'] === undefined;
}

/** Why the host's answer to `ask` cannot be used, in one line; undefined when it can. */
function checkAnswer(key: string, ask: Ask, value: unknown): string | undefined {
  if (ask.request.method === 'roots/list') {
    const roots = isObject(value) ? value['roots'] : undefined;
    const valid =
      Array.isArray(roots) &&
      roots.every((root) => isObject(root) && typeof root['uri'] === 'string' && root['uri'] !== '');
    return valid
      ? undefined
      : `inputResponses["${key}"] is not a valid roots list: expected { roots: [{ uri, name? }] }`;
  }
  const action = isObject(value) ? value['action'] : undefined;
  const content = isObject(value) ? value['content'] : undefined;
  if (
    (action !== 'accept' && action !== 'decline' && action !== 'cancel') ||
    !(content === undefined || isObject(content))
  ) {
    return `inputResponses["${key}"] is not a valid elicitation answer: expected { action: "accept" | "decline" | "cancel", content? }`;
  }
  return undefined;
}

const invalid = (message: string) => new ProtocolError(ProtocolErrorCode.InvalidParams, message);

/** Creates the round machinery of one bridge (see the module comment). */
export function createHostRounds(options: HostRoundsOptions = {}): HostRounds {
  const maxParked = options.maxParkedCalls ?? HOST_ROUNDS_DEFAULTS.maxParkedCalls;
  const ttlMs = options.ttlMs ?? HOST_ROUNDS_DEFAULTS.ttlMs;
  const maxResponseBytes = options.maxResponseBytes ?? HOST_ROUNDS_DEFAULTS.maxResponseBytes;
  const maxAsks = options.maxAsksPerCall ?? HOST_ROUNDS_DEFAULTS.maxAsksPerCall;
  const log = options.log ?? (() => {});
  const current = new AsyncLocalStorage<OpenCall>();
  /** Open calls, oldest first. */
  const calls = new Set<OpenCall>();
  const parked = new Map<string, OpenCall>();
  let asked = 0;

  const unpark = (call: OpenCall) => {
    if (call.state !== undefined) parked.delete(call.state);
    call.state = undefined;
    if (call.timer !== undefined) clearTimeout(call.timer);
    call.timer = undefined;
  };

  /** Ends a call that will not finish: its upstream call aborted, its asks unanswered, its waiter failed. */
  const cancel = (call: OpenCall, why: string) => {
    if (!calls.delete(call)) return;
    unpark(call);
    call.abort.abort(new HostUnanswered(why));
    for (const ask of call.asks.values()) ask.fail(why);
    call.asks.clear();
    call.drop?.(new ProtocolError(ProtocolErrorCode.InternalError, `mcp-sampling bridge: ${why}`));
  };

  /** A finished call's asks not yet sent go to another open call that can carry them, or end unanswered. */
  const rehome = (from: OpenCall) => {
    for (const [key, ask] of from.asks) {
      if (from.sent.has(key)) {
        ask.fail('the call that carried it ended first');
        continue;
      }
      const to = [...calls].reverse().find((call) => call.outcome === undefined && covers(call.capabilities, ask.need));
      if (to === undefined || to.asks.size >= maxAsks) ask.fail('no open call of the host could carry it');
      else {
        to.asks.set(key, ask);
        to.wake?.();
      }
    }
    from.asks.clear();
  };

  const finish = (call: OpenCall) => {
    calls.delete(call);
    unpark(call);
    rehome(call);
  };

  /** Checks a retry and takes its call out of the parked set; throws -32602 for anything else. */
  const claim = (method: string, params: Record<string, unknown> | undefined, round: HostRoundRequest): OpenCall => {
    const state = round.requestState;
    const call = typeof state === 'string' ? parked.get(state) : undefined;
    if (call === undefined) {
      throw invalid(
        `requestState is unknown, expired or already used (a round waits ${Math.round(ttlMs / 1000)} s for ` +
          `its retry): call ${method} again without it`,
      );
    }
    if (call.method !== method || call.binding !== bindingOf(method, params)) {
      throw invalid(
        `requestState belongs to another request (${call.method} with other params): retry that request with it`,
      );
    }
    const responses = round.inputResponses;
    if (responses !== undefined) {
      if (!isObject(responses)) throw invalid('inputResponses must be an object of answers by request key');
      const bytes = Buffer.byteLength(JSON.stringify(responses));
      if (bytes > maxResponseBytes) {
        throw invalid(`inputResponses are ${bytes} bytes, over the bridge's limit of ${maxResponseBytes}`);
      }
      for (const [key, value] of Object.entries(responses)) {
        const ask = call.sent.has(key) ? call.asks.get(key) : undefined;
        const why = ask === undefined ? undefined : checkAnswer(key, ask, value);
        if (why !== undefined) throw invalid(why);
      }
    }
    unpark(call);
    for (const [key, value] of Object.entries(responses ?? {})) {
      const ask = call.sent.has(key) ? call.asks.get(key) : undefined;
      if (ask === undefined) continue;
      call.asks.delete(key);
      ask.answer(value as Record<string, unknown>);
    }
    call.sent.clear();
    return call;
  };

  /** The asks of the next round (those the host's latest request covers), or undefined when there are none. */
  const nextRound = (call: OpenCall): Record<string, InputRequest> | undefined => {
    const requests: Record<string, InputRequest> = {};
    for (const [key, ask] of call.asks) {
      if (covers(call.capabilities, ask.need)) requests[key] = ask.request;
      else {
        call.asks.delete(key);
        ask.fail(`the host no longer declares ${ask.need === 'roots' ? 'roots' : `${ask.need} elicitation`}`);
      }
    }
    return Object.keys(requests).length > 0 ? requests : undefined;
  };

  /** Waits, for one host request, until the upstream's outcome or a round to return. */
  const waitRound = (call: OpenCall, waiter: RoundWaiter): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      let settled = false;
      let coalescing = false;
      const done = () => {
        settled = true;
        call.waiter = undefined;
        call.wake = undefined;
        call.drop = undefined;
        waiter.signal.removeEventListener('abort', onAbort);
      };
      const onAbort = () => {
        if (settled) return;
        done();
        cancel(call, 'the host cancelled the call');
        reject(waiter.signal.reason);
      };
      const check = () => {
        if (settled) return;
        if (call.outcome !== undefined) {
          const outcome = call.outcome;
          done();
          finish(call);
          if ('result' in outcome) resolve(outcome.result);
          else reject(outcome.error);
          return;
        }
        if (call.asks.size === 0 || coalescing) return;
        // Asks made together (several forms, a form and the roots) go in one round: wait until a turn of
        // the event loop adds none, then return them.
        coalescing = true;
        let seen = call.asks.size;
        const settle = () => {
          if (settled) return;
          if (call.outcome === undefined && call.asks.size !== seen) {
            seen = call.asks.size;
            setImmediate(settle);
            return;
          }
          coalescing = false;
          if (call.outcome !== undefined) return check();
          const requests = nextRound(call);
          if (requests === undefined) return;
          if (parked.size >= maxParked) {
            log(`${parked.size} calls already wait for the host's answers: this call's asks are declined`);
            for (const ask of call.asks.values()) ask.fail(`${parked.size} calls already wait for the host's answers`);
            call.asks.clear();
            return;
          }
          done();
          call.binding ??= bindingOf(call.method, call.params);
          const state = randomBytes(32).toString('base64url');
          call.state = state;
          call.sent = new Set(Object.keys(requests));
          parked.set(state, call);
          call.timer = setTimeout(
            () => cancel(call, `the host did not answer within ${Math.round(ttlMs / 1000)} s`),
            ttlMs,
          );
          call.timer.unref();
          const round: InputRequiredResult = inputRequired({ inputRequests: requests, requestState: state });
          resolve(round as unknown as Record<string, unknown>);
        };
        setImmediate(settle);
      };
      if (waiter.signal.aborted) return onAbort();
      waiter.signal.addEventListener('abort', onAbort, { once: true });
      call.waiter = waiter;
      call.wake = check;
      call.drop = (error) => {
        if (settled) return;
        done();
        reject(error);
      };
      check();
    });

  return {
    declares: (capabilities) =>
      covers(capabilities, 'form') || covers(capabilities, 'url') || covers(capabilities, 'roots'),

    async serve(method, params, round, waiter, start) {
      let call: OpenCall;
      if (round.requestState === undefined) {
        call = {
          method,
          params,
          binding: undefined,
          capabilities: round.capabilities,
          abort: new AbortController(),
          outcome: undefined,
          asks: new Map(),
          sent: new Set(),
          waiter: undefined,
          wake: undefined,
          drop: undefined,
          state: undefined,
          timer: undefined,
        };
        calls.add(call);
        const run: RoundRun = {
          signal: call.abort.signal,
          progress: async (progress) => {
            const to = call.waiter;
            if (to?.progressToken === undefined) return;
            await to.notify({
              method: 'notifications/progress',
              params: { ...progress, progressToken: to.progressToken },
            });
          },
        };
        // The upstream call runs in the call's context: what it asks of the host (a 2026 upstream's rounds,
        // the sampling and approval they carry) finds its call.
        void current.run(call, () =>
          start(run).then(
            (result) => {
              call.outcome = { result };
              call.wake?.();
            },
            (error: unknown) => {
              call.outcome = { error };
              call.wake?.();
            },
          ),
        );
      } else {
        call = claim(method, params, round);
        call.capabilities = round.capabilities;
      }
      return waitRound(call, waiter);
    },

    ask(request, need, signal) {
      const mine = current.getStore();
      const open = (call: OpenCall) => calls.has(call) && call.outcome === undefined;
      // A context whose call has ended (a transport that started inside it, say) names no call any more.
      const call =
        mine !== undefined && open(mine)
          ? covers(mine.capabilities, need)
            ? mine
            : undefined
          : [...calls].reverse().find((candidate) => open(candidate) && covers(candidate.capabilities, need));
      if (call === undefined || call.asks.size >= maxAsks || signal?.aborted === true) return undefined;
      const key = `${request.method === 'roots/list' ? 'roots' : 'elicit'}-${++asked}`;
      return new Promise<Record<string, unknown>>((resolve, reject) => {
        const onAbort = () => {
          // Asked by the upstream and withdrawn (its own cancellation, or the policy's timeout).
          for (const holder of calls) holder.asks.delete(key);
          reject(signal?.reason ?? new HostUnanswered('the ask was withdrawn'));
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        const off = () => signal?.removeEventListener('abort', onAbort);
        call.asks.set(key, {
          request,
          need,
          answer: (result) => {
            off();
            resolve(result);
          },
          fail: (why) => {
            off();
            reject(new HostUnanswered(why));
          },
        });
        call.wake?.();
      });
    },

    get openCalls() {
      return calls.size;
    },

    close() {
      for (const call of [...calls]) cancel(call, 'the host closed the connection');
    },
  };
}
