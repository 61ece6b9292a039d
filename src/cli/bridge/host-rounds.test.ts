/**
 * The bridge's rounds with a 2026-era host, without processes: a call's asks become one input_required
 * round, its retry answers them; a state expires, is used once and is bound to its request; the host's
 * cancellation and close end the waiting upstream call; parked calls and answers are bounded.
 */
import { ProtocolError, type InputRequest } from '@modelcontextprotocol/server';
import { describe, expect, it } from 'vitest';

import {
  covers,
  createHostRounds,
  HostUnanswered,
  type HostRoundRequest,
  type RoundRun,
  type RoundWaiter,
} from './host-rounds.js';

const FORM_HOST = { elicitation: { form: {} } };
const form = (message: string) =>
  ({
    method: 'elicitation/create',
    params: { mode: 'form', message, requestedSchema: { type: 'object', properties: {} } },
  }) as InputRequest;
const params = { name: 'ask', arguments: { n: 1 } };

function waiter(): RoundWaiter & { stop: AbortController } {
  const stop = new AbortController();
  return { stop, signal: stop.signal, progressToken: undefined, notify: async () => {} };
}
const first = (capabilities: HostRoundRequest['capabilities'] = FORM_HOST): HostRoundRequest => ({
  capabilities,
  inputResponses: undefined,
  requestState: undefined,
});
const retry = (requestState: unknown, inputResponses: Record<string, unknown>): HostRoundRequest => ({
  capabilities: FORM_HOST,
  inputResponses,
  requestState,
});
const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
};
const asRound = (result: Record<string, unknown>) =>
  result as { resultType?: string; inputRequests: Record<string, InputRequest>; requestState: string };

/** An upstream call that asks one form of the host and returns what it said. */
const askingUpstream =
  (rounds: ReturnType<typeof createHostRounds>, seen: { run?: RoundRun }) => async (run: RoundRun) => {
    seen.run = run;
    const answer = await rounds.ask(form('Name?'), 'form', run.signal);
    return { content: [{ type: 'text', text: JSON.stringify(answer) }] };
  };

