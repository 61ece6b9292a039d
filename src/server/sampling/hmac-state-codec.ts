/**
 * The engine's `requestState` codec: the SDK's wire format (`createRequestStateCodec`, unbound), signed and
 * verified synchronously with `node:crypto` instead of WebCrypto. WebCrypto's `subtle.sign`/`verify` run
 * as a thread-pool job each, about 100 µs per round trip; a synchronous HMAC is under 10 µs.
 *
 * The tokens are byte for byte the SDK codec's (same key, same payload, same expiry second: same string),
 * and each codec verifies the other's, so instances of different versions behind one load balancer
 * interoperate (hmac-state-codec.test.ts proves it against the SDK's codec):
 *
 *     "v1." b64url({"p":<payload>,"exp":<unixSeconds>}) "." b64url(HMAC-SHA256(key, "v1." body))
 *
 * One difference, on the strict side: the MAC is compared as its canonical base64url text, so a token
 * whose MAC is spelled in a non-canonical way (which no minter produces) is refused.
 */
import { createHmac, createSecretKey, timingSafeEqual } from 'node:crypto';

import type { RequestStateCodec } from '@modelcontextprotocol/server';

const PREFIX = 'v1.';

export interface HmacStateCodec<T> extends RequestStateCodec<T> {
  /** `mint`, without the promise. */
  mintSync(payload: T): string;
  /** `verify`, without the promise: the payload, or an Error (`malformed`, `mac`, `expired`, `bind`). */
  verifySync(state: string): T;
}

/** A codec for the SDK's requestState format; `key` of at least 32 bytes, `ttlSeconds` the tokens' life. */
export function createHmacStateCodec<T>(options: { key: Uint8Array; ttlSeconds: number }): HmacStateCodec<T> {
  if (options.key.byteLength < 32) {
    throw new RangeError(`requestState key must be at least 32 bytes (got ${options.key.byteLength})`);
  }
  if (!Number.isFinite(options.ttlSeconds)) throw new RangeError('requestState ttlSeconds must be a finite number');
  // A KeyObject made once: createHmac with raw bytes imports the key again on every call.
  const key = createSecretKey(Buffer.from(options.key));
  const ttlSeconds = options.ttlSeconds;
  const mac = (signed: string) => createHmac('sha256', key).update(signed, 'utf8').digest('base64url');

  const mintSync = (payload: T): string => {
    const envelope = { p: payload, exp: Math.floor(Date.now() / 1000) + ttlSeconds };
    const body = Buffer.from(JSON.stringify(envelope), 'utf8').toString('base64url');
    return `${PREFIX}${body}.${mac(PREFIX + body)}`;
  };

  const verifySync = (state: string): T => {
    const dot = state.lastIndexOf('.');
    if (!state.startsWith(PREFIX) || dot <= PREFIX.length) throw new Error('malformed');
    const signed = state.slice(0, dot);
    const given = Buffer.from(state.slice(dot + 1), 'latin1');
    const expected = Buffer.from(mac(signed), 'latin1');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new Error('mac');
    let envelope: { p?: unknown; exp?: unknown; b?: unknown };
    try {
      envelope = JSON.parse(Buffer.from(signed.slice(PREFIX.length), 'base64url').toString('utf8')) as typeof envelope;
    } catch {
      throw new Error('malformed');
    }
    if (typeof envelope !== 'object' || envelope === null) throw new Error('malformed');
    if (typeof envelope.exp !== 'number' || envelope.exp < Math.floor(Date.now() / 1000)) throw new Error('expired');
    // The SDK's unbound codec refuses bound state; so does this one (the engine never binds).
    if (envelope.b !== undefined) throw new Error('bind');
    return envelope.p as T;
  };

  return {
    mintSync,
    verifySync,
    mint: (payload) => Promise.resolve(mintSync(payload)),
    verify: (state) => {
      try {
        return Promise.resolve(verifySync(state));
      } catch (error) {
        return Promise.reject(error as Error);
      }
    },
  };
}
