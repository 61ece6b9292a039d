/**
 * The 2026-era round bound (MAX_ROUND_BYTES) counts the bytes of the requests' JSON, not UTF-16 code
 * units: two requests whose text is just over 4 Mi two-byte characters each (just over 8 MiB of UTF-8 apiece) do not fit one
 * 16 MiB round together, though their JavaScript lengths would.
 */
import { afterAll, describe, expect, it } from 'vitest';
import * as z from 'zod/v4';

import { MAX_ROUND_BYTES } from '../src/server/sampling/rounds.js';
import { createSamplingEngine } from '../src/server/index.js';
import { sdkClient, userText } from './helpers/sdk-client.js';
import { wire } from './helpers/wire.js';

const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  while (closers.length > 0) await closers.pop()!().catch(() => {});
});

describe('the 2026-07-28 round bound', () => {
  it('counts bytes: two requests of just over half the bound (UTF-8) go in separate rounds', async () => {
    const text = (n: number) => `${n} ${'é'.repeat(MAX_ROUND_BYTES / 4 + 1024)}`;
    expect(2 * text(1).length).toBeLessThan(MAX_ROUND_BYTES);
    expect(2 * Buffer.byteLength(text(1))).toBeGreaterThan(MAX_ROUND_BYTES);
    const engine = createSamplingEngine();
    const factory = () => {
      const server = engine.createServer({ name: 'wide', version: '1.0.0' });
      engine.registerTool(
        server,
        'two',
        { description: 'Samples twice at once', inputSchema: z.object({}) },
        async (_args, sampler) => {
          const ask = (n: number) =>
            sampler.sample({ messages: [{ role: 'user', content: { type: 'text', text: text(n) } }], maxTokens: 5 });
          await Promise.all([ask(1), ask(2)]);
          return { content: [{ type: 'text', text: 'done' }] };
        },
      );
      return server;
    };
    const wired = await wire({
      era: 'modern',
      server: factory,
      client: sdkClient('modern', (p) => userText(p).slice(0, 1)),
    });
    closers.push(() => wired.close());
    const round = (await wired.client.request(
      { method: 'tools/call', params: { name: 'two', arguments: {} } },
      { allowInputRequired: true },
    )) as { resultType?: string; inputRequests?: Record<string, unknown> };
    expect(round.resultType).toBe('input_required');
    expect(Object.keys(round.inputRequests ?? {})).toHaveLength(1);
  });
});
