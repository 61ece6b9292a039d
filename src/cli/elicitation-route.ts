/**
 * How a CLI process answers a server's `elicitation/create`. With a terminal on both ends, the terminal
 * form (terminal-elicitation.ts, loaded on first use: most runs are never asked anything). Without one,
 * nobody can fill it in: every elicitation is declined (`action: "decline"`, on both eras), and one line on
 * stderr says so. Either way the `elicitation` capability is declared, so a server that elicits gets an
 * answer instead of a missing-capability error. Callers with their own way to ask (the bridge) pass their
 * handler to `openClientSession` instead.
 */
import type { Writable } from 'node:stream';

import type { ElicitationHandler } from '../client/connect/session.js';
import { plain } from './terminal-text.js';

export interface ElicitationRouteOptions {
  /** A terminal on both stdin and stderr. */
  interactive: boolean;
  /** Where the "declined" line goes without a terminal. Default: stderr. */
  stderr?: Writable;
}

const MESSAGE_PREVIEW = 120;

/** The elicitation handler for this process. */
export function elicitationHandler(options: ElicitationRouteOptions): ElicitationHandler {
  if (!options.interactive) {
    const stderr = options.stderr ?? process.stderr;
    return async (request) => {
      const message = plain(request.params.message).replace(/\s+/g, ' ').trim();
      const shown = message.length > MESSAGE_PREVIEW ? `${message.slice(0, MESSAGE_PREVIEW)}…` : message;
      const what = request.params.mode === 'url' ? 'to open a page' : 'for input';
      stderr.write(`mcp-sampling: the server asked ${what} ("${shown}"); no terminal to ask on: declined\n`);
      return { action: 'decline' };
    };
  }
  let terminal: Promise<ElicitationHandler> | undefined;
  const load = () => (terminal ??= import('./terminal-elicitation.js').then((m) => m.createTerminalElicitation()));
  return async (request, signal) => (await load())(request, signal);
}
