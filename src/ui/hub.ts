/**
 * The dashboard's live state: the client processes registered with it and the approvals they wait on.
 * A process is registered for as long as its attach connection is open (it closes when the process ends or
 * dies); a pending approval lives until it is decided, its process goes, its asker hangs up, or its
 * deadline passes. Each change is published to the pages' event streams. A decision is taken once: a
 * second one for the same id (a replay) or one for an id that is unknown or finished is refused.
 */
import { randomUUID } from 'node:crypto';

import type { CompletionDecision, RequestDecision } from '../policy/approval.js';
import type { Ask, Register } from './protocol.js';

export interface LiveProcess extends Register {
  id: string;
  startedAt: string;
  /** Session budget usage per server, as the process last reported it. */
  usage: Record<string, { tokens: number; costUsd: number }>;
}

export interface Pending {
  id: string;
  processId: string;
  stage: Ask['stage'];
  view: Ask['view'];
  receivedAt: number;
  deadline: number;
}

type Decision = RequestDecision | CompletionDecision;

export type HubEvent =
  | { type: 'processes'; processes: LiveProcess[] }
  | { type: 'pending'; pending: (Pending & { process: string })[] }
  | { type: 'audit' };

export type DecideOutcome = { ok: true } | { ok: false; status: 404 | 409; reason: string };

/** How many finished ids are remembered to tell "already decided" from "unknown". */
const FINISHED_KEPT = 10_000;
/** At most this many approvals wait at once (a process asks one at a time; this bounds many processes). */
export const MAX_PENDING = 1000;
/** At most this many bytes of pending views (their JSON: prompts, images) are held at once. */
export const MAX_PENDING_BYTES = 64 * 1024 * 1024;
export const MAX_PROCESSES = 200;

export function createHub(now: () => number = Date.now, maxPendingBytes = MAX_PENDING_BYTES) {
  const processes = new Map<string, LiveProcess>();
  const pending = new Map<string, Pending & { settle(decision: Decision | undefined): void }>();
  const sizes = new Map<string, number>();
  let pendingBytes = 0;
  const forget = (id: string) => {
    pending.delete(id);
    pendingBytes -= sizes.get(id) ?? 0;
    sizes.delete(id);
  };
  const finished = new Map<string, string>();
  const listeners = new Set<(event: HubEvent) => void>();

  const publish = (event: HubEvent) => {
    for (const listener of listeners) listener(event);
  };
  const processList = () => [...processes.values()];
  const pendingList = () =>
    [...pending.values()].map(({ settle: _settle, ...rest }) => ({
      ...rest,
      process: processes.get(rest.processId)?.label ?? 'a process that has ended',
    }));
  const finish = (id: string, why: string) => {
    finished.set(id, why);
    if (finished.size > FINISHED_KEPT) finished.delete(finished.keys().next().value!);
  };

  /** Ends a pending approval without a decision (its asker went away, or it expired). */
  const drop = (id: string, why: string) => {
    const entry = pending.get(id);
    if (entry === undefined) return;
    forget(id);
    finish(id, why);
    entry.settle(undefined);
    publish({ type: 'pending', pending: pendingList() });
  };

  return {
    subscribe(listener: (event: HubEvent) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    processes: processList,
    pending: pendingList,
    get(id: string) {
      return pending.get(id);
    },
    process(id: string) {
      return processes.get(id);
    },

    /** Registers a process; undefined when too many are registered. */
    register(info: Register): LiveProcess | undefined {
      if (processes.size >= MAX_PROCESSES) return undefined;
      const entry: LiveProcess = { ...info, id: randomUUID(), startedAt: new Date(now()).toISOString(), usage: {} };
      processes.set(entry.id, entry);
      publish({ type: 'processes', processes: processList() });
      return entry;
    },

    /** The process ended (its connection closed): it leaves the page, and so do its pending approvals. */
    unregister(id: string): void {
      if (!processes.delete(id)) return;
      for (const entry of [...pending.values()]) if (entry.processId === id) drop(entry.id, 'its process ended');
      publish({ type: 'processes', processes: processList() });
    },

    reportUsage(id: string, usage: LiveProcess['usage']): boolean {
      const entry = processes.get(id);
      if (entry === undefined) return false;
      entry.usage = usage;
      publish({ type: 'processes', processes: processList() });
      return true;
    },

    /**
     * Adds a pending approval; `decided` settles with the decision, or undefined when it ends without one
     * (the caller then denies). Undefined when the process is not registered or too many wait.
     */
    /** Holds a question until it is decided; or says in one line why it cannot (then the asker denies). */
    ask(question: Ask): { id: string; decided: Promise<Decision | undefined>; cancel(why: string): void } | string {
      if (!processes.has(question.processId)) return 'this process is not registered';
      if (pending.size >= MAX_PENDING) return `too many requests wait (${MAX_PENDING})`;
      const bytes = Buffer.byteLength(JSON.stringify(question.view));
      if (pendingBytes + bytes > maxPendingBytes) {
        return `the pending requests would hold more than ${Math.round(maxPendingBytes / 1024 / 1024)} MiB`;
      }
      const id = randomUUID();
      sizes.set(id, bytes);
      pendingBytes += bytes;
      const receivedAt = now();
      let settle!: (decision: Decision | undefined) => void;
      const decided = new Promise<Decision | undefined>((resolve) => (settle = resolve));
      const deadline = receivedAt + question.timeoutMs;
      // The asker's own timeout ends it too; this one keeps a lost asker from staying on the page.
      const timer = setTimeout(() => drop(id, 'it expired'), Math.min(question.timeoutMs, 2 ** 31 - 1));
      timer.unref();
      pending.set(id, {
        id,
        processId: question.processId,
        stage: question.stage,
        view: question.view,
        receivedAt,
        deadline,
        settle: (decision) => {
          clearTimeout(timer);
          settle(decision);
        },
      });
      publish({ type: 'pending', pending: pendingList() });
      return { id, decided, cancel: (why) => drop(id, why) };
    },

    /** A person's decision (already validated for the stage). Once only. */
    /** Bytes of pending views held now. */
    pendingBytes: () => pendingBytes,

    decide(id: string, decision: Decision): DecideOutcome {
      const entry = pending.get(id);
      if (entry === undefined) {
        const why = finished.get(id);
        return why === undefined
          ? { ok: false, status: 404, reason: 'no such pending request' }
          : { ok: false, status: 409, reason: `this request is finished (${why})` };
      }
      forget(id);
      finish(id, 'it was decided');
      entry.settle(decision);
      publish({ type: 'pending', pending: pendingList() });
      return { ok: true };
    },

    /** Tells the pages that the audit log changed. */
    auditChanged(): void {
      publish({ type: 'audit' });
    },

    /** Ends everything (shutdown): every waiting asker gets no decision, so its process denies. */
    close(): void {
      for (const id of [...pending.keys()]) drop(id, 'the dashboard stopped');
      listeners.clear();
    },
  };
}

export type Hub = ReturnType<typeof createHub>;
