/**
 * bridgeListChanges: a list-changed notification a server sends is published on the event bus as the
 * matching change event (what 2026-07-28 listen streams are served from), and still sent as usual.
 */
import { Client } from '@modelcontextprotocol/client';
import { InMemoryServerEventBus, InMemoryTransport, McpServer, type ServerEvent } from '@modelcontextprotocol/server';
import { describe, expect, it } from 'vitest';

import { bridgeListChanges } from './list-change-bridge.js';

describe('bridgeListChanges', () => {
  it('publishes tools, prompts and resources list changes on the bus, and nothing else', async () => {
    const bus = new InMemoryServerEventBus();
    const events: ServerEvent[] = [];
    bus.subscribe((event) => events.push(event));
    const server = bridgeListChanges(() => new McpServer({ name: 'bridged', version: '1.0.0' }), bus)();
    server.server.registerCapabilities({
      tools: { listChanged: true },
      prompts: { listChanged: true },
      resources: { listChanged: true },
      logging: {},
    });
    const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
    await server.connect(serverTransport);
    const client = new Client({ name: 'listener', version: '1.0.0' });
    await client.connect(clientTransport);
    try {
      server.sendToolListChanged();
      server.sendPromptListChanged();
      server.sendResourceListChanged();
      await server.sendLoggingMessage({ level: 'info', data: 'not a list change' });
      await new Promise((resolve) => setImmediate(resolve));
      expect(events.map((event) => event.kind)).toEqual([
        'tools_list_changed',
        'prompts_list_changed',
        'resources_list_changed',
      ]);
    } finally {
      await client.close();
      await server.close();
    }
  });
});
