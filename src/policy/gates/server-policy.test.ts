/**
 * The server-policy gate's model-decision cache: one decision per server, hints, priorities and
 * needs-tools; dropped when the config or the model table a request carries changes; bounded.
 */
import type { CreateMessageRequestParams } from '@modelcontextprotocol/client';
import { describe, expect, it } from 'vitest';

import { ConfigSchema, type Config } from '../../config/schema.js';
import type { CatalogModel } from '../../providers/catalog.js';
import type { GateContext, ModelTable } from '../gate.js';
import { serverPolicyGate } from './server-policy.js';

const MODELS: CatalogModel[] = [
  {
    provider: 'openai',
    id: 'gpt-4o',
    contextWindow: 128_000,
    maxOutputTokens: 16_384,
    price: { input: 2.5, output: 10 },
    scores: { cost: 0.3, speed: 0.6, intelligence: 0.9 },
  },
  {
    provider: 'openai',
    id: 'gpt-4o-mini',
    contextWindow: 128_000,
    maxOutputTokens: 16_384,
    price: { input: 0.15, output: 0.6 },
    scores: { cost: 0.9, speed: 0.8, intelligence: 0.6 },
  },
];

/** A model table that counts how often the gate works out a decision (each one lists the enabled models). */
function countingTable(): ModelTable & { decisions: number } {
  const table = {
    decisions: 0,
    enabled: () => {
      table.decisions++;
      return MODELS;
    },
    embeddedAllowed: () => false,
    resolve: (candidate: { provider: string; id: string; reason: string }) => ({
      ...candidate,
      entry: MODELS.find((m) => m.provider === candidate.provider && m.id === candidate.id)!,
    }),
    isLastResort: () => false,
    callsTools: () => true,
  };
  return table;
}

function context(config: Config, models: ModelTable, request: Partial<CreateMessageRequestParams> = {}): GateContext {
  const params: CreateMessageRequestParams = {
    messages: [{ role: 'user', content: { type: 'text', text: 'hi' } }],
    maxTokens: 10,
    ...request,
  };
  return {
    server: 'document-assistant',
    policy: {},
    config,
    models,
    signal: new AbortController().signal,
    request: params,
    params,
    offersTools: false,
    needsTools: false,
    candidates: [],
    model: undefined,
    applied: undefined,
    notes: [],
    approval: 'auto',
    emit: () => {},
  };
}

const hinted = (name: string) => ({ modelPreferences: { hints: [{ name }] } });

describe('server-policy gate: the model-decision cache', () => {
  it('works out a decision once per server, hints and priorities, and picks the same model from the cache', async () => {
    const config = ConfigSchema.parse({});
    const table = countingTable();
    const gate = serverPolicyGate({ config, aliases: {} });
    const first = context(config, table, hinted('gpt-4o-mini'));
    await gate.before?.(first);
    const again = context(config, table, hinted('gpt-4o-mini'));
    await gate.before?.(again);
    expect(table.decisions).toBe(1);
    expect(again.model).toEqual(first.model);
    expect(again.model?.id).toBe('gpt-4o-mini');
    // Other hints are another decision.
    const other = context(config, table, hinted('gpt-4o'));
    await gate.before?.(other);
    expect(table.decisions).toBe(2);
    expect(other.model?.id).toBe('gpt-4o');
  });

  it('drops the cache when the config or the model table changes', async () => {
    const config = ConfigSchema.parse({});
    const table = countingTable();
    const gate = serverPolicyGate({ config, aliases: {} });
    await gate.before?.(context(config, table, hinted('gpt-4o')));
    await gate.before?.(context(ConfigSchema.parse({}), table, hinted('gpt-4o')));
    expect(table.decisions).toBe(2);
    const newTable = countingTable();
    await gate.before?.(context(config, newTable, hinted('gpt-4o')));
    expect(newTable.decisions).toBe(1);
    // And the decision is kept for the new pair.
    await gate.before?.(context(config, newTable, hinted('gpt-4o')));
    expect(newTable.decisions).toBe(1);
  });

  it('is bounded: past 256 distinct requests it starts over', async () => {
    const config = ConfigSchema.parse({});
    const table = countingTable();
    const gate = serverPolicyGate({ config, aliases: {} });
    const nth = (i: number) => context(config, table, hinted(`hint-${i}`));
    for (let i = 0; i < 256; i++) await gate.before?.(nth(i));
    await gate.before?.(nth(0));
    expect(table.decisions).toBe(256); // all 256 still cached
    await gate.before?.(nth(256)); // the 257th: the cache starts over
    await gate.before?.(nth(0));
    expect(table.decisions).toBe(258);
  });
});
