/**
 * The engine's synchronous requestState codec against the SDK's own `createRequestStateCodec`: the same
 * key and payload in the same second give the same token, each verifies the other's, and both refuse
 * tampered, expired, bound and foreign-key state.
 */
import { randomBytes } from 'node:crypto';

import { createRequestStateCodec, type ServerContext } from '@modelcontextprotocol/server';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { createHmacStateCodec } from './hmac-state-codec.js';

const ctx = {} as ServerContext;
const payload = {
  t: 'summarize_document',
  h: 'abcdefghijklmnop',
  a: { 'sAAAAAAAAAAAAAAAA.0': { role: 'assistant', content: { type: 'text', text: 'é ✓ 💡 "quoted"' }, model: 'm' } },
  c: { walk: [1, 2, 3] },
};

function pair(ttlSeconds = 600) {
  const key = new Uint8Array(randomBytes(32));
  return {
    key,
    ours: createHmacStateCodec<typeof payload>({ key, ttlSeconds }),
    sdk: createRequestStateCodec<typeof payload>({ key, ttlSeconds }),
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('createHmacStateCodec', () => {
  it('mints the very token the SDK codec mints for the same key, payload and second', async () => {
    vi.useFakeTimers({ now: new Date('2026-12-02T10:00:00.250Z'), toFake: ['Date'] });
    const { ours, sdk } = pair();
    const token = ours.mintSync(payload);
    expect(token).toBe(await sdk.mint(payload));
    expect(await ours.mint(payload)).toBe(token);
    expect(token).toMatch(/^v1\.[\w-]+\.[\w-]{43}$/);
  });

  it("verifies the SDK codec's tokens, and the SDK codec verifies its tokens", async () => {
    const { ours, sdk } = pair();
    expect(ours.verifySync(await sdk.mint(payload))).toEqual(payload);
    expect(await ours.verify(await sdk.mint(payload), ctx)).toEqual(payload);
    expect(await sdk.verify(ours.mintSync(payload), ctx)).toEqual(payload);
  });

  it('refuses a tampered body or MAC, as the SDK codec does', async () => {
    const { ours, sdk } = pair();
    const token = ours.mintSync(payload);
    const [prefix, body, mac] = token.split('.') as [string, string, string];
    const forged = Buffer.from(
      Buffer.from(body, 'base64url').toString('utf8').replace('summarize_document', 'summarize_documenu'),
    ).toString('base64url');
    const flipped = `${mac.slice(0, 10)}${mac[10] === 'A' ? 'B' : 'A'}${mac.slice(11)}`;
    for (const bad of [`${prefix}.${forged}.${mac}`, `${prefix}.${body}.${flipped}`, `${prefix}.${body}.${mac}x`]) {
      expect(() => ours.verifySync(bad)).toThrow('mac');
      await expect(sdk.verify(bad, ctx)).rejects.toThrow();
      await expect(ours.verify(bad, ctx)).rejects.toThrow('mac');
    }
    for (const bad of ['', 'v1.', 'v2.abc.def', 'not a token', `${body}.${mac}`]) {
      expect(() => ours.verifySync(bad)).toThrow(/malformed|mac/);
    }
  });

  it("refuses another key's tokens both ways", async () => {
    const one = pair();
    const other = pair();
    expect(() => one.ours.verifySync(other.ours.mintSync(payload))).toThrow('mac');
    const sdkToken = await other.sdk.mint(payload);
    expect(() => one.ours.verifySync(sdkToken)).toThrow('mac');
    await expect(one.sdk.verify(other.ours.mintSync(payload), ctx)).rejects.toThrow('mac');
  });

  it('refuses expired state, and state the SDK bound to a context', async () => {
    vi.useFakeTimers({ now: new Date('2026-12-02T10:00:00Z'), toFake: ['Date'] });
    const { key, ours, sdk } = pair(60);
    const token = ours.mintSync(payload);
    const fromSdk = await sdk.mint(payload);
    vi.setSystemTime(new Date('2026-12-02T10:01:00Z'));
    expect(ours.verifySync(token)).toEqual(payload); // valid through its last second
    vi.setSystemTime(new Date('2026-12-02T10:01:01Z'));
    expect(() => ours.verifySync(token)).toThrow('expired');
    expect(() => ours.verifySync(fromSdk)).toThrow('expired');
    await expect(sdk.verify(token, ctx)).rejects.toThrow('expired');

    const bound = createRequestStateCodec<typeof payload>({ key, ttlSeconds: 60, bind: () => 'session-1' });
    const boundToken = await bound.mint(payload, ctx);
    expect(() => ours.verifySync(boundToken)).toThrow('bind');
  });

  it('refuses a key shorter than 32 bytes', () => {
    expect(() => createHmacStateCodec({ key: new Uint8Array(16), ttlSeconds: 60 })).toThrow(
      'requestState key must be at least 32 bytes (got 16)',
    );
  });
});
