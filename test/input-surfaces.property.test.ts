/**
 * Property tests of what crosses into the server: tool arguments, sampling results coming back from the
 * client (both eras), `requestState` and `inputResponses` (2026 era). For every generated input the call
 * ends, soon, with a correct answer or one clear refusal (an `isError` result or a JSON-RPC error, each
 * one line); nothing throws past the boundary and nothing waits for a timeout. Real server, real client,
 * in memory.
 */
import { Client } from '@modelcontextprotocol/client';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';

import type { SamplingHandler } from '../src/client/sampling/handler.js';
import { isOneLinePerProblem, propertyParameters } from './helpers/properties.js';
import { testHandler } from './helpers/runtime.js';
import { ERAS, textOf, versionNegotiation, wire, type Era } from './helpers/wire.js';

/** Longest a single generated call may take: far below every timeout the code has, so a wait shows. */
const HANG_MS = 5_000;

const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  while (closers.length > 0) await closers.pop()!().catch(() => {});
});

/** The server as `serve` runs it (the client's roots, the inbound guard) and `client`, or our client with `handler`. */
async function pair(era: Era, client: Client | SamplingHandler): Promise<Client> {
  const wired = await wire({ era, ...(typeof client === 'function' ? { handler: client, tools: false } : { client }) });
  closers.push(() => wired.close());
  return wired.client;
}

/** A client that answers every sampling request with whatever `answer()` returns at that moment. */
function answeringClient(era: Era, answer: () => unknown): Promise<Client> {
  const handler = (async () => answer()) as unknown as SamplingHandler;
  return pair(era, handler);
}

/** A 2026-era client that does not fulfil rounds itself: the test sends each retry by hand. */
function manualClient(): Promise<Client> {
  return pair(
    'modern',
    new Client(
      { name: 'manual', version: '1' },
      {
        capabilities: { sampling: {} },
        versionNegotiation: versionNegotiation('modern'),
        inputRequired: { autoFulfill: false },
      },
    ),
  );
}

type Outcome =
  | { kind: 'result'; isError: boolean; text: string; raw: Record<string, unknown> }
  | { kind: 'error'; code: unknown; message: string };

