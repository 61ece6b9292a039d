import { describe, expect, it } from 'vitest';

import { createLoginCodes, LOGIN_CODE_MS } from './login-codes.js';

describe('one-time login codes', () => {
  it('sign in once: a replayed code is refused', () => {
    const codes = createLoginCodes();
    const code = codes.issue();
    expect(code).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(codes.take(code)).toBe(true);
    expect(codes.take(code)).toBe(false);
  });

  it('expire after two minutes, and an unknown code never signs in', () => {
    let clock = 1_000_000;
    const codes = createLoginCodes(() => clock);
    const code = codes.issue();
    clock += LOGIN_CODE_MS + 1;
    expect(codes.take(code)).toBe(false);
    expect(codes.take('x'.repeat(22))).toBe(false);
    expect(LOGIN_CODE_MS).toBe(120_000);
  });
});
