/**
 * One-time login codes for the dashboard's printed URL. The URL is handed to `xdg-open` and the browser as
 * an argument, where any local user can read it in the process list; so it carries a code that signs in
 * one browser once, within two minutes, instead of the long-lived per-user token (which stays in its 0600
 * file, for client processes).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';

/** How long a printed code signs in. */
export const LOGIN_CODE_MS = 120_000;
/** Codes outstanding at once (each `mcp-sampling ui` run makes one); the oldest goes first. */
const MAX_CODES = 32;

export interface LoginCodes {
  /** A fresh code (128 random bits, base64url). */
  issue(): string;
  /** True once for a code that was issued and has not expired; the code is spent either way. */
  take(code: string): boolean;
}

export function createLoginCodes(now: () => number = Date.now): LoginCodes {
  const codes = new Map<string, number>();
  return {
    issue() {
      const code = randomBytes(16).toString('base64url');
      codes.set(code, now() + LOGIN_CODE_MS);
      if (codes.size > MAX_CODES) codes.delete(codes.keys().next().value!);
      return code;
    },
    take(code) {
      const given = Buffer.from(code);
      for (const [known, expiresAt] of codes) {
        const expected = Buffer.from(known);
        if (given.length === expected.length && timingSafeEqual(given, expected)) {
          codes.delete(known);
          return expiresAt > now();
        }
      }
      return false;
    },
  };
}
