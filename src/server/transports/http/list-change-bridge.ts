/**
 * List-changed notifications of the 2026-07-28 wire. There, a client hears of changes on a
 * `subscriptions/listen` stream, which the SDK's `createMcpHandler` serves from its event bus; but each
 * request is answered by a fresh server, and a list-changed notification that server sends
 * (`sendToolListChanged()`, `sendPromptListChanged()`, `sendResourceListChanged()`, also sent by the SDK
 * when a tool, prompt or resource is added, enabled, disabled or removed) has no stream of its own to go
 * to. `bridgeListChanges` publishes each of them on the bus instead, so that every open listen stream that
 * asked for that kind of change gets it (the SDK does the filtering and the subscription-id stamping).
 */
import type { McpServer, ServerEventBus } from '@modelcontextprotocol/server';

type Notify = McpServer['server']['notification'];

const EVENTS = {
  'notifications/tools/list_changed': 'tools_list_changed',
  'notifications/prompts/list_changed': 'prompts_list_changed',
  'notifications/resources/list_changed': 'resources_list_changed',
} as const;

/** Returns a factory whose servers publish their list-changed notifications on `bus` as well. */
export function bridgeListChanges(factory: () => McpServer, bus: ServerEventBus): () => McpServer {
  return () => {
    const server = factory();
    const inner = server.server;
    const send: Notify = inner.notification.bind(inner);
    inner.notification = (async (notification, options) => {
      const kind = EVENTS[notification.method as keyof typeof EVENTS] as
        (typeof EVENTS)[keyof typeof EVENTS] | undefined;
      if (kind !== undefined) bus.publish({ kind });
      return send(notification, options);
    }) as Notify;
    return server;
  };
}
