/**
 * How a CLI process answers a server's `elicitation/create`. Not answered yet: without a handler the
 * client declares no `elicitation` capability, so servers do not elicit. (Issue 14 adds the terminal form.)
 */
import type { ElicitationHandler } from '../client/connect/session.js';

export interface ElicitationRouteOptions {
  /** A terminal on both stdin and stderr. */
  interactive: boolean;
}

/** The elicitation handler for this process, or undefined to declare no `elicitation` capability. */
export function elicitationHandler(options: ElicitationRouteOptions): ElicitationHandler | undefined {
  void options;
  return undefined;
}
