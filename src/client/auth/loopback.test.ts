import { describe, expect, it } from 'vitest';

import { startLoopbackListener } from './loopback.js';

describe('the loopback redirect listener', () => {
  it('listens on 127.0.0.1 and resolves with the callback that carries its state', async () => {
    const listener = await startLoopbackListener({ port: 0, state: 'right', timeoutMs: 10_000 });
    expect(listener.redirectUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    const other = await fetch(new URL('/elsewhere', listener.redirectUrl));
    expect(other.status).toBe(404);
    const wrong = await fetch(`${listener.redirectUrl}?code=c1&state=wrong`);
    expect(wrong.status).toBe(400);
    const right = await fetch(`${listener.redirectUrl}?code=c2&state=right&iss=https%3A%2F%2Fas.example`);
    expect(right.status).toBe(200);
    expect(await right.text()).not.toContain('c2');
    const params = await listener.callback;
    expect(params.get('code')).toBe('c2');
    expect(params.get('iss')).toBe('https://as.example');
    await listener.close();
  });

  it('rejects when no answer comes in time, or when aborted', async () => {
    const timedOut = await startLoopbackListener({ port: 0, state: 's', timeoutMs: 1 });
    await expect(timedOut.callback).rejects.toThrow(/no answer from the browser/);
    const controller = new AbortController();
    const aborted = await startLoopbackListener({ port: 0, state: 's', timeoutMs: 10_000, signal: controller.signal });
    controller.abort();
    await expect(aborted.callback).rejects.toThrow(/cancelled/);
  });

  it('says which port is in use', async () => {
    const first = await startLoopbackListener({ port: 0, state: 's', timeoutMs: 10_000 });
    const port = Number(new URL(first.redirectUrl).port);
    await expect(startLoopbackListener({ port, state: 's', timeoutMs: 10_000 })).rejects.toThrow(
      new RegExp(`port ${port} on 127\\.0\\.0\\.1: it is in use`),
    );
    await first.close();
  });
});