describe('createHostRounds', () => {
  it('an ask becomes a round; the answered retry gets the upstream result; the state is then used up', async () => {
    const rounds = createHostRounds();
    const seen: { run?: RoundRun } = {};
    const round = asRound(await rounds.serve('tools/call', params, first(), waiter(), askingUpstream(rounds, seen)));
    expect(round.resultType).toBe('input_required');
    const [key] = Object.keys(round.inputRequests);
    expect(round.inputRequests[key!]).toEqual(form('Name?'));
    // Unguessable: not a counter.
    expect(round.requestState).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    const answer = { action: 'accept', content: { name: 'Ada' } };
    const done = await rounds.serve(
      'tools/call',
      params,
      retry(round.requestState, { [key!]: answer }),
      waiter(),
      () => {
        throw new Error('not started again');
      },
    );
    expect(done).toEqual({ content: [{ type: 'text', text: JSON.stringify(answer) }] });
    expect(rounds.openCalls).toBe(0);
    await expect(
      rounds.serve('tools/call', params, retry(round.requestState, {}), waiter(), async () => ({})),
    ).rejects.toThrow(/already used/);
  });

  it('params in another order bind the same; other params or another method are refused, -32602', async () => {
    const rounds = createHostRounds();
    const round = asRound(await rounds.serve('tools/call', params, first(), waiter(), askingUpstream(rounds, {})));
    const refused = rounds.serve(
      'tools/call',
      { ...params, arguments: { n: 2 } },
      retry(round.requestState, {}),
      waiter(),
      async () => ({}),
    );
    await expect(refused).rejects.toMatchObject({ code: -32602, message: expect.stringMatching(/another request/) });
    await expect(
      rounds.serve('prompts/get', params, retry(round.requestState, {}), waiter(), async () => ({})),
    ).rejects.toBeInstanceOf(ProtocolError);
    const [key] = Object.keys(round.inputRequests);
    const reordered = { arguments: { n: 1 }, name: 'ask' };
    const done = await rounds.serve(
      'tools/call',
      reordered,
      retry(round.requestState, { [key!]: { action: 'decline' } }),
      waiter(),
      async () => ({}),
    );
    expect(JSON.stringify(done)).toContain('decline');
  });

  it('a host that never retries: after the TTL the upstream call is cancelled, its ask unanswered, the state gone', async () => {
    const rounds = createHostRounds({ ttlMs: 30 });
    let failure: unknown;
    const round = asRound(
      await rounds.serve('tools/call', params, first(), waiter(), async (run) => {
        try {
          await rounds.ask(form('Name?'), 'form', run.signal);
        } catch (error) {
          failure = error;
        }
        return {};
      }),
    );
    await until(() => failure !== undefined);
    expect(failure).toBeInstanceOf(HostUnanswered);
    expect((failure as Error).message).toMatch(/did not answer within/);
    expect(rounds.openCalls).toBe(0);
    await expect(
      rounds.serve('tools/call', params, retry(round.requestState, {}), waiter(), async () => ({})),
    ).rejects.toMatchObject({
      code: -32602,
      message: expect.stringMatching(/unknown, expired or already used/),
    });
  });

  it('the host cancels its retry while the upstream works: the upstream call is aborted', async () => {
    const rounds = createHostRounds();
    const seen: { run?: RoundRun } = {};
    const round = asRound(
      await rounds.serve('tools/call', params, first(), waiter(), async (run) => {
        seen.run = run;
        await rounds.ask(form('Name?'), 'form', run.signal);
        await new Promise((resolve) => run.signal.addEventListener('abort', resolve));
        return {};
      }),
    );
    const [key] = Object.keys(round.inputRequests);
    const host = waiter();
    const pending = rounds.serve(
      'tools/call',
      params,
      retry(round.requestState, { [key!]: { action: 'decline' } }),
      host,
      async () => ({}),
    );
    host.stop.abort(new Error('cancelled by the host'));
    await expect(pending).rejects.toThrow(/cancelled by the host/);
    expect(seen.run?.signal.aborted).toBe(true);
    expect(rounds.openCalls).toBe(0);
  });

  it('close() cancels parked calls', async () => {
    const rounds = createHostRounds();
    const seen: { run?: RoundRun } = {};
    await rounds.serve('tools/call', params, first(), waiter(), askingUpstream(rounds, seen));
    expect(rounds.openCalls).toBe(1);
    rounds.close();
    expect(seen.run?.signal.aborted).toBe(true);
    expect(rounds.openCalls).toBe(0);
  });

  it('over maxParkedCalls, a call is not parked: its asks end unanswered and it waits for its upstream', async () => {
    const rounds = createHostRounds({ maxParkedCalls: 1 });
    await rounds.serve('tools/call', params, first(), waiter(), askingUpstream(rounds, {}));
    const second = await rounds.serve('tools/call', { name: 'other' }, first(), waiter(), async (run) => {
      const answer = await rounds.ask(form('Again?'), 'form', run.signal)?.catch((error: Error) => error.message);
      return { answer };
    });
    expect(second).toEqual({ answer: expect.stringMatching(/already wait for the host's answers/) });
    rounds.close();
  });

  it('answers are bounded and checked', async () => {
    const rounds = createHostRounds({ maxResponseBytes: 100 });
    const round = asRound(await rounds.serve('tools/call', params, first(), waiter(), askingUpstream(rounds, {})));
    const [key] = Object.keys(round.inputRequests);
    const big = { [key!]: { action: 'accept', content: { name: 'x'.repeat(200) } } };
    await expect(
      rounds.serve('tools/call', params, retry(round.requestState, big), waiter(), async () => ({})),
    ).rejects.toThrow(/over the bridge's limit of 100/);
    await expect(
      rounds.serve(
        'tools/call',
        params,
        retry(round.requestState, { [key!]: { content: {} } }),
        waiter(),
        async () => ({}),
      ),
    ).rejects.toThrow(/not a valid elicitation answer/);
    rounds.close();
  });

  it('an ask from outside any call goes to the latest open call that declared what it needs; none: undefined', async () => {
    const rounds = createHostRounds();
    expect(rounds.ask(form('Nobody?'), 'form')).toBeUndefined();
    let release!: () => void;
    const upstreamDone = new Promise<void>((resolve) => (release = resolve));
    const call = rounds.serve('tools/call', params, first({ roots: {} }), waiter(), async () => {
      await upstreamDone;
      return { ok: true };
    });
    // A 2025-era upstream's push carries nothing naming the call: the open call takes it, if it can.
    expect(rounds.ask(form('Form?'), 'form')).toBeUndefined();
    const roots = rounds.ask({ method: 'roots/list' } as InputRequest, 'roots');
    const round = asRound(await call);
    const [key] = Object.keys(round.inputRequests);
    expect(round.inputRequests[key!]).toEqual({ method: 'roots/list' });
    release();
    const done = rounds.serve(
      'tools/call',
      params,
      { ...retry(round.requestState, { [key!]: { roots: [{ uri: 'file:///p' }] } }), capabilities: { roots: {} } },
      waiter(),
      async () => ({}),
    );
    await expect(roots).resolves.toEqual({ roots: [{ uri: 'file:///p' }] });
    await expect(done).resolves.toEqual({ ok: true });
  });
});

describe('covers', () => {
  it('a bare elicitation is form; URL needs url; roots need roots', () => {
    expect(covers({ elicitation: {} }, 'form')).toBe(true);
    expect(covers({ elicitation: {} }, 'url')).toBe(false);
    expect(covers({ elicitation: { url: {} } }, 'form')).toBe(false);
    expect(covers({ elicitation: { url: {} } }, 'url')).toBe(true);
    expect(covers({ roots: {} }, 'roots')).toBe(true);
    expect(covers(undefined, 'roots')).toBe(false);
  });
});
