/** The dashboard's hub: processes come and go with their pending approvals; a decision is taken once. */
import { describe, expect, it } from 'vitest';

import { createHub, type HubEvent } from './hub.js';

const view = {
  server: 'notes',
  model: { provider: 'embedded', id: 'extractive-summarizer', reason: 'default' },
  messages: [{ role: 'user' as const, content: { type: 'text', text: 'hi' } }],
  maxTokens: 10,
};

/** A question the hub holds (a refusal string fails the test with its reason). */
function held<T extends object>(asked: T | string): T {
  if (typeof asked === 'string') throw new Error(asked);
  return asked;
}

describe('createHub', () => {
  it('publishes processes and pending requests, and settles a decision once', async () => {
    const hub = createHub();
    const events: HubEvent['type'][] = [];
    hub.subscribe((event) => events.push(event.type));
    const process = hub.register({ label: 'call x', pid: 42 })!;
    const asked = held(hub.ask({ processId: process.id, stage: 'request', view, timeoutMs: 60_000 }));
    expect(hub.pending()).toEqual([expect.objectContaining({ id: asked.id, process: 'call x', stage: 'request' })]);
    expect(hub.decide(asked.id, { action: 'approve' })).toEqual({ ok: true });
    expect(await asked.decided).toEqual({ action: 'approve' });
    expect(hub.decide(asked.id, { action: 'approve' })).toMatchObject({ ok: false, status: 409 });
    expect(hub.decide('nothing', { action: 'approve' })).toMatchObject({ ok: false, status: 404 });
    expect(events).toEqual(['processes', 'pending', 'pending']);
  });

  it('ends the pending requests of a process that leaves without a decision, and refuses unknown processes', async () => {
    const hub = createHub();
    const process = hub.register({ label: 'bridge', pid: 7 })!;
    const asked = held(
      hub.ask({ processId: process.id, stage: 'completion', view: { ...view, completion: 'ok' }, timeoutMs: 60_000 }),
    );
    hub.unregister(process.id);
    expect(await asked.decided).toBeUndefined();
    expect(hub.processes()).toEqual([]);
    expect(hub.decide(asked.id, { action: 'approve' })).toMatchObject({
      status: 409,
      reason: expect.stringContaining('process ended'),
    });
    expect(hub.ask({ processId: process.id, stage: 'request', view, timeoutMs: 1000 })).toBe(
      'this process is not registered',
    );
  });

  it('caps the bytes of pending views: past the cap it refuses in one line, and a decision frees the room', async () => {
    const hub = createHub(Date.now, 2 * 1024 * 1024);
    const process = hub.register({ label: 'call big', pid: 9 })!;
    const big = (text: string) => ({ ...view, messages: [{ role: 'user' as const, content: { type: 'text', text } }] });
    const first = hub.ask({
      processId: process.id,
      stage: 'request',
      view: big('a'.repeat(1536 * 1024)),
      timeoutMs: 60_000,
    });
    expect(typeof first).toBe('object');
    const second = hub.ask({
      processId: process.id,
      stage: 'request',
      view: big('b'.repeat(1536 * 1024)),
      timeoutMs: 60_000,
    });
    expect(second).toBe('the pending requests would hold more than 2 MiB');
    expect(hub.pending()).toHaveLength(1);
    hub.decide(held(first).id, { action: 'deny' });
    expect(hub.pendingBytes()).toBe(0);
    const third = hub.ask({
      processId: process.id,
      stage: 'request',
      view: big('c'.repeat(1536 * 1024)),
      timeoutMs: 60_000,
    });
    expect(typeof third).toBe('object');
  });
});
