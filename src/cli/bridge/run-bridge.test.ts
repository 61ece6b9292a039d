/**
 * What the bridge reads from the host's first message: the elicitation modes and roots it may declare to
 * the upstream on the host's behalf.
 */
import type { JSONRPCMessage } from '@modelcontextprotocol/server';
import { describe, expect, it } from 'vitest';

import { hostAbilitiesOf } from './run-bridge.js';

const initialize = (capabilities: unknown): JSONRPCMessage =>
  ({
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-11-25', capabilities, clientInfo: { name: 'host', version: '1' } },
  }) as JSONRPCMessage;

describe('hostAbilitiesOf', () => {
  it('a 2025-era host without elicitation or roots: nothing', () => {
    expect(hostAbilitiesOf(initialize({}))).toEqual({ elicitation: { form: false, url: false }, roots: false });
  });

  it('the elicitation modes as declared; a bare capability is form', () => {
    expect(hostAbilitiesOf(initialize({ elicitation: {} })).elicitation).toEqual({ form: true, url: false });
    expect(hostAbilitiesOf(initialize({ elicitation: { url: {} } })).elicitation).toEqual({ form: false, url: true });
    expect(hostAbilitiesOf(initialize({ elicitation: { form: {}, url: {} } })).elicitation).toEqual({
      form: true,
      url: true,
    });
  });

  it('roots when declared', () => {
    expect(hostAbilitiesOf(initialize({ roots: { listChanged: true } })).roots).toBe(true);
  });

  it('malformed capabilities count as none', () => {
    expect(hostAbilitiesOf(initialize('everything'))).toEqual({
      elicitation: { form: false, url: false },
      roots: false,
    });
    expect(hostAbilitiesOf(initialize({ elicitation: 'yes', roots: [1] }))).toEqual({
      elicitation: { form: false, url: false },
      roots: false,
    });
  });

  it("a 2026-era request: its envelope's capabilities (the host is asked in rounds of its calls)", () => {
    const discover = {
      jsonrpc: '2.0',
      id: 1,
      method: 'server/discover',
      params: {
        _meta: {
          'io.modelcontextprotocol/protocolVersion': '2026-07-28',
          'io.modelcontextprotocol/clientCapabilities': { elicitation: { form: {} }, roots: {} },
        },
      },
    } as JSONRPCMessage;
    expect(hostAbilitiesOf(discover)).toEqual({ elicitation: { form: true, url: false }, roots: true });
    // Capabilities in `_meta` without the era's protocol version are not an envelope.
    const bare = { ...discover, params: { _meta: { 'io.modelcontextprotocol/clientCapabilities': { roots: {} } } } };
    expect(hostAbilitiesOf(bare as JSONRPCMessage).roots).toBe(false);
  });

  it('no message: nothing', () => {
    expect(hostAbilitiesOf(undefined)).toEqual({ elicitation: { form: false, url: false }, roots: false });
  });
});
