/**
 * Shows the server's progress notifications: a progress bar on a terminal (progress-bar.ts, on stderr),
 * plain lines otherwise (at most one per 10 % step or new message), nothing in JSON mode.
 */
import type { Writable } from 'node:stream';

import type { Output } from './output.js';

export interface ProgressUpdate {
  progress: number;
  total?: number | undefined;
  message?: string | undefined;
}

export interface ProgressView {
  update(update: ProgressUpdate): void;
  /**
   * Takes the bar off the terminal while a prompt asks something; updates wait until the returned
   * function is called (by the last of several holds), then the bar comes back.
   */
  hold(): () => void;
  done(): void;
}

/**
 * Our words for the MCP SDK's own progress messages: on the 2026-07-28 era the client SDK reports each
 * input_required round it fulfils as "Fulfilling input required by 'tools/call' (round 2)".
 */
export function progressMessage(message: string | undefined): string | undefined {
  const round = /^Fulfilling input required by '[^']*' \(round (\d+)\)$/.exec(message ?? '');
  return round === null ? message : `round ${round[1]}: answering the server's requests (input_required)`;
}

export async function createProgressView(
  out: Output,
  stderr: Writable & { isTTY?: boolean } = process.stderr,
): Promise<ProgressView> {
  if (out.json) return { update: () => {}, hold: () => () => {}, done: () => {} };
  if (stderr.isTTY === true) {
    // @clack/prompts is loaded only for a terminal (progress-bar.ts).
    const { createProgressBar } = await import('./progress-bar.js');
    return createProgressBar(stderr);
  }
  let lastStep = -1;
  let lastMessage: string | undefined;
  return {
    update({ progress, total, message: sent }) {
      const message = progressMessage(sent);
      const step = total !== undefined && total > 0 ? Math.floor((progress / total) * 10) : -1;
      const newMessage = message !== undefined && !message.startsWith('summarized') && message !== lastMessage;
      if (step > lastStep || newMessage) {
        lastStep = Math.max(step, lastStep);
        lastMessage = message;
        out.step('progress', message ?? `${progress}${total !== undefined ? ` of ${total}` : ''}`);
      }
    },
    hold: () => () => {},
    done() {},
  };
}
