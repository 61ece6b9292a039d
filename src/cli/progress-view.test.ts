import { PassThrough } from 'node:stream';

import { describe, expect, it } from 'vitest';

import { createOutput } from './output.js';
import { createProgressView } from './progress-view.js';

function capture(isTTY: boolean) {
  const stream = Object.assign(new PassThrough(), { isTTY });
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  return { stream, text: () => text };
}

describe('progress view', () => {
  it('on a terminal: a bar on stderr that advances with the server progress', async () => {
    const stdout = capture(false);
    const stderr = capture(true);
    const view = await createProgressView(
      createOutput({ json: false, verbose: false }, stdout.stream, stderr.stream),
      stderr.stream,
    );
    // The bar redraws on a timer: give it time to draw each state, as a real run does.
    const tick = () => new Promise((resolve) => setTimeout(resolve, 250));
    view.update({ progress: 1, total: 4, message: 'summarized 1 of 4 parts' });
    await tick();
    view.update({ progress: 4, total: 4, message: 'combining 4 summaries into the final one' });
    await tick();
    view.done();
    expect(stderr.text()).toContain('summarized 1 of 4 parts');
    expect(stderr.text()).toContain('combining 4 summaries');
    expect(stdout.text()).toBe(''); // stdout stays the command's output
  });

  it('steps aside while a prompt holds the terminal: nothing is drawn until the hold is released', async () => {
    const stderr = capture(true);
    const view = await createProgressView(
      createOutput({ json: false, verbose: false }, capture(false).stream),
      stderr.stream,
    );
    const tick = () => new Promise((resolve) => setTimeout(resolve, 250));
    view.update({ progress: 1, total: 4, message: 'before the prompt' });
    await tick();
    const release = view.hold();
    const held = stderr.text().length;
    view.update({ progress: 2, total: 4, message: 'while the prompt is up' });
    await tick();
    expect(stderr.text().slice(held)).not.toContain('while the prompt is up');
    release();
    await tick();
    view.done();
    expect(stderr.text().slice(held)).toContain('while the prompt is up');
  });

  it('elsewhere: plain lines, one per 10 % step or new stage, none in JSON mode', async () => {
    const stdout = capture(false);
    const view = await createProgressView(
      createOutput({ json: false, verbose: false }, stdout.stream),
      capture(false).stream,
    );
    for (let done = 1; done <= 100; done++)
      view.update({ progress: done, total: 100, message: `summarized ${done} of 100 parts` });
    view.update({ progress: 100, total: 100, message: 'combining 100 summaries in 5 groups' });
    const lines = stdout.text().trim().split('\n');
    expect(lines.length).toBeLessThanOrEqual(12);
    expect(lines.at(-1)).toMatch(/progress\s+combining 100 summaries/);

    const json = capture(false);
    const quiet = await createProgressView(
      createOutput({ json: true, verbose: false }, json.stream),
      capture(false).stream,
    );
    quiet.update({ progress: 1, total: 2 });
    expect(json.text()).toBe('');
  });

  it("shows its own words for the SDK's input_required rounds, on a terminal and elsewhere", async () => {
    const sdk = (round: number) => ({
      progress: round,
      message: `Fulfilling input required by 'tools/call' (round ${round})`,
    });
    const plain = capture(false);
    const view = await createProgressView(
      createOutput({ json: false, verbose: false }, plain.stream),
      capture(false).stream,
    );
    view.update(sdk(1));
    view.update(sdk(2));
    expect(plain.text().trim().split('\n')).toEqual([
      "• progress  round 1: answering the server's requests (input_required)",
      "• progress  round 2: answering the server's requests (input_required)",
    ]);

    const stderr = capture(true);
    const bar = await createProgressView(
      createOutput({ json: false, verbose: false }, capture(false).stream),
      stderr.stream,
    );
    bar.update(sdk(1));
    await new Promise((resolve) => setTimeout(resolve, 250));
    bar.done();
    expect(stderr.text()).toContain('round 1: answering');
    expect(stderr.text()).not.toContain('Fulfilling');
  });
});