/** Runs `call`, and fails the property if it neither settles nor rejects within HANG_MS. */
async function settle(call: Promise<unknown>): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the call did not end within ${HANG_MS} ms`)), HANG_MS);
  });
  try {
    const raw = (await Promise.race([call, hang])) as Record<string, unknown>;
    return { kind: 'result', isError: raw['isError'] === true, text: textOf(raw), raw };
  } catch (error) {
    if ((error as Error).message.startsWith('the call did not end')) throw error;
    return { kind: 'error', code: (error as { code?: unknown }).code, message: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

function expectClearRefusal(outcome: Outcome): void {
  if (outcome.kind === 'error') {
    expect(typeof outcome.code).toBe('number');
    expect(isOneLinePerProblem(outcome.message)).toBe(true);
  } else {
    expect(outcome.isError).toBe(true);
    expect(isOneLinePerProblem(outcome.text)).toBe(true);
  }
}

const TOOLS = ['summarize_document', 'ask_document', 'extract_key_points'] as const;

/** Arguments that are often nearly right: the real field names with values of any type, plus strays. */
const toolArguments = fc.dictionary(
  fc.oneof(
    fc.constantFrom('document_text', 'path', 'context_tokens', 'lossy', 'question', 'max_points'),
    fc.string({ maxLength: 12 }),
  ),
  fc.oneof(
    fc.string({ maxLength: 300 }),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.jsonValue({ maxDepth: 2 }),
  ),
  { maxKeys: 5 },
);

describe.each(ERAS)('input surfaces on the %s era (property)', (era) => {
  it('tool arguments: any arguments end in an answer or one clear refusal', async () => {
    const client = await pair(era, testHandler());
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...TOOLS), toolArguments, async (name, args) => {
        const outcome = await settle(client.callTool({ name, arguments: args }));
        if (outcome.kind === 'result' && !outcome.isError) {
          expect(outcome.text.length).toBeGreaterThan(0);
          return;
        }
        expectClearRefusal(outcome);
      }),
      propertyParameters(60),
    );
  });

  // On the 2026 era a sampling answer reaches the server inside `inputResponses` (the property below); the
  // SDK client checks its own handler's results before it sends them. On 2025 it crosses as it is.
  it.runIf(era === 'legacy')(
    'sampling results: a malformed answer fails the call at once, one line per problem',
    async () => {
      let next: unknown;
      const client = await answeringClient(era, () => next);
      const malformed = fc.oneof(
        fc.constantFrom(null, {}, [], 'text', 42, { role: 'assistant' }),
        fc.record({
          role: fc.oneof(fc.constantFrom('assistant', 'user'), fc.string({ maxLength: 5 })),
          model: fc.oneof(fc.string({ maxLength: 10 }), fc.integer()),
          content: fc.oneof(
            fc.constant(null),
            fc.record({ type: fc.constantFrom('image', 'audio', 'video', 'tool_use'), text: fc.string() }),
            fc.record({ type: fc.constant('text'), text: fc.oneof(fc.integer(), fc.constant(null)) }),
            fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 2 }),
          ),
        }),
        fc.jsonValue({ maxDepth: 3 }),
      );
      await fc.assert(
        fc.asyncProperty(malformed, async (answer) => {
          next = answer;
          const outcome = await settle(
            client.callTool({ name: 'summarize_document', arguments: { document_text: 'One. Two. Three.' } }),
          );
          expectClearRefusal(outcome);
        }),
        propertyParameters(40),
      );
      // The same client still works once the answers are well-formed.
      next = { role: 'assistant', model: 'm', content: { type: 'text', text: 'Fine.' } };
      const good = await settle(client.callTool({ name: 'summarize_document', arguments: { document_text: 'A. B.' } }));
      expect(good).toMatchObject({ kind: 'result', isError: false, text: 'Summary:\nFine.' });
    },
  );
});

describe('2026-era round inputs (property)', () => {
  const ARGS = { document_text: 'Some text. More text.' };

  function call(client: Client, params: Record<string, unknown>) {
    return client.request(
      { method: 'tools/call', params: { name: 'summarize_document', arguments: ARGS, ...params } },
      { allowInputRequired: true },
    );
  }

  async function firstRound(client: Client) {
    const round = (await call(client, {})) as { inputRequests?: Record<string, unknown>; requestState?: string };
    const [key] = Object.keys(round.inputRequests ?? {});
    return { key: key!, state: round.requestState! };
  }

  it('requestState: anything but the state the server issued is refused, and nothing is answered', async () => {
    const client = await manualClient();
    const { key, state } = await firstRound(client);
    const answer = { role: 'assistant', model: 'm', content: { type: 'text', text: 'Done.' } };
    const forged = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.base64String({ maxLength: 200 }),
      // The issued state, changed at one place: one character replaced, cut, or extended.
      fc
        .tuple(fc.nat({ max: state.length - 1 }), fc.constantFrom(...'ABCDEFabcdef0123456789-_.'))
        .filter(([at, char]) => state[at] !== char)
        .map(([at, char]) => `${state.slice(0, at)}${char}${state.slice(at + 1)}`),
      fc.nat({ max: state.length - 1 }).map((at) => state.slice(0, at)),
      fc.string({ minLength: 1, maxLength: 8 }).map((tail) => `${state}${tail}`),
    );
    await fc.assert(
      fc.asyncProperty(forged, async (requestState) => {
        const outcome = await settle(call(client, { requestState, inputResponses: { [key]: answer } }));
        if (outcome.kind === 'result') {
          // Never the answer the forged state would unlock: at most a new round or a refusal.
          expect(outcome.text).not.toContain('Done.');
          if (outcome.raw['resultType'] !== 'input_required') expectClearRefusal(outcome);
        } else {
          expect(outcome.code).toBe(-32602);
          expect(isOneLinePerProblem(outcome.message)).toBe(true);
        }
      }),
      propertyParameters(150),
    );
    // The real state still works.
    const done = await settle(call(client, { requestState: state, inputResponses: { [key]: answer } }));
    expect(done).toMatchObject({ kind: 'result', text: 'Summary:\nDone.' });
  });

  it('inputResponses: a wrong-shaped answer gets -32602 with a reason, never another round of the same', async () => {
    const client = await manualClient();
    const { key, state } = await firstRound(client);
    const wrong = fc.oneof(
      fc.constantFrom(null, 'yes', 42, [], { [key]: null }, { [key]: {} }, { [key]: 'text' }),
      fc.dictionary(fc.constantFrom(key, 'other'), fc.jsonValue({ maxDepth: 2 }), { minKeys: 1, maxKeys: 2 }),
      fc.record({
        [key]: fc.record({
          role: fc.constantFrom('assistant', 'robot'),
          content: fc.oneof(fc.constant(null), fc.record({ type: fc.constantFrom('text', 'bogus') })),
        }),
      }),
    );
    await fc.assert(
      fc.asyncProperty(wrong, async (inputResponses) => {
        const outcome = await settle(call(client, { requestState: state, inputResponses }));
        if (outcome.kind === 'error') {
          expect(outcome.code).toBe(-32602);
          expect(isOneLinePerProblem(outcome.message)).toBe(true);
          return;
        }
        // A response for another key, or none for ours, may be answered with a round asking again.
        const again = outcome.raw['resultType'] === 'input_required';
        const askedOurs = again && key in ((outcome.raw['inputRequests'] as object | undefined) ?? {});
        const answeredOurs =
          typeof inputResponses === 'object' &&
          inputResponses !== null &&
          !Array.isArray(inputResponses) &&
          key in inputResponses;
        expect(askedOurs && answeredOurs).toBe(false);
        if (!again) expectClearRefusal(outcome);
      }),
      propertyParameters(100),
    );
  });
});
