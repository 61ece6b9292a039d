/**
 * The progress view on a terminal: a @clack/prompts progress bar on stderr, which steps aside while a
 * prompt holds the terminal. Loaded by progress-view.ts only when stderr is a terminal.
 */
import type { Writable } from 'node:stream';

import { progress as clackProgress } from '@clack/prompts';

import { progressMessage, type ProgressUpdate, type ProgressView } from './progress-view.js';

const BAR_STEPS = 100;

export function createProgressBar(stderr: Writable): ProgressView {
  let bar: ReturnType<typeof clackProgress> | undefined;
  let shown = 0;
  let holds = 0;
  let waiting: ProgressUpdate | undefined;
  const view: ProgressView = {
    update(update) {
      if (holds > 0) {
        waiting = update;
        return;
      }
      const { progress, total, message: sent } = update;
      const message = progressMessage(sent);
      bar ??= (() => {
        const created = clackProgress({ max: BAR_STEPS, output: stderr });
        created.start(message ?? 'summarizing');
        return created;
      })();
      const target =
        total !== undefined && total > 0 ? Math.min(BAR_STEPS, Math.floor((progress / total) * BAR_STEPS)) : shown;
      if (target > shown) {
        bar.advance(target - shown, message);
        shown = target;
      } else if (message !== undefined) bar.message(message);
    },
    hold() {
      holds += 1;
      bar?.stop();
      bar = undefined;
      shown = 0;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        holds -= 1;
        const update = waiting;
        waiting = undefined;
        if (holds === 0 && update !== undefined) view.update(update);
      };
    },
    done() {
      holds = 0;
      waiting = undefined;
      bar?.stop('done');
      bar = undefined;
    },
  };
  return view;
}
