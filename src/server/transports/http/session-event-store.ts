/**
 * A small in-memory event store for one 2025-era session: the SDK's transport stamps every message it
 * sends on an SSE stream with an id from here, and a client that reconnects with `Last-Event-ID` gets the
 * messages of that stream it missed (a pushed sampling request among them). It keeps the last `limit`
 * messages of the session, so a session's memory is bounded; it dies with its session.
 */
import type { EventStore, JSONRPCMessage } from '@modelcontextprotocol/server';

/** Messages kept per session. A long document's map step sends a few per chunk in flight. */
export const DEFAULT_EVENTS_PER_SESSION = 256;

interface StoredEvent {
  id: string;
  streamId: string;
  message: JSONRPCMessage;
}

/** Event ids are `<streamId>~<sequence>`; stream ids never contain `~` (the SDK makes them UUIDs). */
const SEPARATOR = '~';

export function createSessionEventStore(limit = DEFAULT_EVENTS_PER_SESSION): EventStore & { readonly size: number } {
  const events: StoredEvent[] = [];
  let sequence = 0;
  return {
    get size() {
      return events.length;
    },
    async storeEvent(streamId, message) {
      sequence += 1;
      const id = `${streamId}${SEPARATOR}${sequence}`;
      events.push({ id, streamId, message });
      if (events.length > limit) events.splice(0, events.length - limit);
      return id;
    },
    async getStreamIdForEventId(eventId) {
      const at = eventId.lastIndexOf(SEPARATOR);
      return at > 0 ? eventId.slice(0, at) : undefined;
    },
    async replayEventsAfter(lastEventId, { send }) {
      const at = lastEventId.lastIndexOf(SEPARATOR);
      if (at <= 0) throw new Error(`not an event id of this session: ${lastEventId}`);
      const streamId = lastEventId.slice(0, at);
      const after = Number(lastEventId.slice(at + 1));
      for (const event of events) {
        if (event.streamId !== streamId) continue;
        if (Number(event.id.slice(event.id.lastIndexOf(SEPARATOR) + 1)) > after) await send(event.id, event.message);
      }
      return streamId;
    },
  };
}
