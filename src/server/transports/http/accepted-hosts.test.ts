/**
 * The remembered Host check: a value the SDK's check accepted is accepted again without asking it; a refused
 * value, a missing header and anything past the bound are asked every time, and refused as the SDK refuses.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import { hostHeaderValidation } from '@modelcontextprotocol/node';
import { describe, expect, it, vi } from 'vitest';

import { MAX_REMEMBERED_HOSTS, rememberAcceptedHosts, type RequestGuard } from './accepted-hosts.js';

interface Answer {
  status?: number;
  body?: string | undefined;
}

function exchange(host: string | undefined): { req: IncomingMessage; res: ServerResponse; answer: Answer } {
  const answer: Answer = {};
  const req = { headers: host === undefined ? {} : { host } } as IncomingMessage;
  const res = {
    writeHead(status: number) {
      answer.status = status;
      return this;
    },
    end(body?: string) {
      answer.body = body;
      return this;
    },
  } as unknown as ServerResponse;
  return { req, res, answer };
}

function counted(names: string[]) {
  const sdk = hostHeaderValidation(names);
  const check = vi.fn<RequestGuard>((req, res) => sdk(req, res));
  return { check, guard: rememberAcceptedHosts(check) };
}

describe('rememberAcceptedHosts', () => {
  it('asks the check once for a value it accepted, and accepts it again without asking', () => {
    const { check, guard } = counted(['localhost', '127.0.0.1']);
    for (let i = 0; i < 3; i += 1) {
      const { req, res, answer } = exchange('127.0.0.1:3000');
      expect(guard(req, res)).toBe(true);
      expect(answer.status).toBeUndefined();
    }
    expect(check).toHaveBeenCalledTimes(1);
    // Another accepted value (another port, another name) is a value of its own.
    const other = exchange('localhost:3000');
    expect(guard(other.req, other.res)).toBe(true);
    expect(check).toHaveBeenCalledTimes(2);
  });

  it('asks the check every time for a refused value, which answers 403 as the SDK does', () => {
    const { check, guard } = counted(['localhost']);
    const plain = exchange('evil.example:3000');
    hostHeaderValidation(['localhost'])(plain.req, plain.res);
    for (let i = 0; i < 2; i += 1) {
      const { req, res, answer } = exchange('evil.example:3000');
      expect(guard(req, res)).toBe(false);
      expect(answer).toEqual(plain.answer);
      expect(answer.status).toBe(403);
    }
    expect(check).toHaveBeenCalledTimes(2);
  });

  it('does not let a remembered value stand for a missing or different header', () => {
    const { check, guard } = counted(['localhost']);
    const first = exchange('localhost:3000');
    expect(guard(first.req, first.res)).toBe(true);
    const missing = exchange(undefined);
    expect(guard(missing.req, missing.res)).toBe(false);
    expect(missing.answer.status).toBe(403);
    const near = exchange('localhost:3000.evil.example');
    expect(guard(near.req, near.res)).toBe(false);
    expect(check).toHaveBeenCalledTimes(3);
  });

  it(`remembers at most ${MAX_REMEMBERED_HOSTS} values; past them, the check is asked each time`, () => {
    const { check, guard } = counted(['localhost']);
    for (let port = 1; port <= MAX_REMEMBERED_HOSTS + 1; port += 1) {
      const { req, res } = exchange(`localhost:${port}`);
      expect(guard(req, res)).toBe(true);
    }
    expect(check).toHaveBeenCalledTimes(MAX_REMEMBERED_HOSTS + 1);
    const remembered = exchange('localhost:1');
    expect(guard(remembered.req, remembered.res)).toBe(true);
    expect(check).toHaveBeenCalledTimes(MAX_REMEMBERED_HOSTS + 1);
    const unremembered = exchange(`localhost:${MAX_REMEMBERED_HOSTS + 1}`);
    expect(guard(unremembered.req, unremembered.res)).toBe(true);
    expect(check).toHaveBeenCalledTimes(MAX_REMEMBERED_HOSTS + 2);
  });
});
