/**
 * The contract of a policy gate. The client's sampling handler runs every request through the gates of
 * gates/index.ts, in order. A gate looks at the request before the provider call: it may refuse it (one
 * `PolicyRefusal`), adjust what is sent (`ctx.params`), and hold something for the request (a budget
 * reservation) that it gives back when the request ends without an answer. After the call it looks at the
 * completion, and may refuse or adjust that too (a person's review). Types only, but for `PolicyRefusal`.
 *
 * A new rule is one file in gates/ that implements `Gate`, and one line in gates/index.ts.
 */
import type { CreateMessageRequestParams } from '@modelcontextprotocol/client';

import type { CatalogModel } from '../providers/catalog.js';
import type { Prompter, ToolCallView } from './approval.js';
import type { BudgetTracker } from './budget.js';
import type { Config, ServerPolicy } from '../config/schema.js';
import type { Candidate } from './resolve-model.js';

/**
 * Why a request was refused. The audit line's outcome is the kind; new gates may add kinds of their own.
 * `denied` and `rejected` are a person's (or the configuration's) no, before and after the model ran.
 */
export type RefusalKind = 'no-model' | 'limits' | 'budget' | 'rate-limited' | 'denied' | 'rejected' | (string & {});

/**
 * How the server is told: `user-rejected` is the spec's user-rejected error (-1), `invalid-params` a
 * request the policy cannot accept as it is (-32602), `refused` any other refusal (-32603). The mapping to
 * JSON-RPC codes is client/errors.ts's.
 */
export type RefusalAnswer = 'user-rejected' | 'invalid-params' | 'refused';

const ANSWERS: Readonly<Record<string, RefusalAnswer>> = {
  denied: 'user-rejected',
  rejected: 'user-rejected',
  limits: 'invalid-params',
};

/** The one error of every gate: the policy (or the person it asks) says no to this request. */
export class PolicyRefusal extends Error {
  override readonly name = 'PolicyRefusal';
  readonly answer: RefusalAnswer;
  constructor(
    message: string,
    readonly kind: RefusalKind,
    options?: { cause?: unknown; answer?: RefusalAnswer },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.answer = options?.answer ?? ANSWERS[kind] ?? 'refused';
  }
}

/** A candidate model with its catalog entry, looked up once. */
export interface ResolvedCandidate extends Candidate {
  readonly entry: CatalogModel;
}

/** The models a request may use: the catalog of usable providers, and the embedded model. */
export interface ModelTable {
  /** The catalog models of usable providers that `allowed` (a server's `models` patterns) admits. */
  enabled(allowed: readonly string[]): CatalogModel[];
  /** Whether the embedded model may answer for `allowed` (it is on, and the patterns admit it). */
  embeddedAllowed(allowed: readonly string[]): boolean;
  /** The candidate with its catalog entry. */
  resolve(candidate: Candidate): ResolvedCandidate;
  /** The last resort (the embedded model): never a fallback behind a real model. */
  isLastResort(candidate: { provider: string }): boolean;
  /** Whether the model can call tools (and read a tool loop's history). */
  callsTools(model: { provider: string; id: string }): boolean;
}

/** What the gates report as they go; the client adds the request's id and renders them. */
export type GateEvent =
  | {
      type: 'request';
      server: string;
      params: CreateMessageRequestParams;
      provider: string;
      model: string;
      reason: string;
      fallbacks: string[];
      /** Names of the tools the request offers the model (empty without tools). */
      tools: string[];
    }
  | { type: 'approval'; stage: 'request' | 'completion'; decision: string };

/** One request on its way through the gates. Gates read it, and write the fields they own. */
export interface GateContext {
  /** The server's label (its initialize name, else its command line or URL). */
  readonly server: string;
  /** The server's policy: `servers["*"]` merged with its own entry. */
  readonly policy: ServerPolicy;
  readonly config: Config;
  readonly models: ModelTable;
  /** The request's cancellation. */
  readonly signal: AbortSignal;
  /** The request as the server sent it. */
  readonly request: CreateMessageRequestParams;
  /** The request as it will be sent: gates adjust it (the limits' caps, a person's edit). */
  params: CreateMessageRequestParams;
  /** Whether the request offers tools. */
  readonly offersTools: boolean;
  /** Whether answering needs a model that can use tools (tools offered, or a tool loop's history). */
  readonly needsTools: boolean;
  /** The chosen model first, then its fallbacks (set by the server-policy gate; later gates may drop fallbacks). */
  candidates: readonly ResolvedCandidate[];
  /** The chosen model, and why (the audit line's `model` until another one answers). */
  model: { provider: string; id: string; reason: string } | undefined;
  /** What was sent after the limits; `notes` says what the gates changed. */
  applied: { maxTokens: number; temperature: number | undefined } | undefined;
  readonly notes: string[];
  /** What the person (or the configuration) decided: `auto`, `approved`, `edited`, `denied`, … */
  approval: string;
  emit(event: GateEvent): void;
}

/** The chosen model of `ctx`: the first candidate (a gate before the server-policy gate has none). */
export function chosenOf(ctx: Pick<GateContext, 'candidates'>): ResolvedCandidate {
  const chosen = ctx.candidates[0];
  if (chosen === undefined) throw new Error('no model was chosen yet: the server-policy gate comes first');
  return chosen;
}

/** What the provider answered, as the gates see it after the call. */
export interface Answer {
  /** The candidate that answered. */
  readonly candidate: ResolvedCandidate;
  /** The counts the provider reported (undefined: not reported). */
  readonly usage: { readonly inputTokens: number | undefined; readonly outputTokens: number | undefined };
}

/** The completion before it is returned; a gate's review may change the text and the tool calls' inputs. */
export interface Completion {
  text: string;
  toolCalls: ToolCallView[];
}

/** What a gate holds for one request, from its `before` until the request ends. */
export interface GateHold {
  /**
   * Wraps each attempt at a model (retries and fallbacks included): may refuse one (a `PolicyRefusal`
   * thrown here ends the call with it), and sees when the attempt is cut off (`signal`).
   */
  attempt?<T>(candidate: ResolvedCandidate, signal: AbortSignal, run: () => Promise<T>): Promise<T>;
  /** A later gate changed `ctx.params` (a person's edit): hold again for what will really be sent. */
  paramsChanged?(ctx: GateContext): void;
  /** The provider answered (the completion exists and was paid for, whatever a review decides). */
  answered?(answer: Answer): void;
  /** Looks at the completion before the server sees it; may refuse it (`PolicyRefusal`) or edit it. */
  review?(completion: Completion, ctx: GateContext): Promise<void>;
  /** The request ends without an answer (refused later, failed, cancelled): give back what is held. */
  release?(): void;
}

/** One rule of the user's policy. */
export interface Gate {
  readonly name: string;
  /**
   * Looks at the request before the provider call. Refuses by throwing a `PolicyRefusal`; adjusts by
   * setting `ctx.params` (and the fields it owns); returns what it holds for the request, if anything.
   */
  before(ctx: GateContext): GateHold | void | Promise<GateHold | void>;
}

/** What gates are built from: shared for every request of one handler. */
export interface GateRuntime {
  config: Config;
  aliases: Readonly<Record<string, readonly string[]>>;
  budget: BudgetTracker;
  /** Present when a person can be asked (a terminal); `ask` mode denies without it. */
  prompter?: Prompter | undefined;
}
