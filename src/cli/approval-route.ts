/**
 * Who a CLI process asks when its policy says `approval: "ask"`. With a terminal on both ends, the terminal
 * prompter (loaded on first use: most runs never ask anything). Without one, nobody: the approval gate
 * then denies with a one-line reason. Callers with their own way to ask (the bridge) pass their prompter
 * to `openClientSession` instead.
 */
import type { Prompter } from '../client/index.js';

export interface ApprovalRouteOptions {
  /** A terminal on both stdin and stderr. */
  interactive: boolean;
}

/** The prompter for this process, or undefined when nobody can be asked. */
export function approvalPrompter(options: ApprovalRouteOptions): Prompter | undefined {
  if (!options.interactive) return undefined;
  let terminal: Promise<Prompter> | undefined;
  const load = () => (terminal ??= import('./terminal-prompter.js').then((m) => m.createTerminalPrompter()));
  return {
    reviewRequest: async (view, signal) => (await load()).reviewRequest(view, signal),
    reviewCompletion: async (view, signal) => (await load()).reviewCompletion(view, signal),
  };
}
