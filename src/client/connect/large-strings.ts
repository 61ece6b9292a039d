/**
 * Sends the large strings of an outgoing message as bytes encoded once, instead of a new JSON string and a
 * new UTF-8 copy of it on every send.
 *
 * A 2026-era round re-sends the whole request: a 50 MB `document_text` went through the SDK's
 * `JSON.stringify` (a 53 MB string, allocated straight into V8's old generation) and undici's encoding (53
 * MB more) on each of about 30 rounds, and since only a full GC frees either, the client held several
 * rounds of them at once (683 MB at its peak). Here the transport's `send` is handed a copy of the message
 * in which each string from `LARGE_BODY_CHARS` characters on stands as a marker; the SDK serializes that
 * small message; and the fetch below it sends the serialized text with each marker replaced by the string's
 * JSON bytes, as a stream of chunks with the exact `content-length`. The bytes are those `JSON.stringify`
 * gives for the original message. They are encoded once per string and object holding it (kept while that
 * object lives, so a round driver's retries, which re-send the same arguments object, reuse them) in pieces
 * whose intermediate JSON strings die young. A marker names a random nonce of this process and a number, so no text the
 * caller sends can pose as one.
 */
import { randomUUID } from 'node:crypto';

import type { JSONRPCMessage, Transport, TransportSendOptions } from '@modelcontextprotocol/client';

/** A string from this many UTF-16 code units on is a large one (1 Mi), sent as bytes encoded once. */
export const LARGE_BODY_CHARS = 1 << 20;

/** Characters per encoded chunk: their JSON stays in V8's young generation, under its large-object size. */
const CHUNK_CHARS = 1 << 15;
/** Deeper than this, a message's strings are left to the SDK's serialization as they are. */
const MAX_DEPTH = 64;
/** Fields whose value the SDK also reads (request headers, the era envelope): never stood in for. */
const READ_BY_TRANSPORT = new Set(['name', 'uri', '_meta']);

interface Encoded {
  text: string;
  chunks: Buffer[];
  bytes: number;
}

/** Per object holding a large string, per key: its JSON bytes, for as long as that object lives. */
const encodings = new WeakMap<object, Map<string, Encoded>>();

/** The JSON string literal of `text` without its quotes, as UTF-8 chunks (surrogate pairs never split). */
export function encodeJsonString(text: string): { chunks: Buffer[]; bytes: number } {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for (let start = 0; start < text.length;) {
    let end = Math.min(start + CHUNK_CHARS, text.length);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end++;
    const json = Buffer.from(JSON.stringify(text.slice(start, end)), 'utf8');
    const chunk = json.subarray(1, json.length - 1);
    chunks.push(chunk);
    bytes += chunk.length;
    start = end;
  }
  return { chunks, bytes };
}

function encodingOf(text: string, holder: object, key: string): Encoded {
  let byKey = encodings.get(holder);
  if (byKey === undefined) {
    byKey = new Map();
    encodings.set(holder, byKey);
  }
  const known = byKey.get(key);
  if (known !== undefined && known.text === text) return known;
  const encoded = { text, ...encodeJsonString(text) };
  byKey.set(key, encoded);
  return encoded;
}

interface Standing {
  text: string;
  holder: object;
  key: string;
}

const isPlain = (value: object): boolean => {
  const prototype = Object.getPrototypeOf(value) as unknown;
  return (
    (prototype === Object.prototype || prototype === null) &&
    typeof (value as { toJSON?: unknown }).toJSON !== 'function'
  );
};

/**
 * Large strings sent as pre-encoded bytes over one HTTP client transport: `fetch` wraps the transport's
 * fetch, `attach` its `send`. A marker is known from `send` until the send is over (an SDK retry, after a
 * 401 or a redirect, serializes the same message again).
 */
export class LargeStringBodies {
  readonly #prefix = `mcp-sampling-large-string-${randomUUID()}-`;
  readonly #pattern = new RegExp(`${this.#prefix}(\\d+)~`, 'g');
  readonly #standing = new Map<number, Standing>();
  #next = 0;

  /** Wraps `transport.send` so that a message's large strings reach the SDK as markers. */
  attach(transport: Transport): void {
    const send = transport.send.bind(transport);
    transport.send = async (message: JSONRPCMessage, options?: TransportSendOptions) => {
      const ids: number[] = [];
      // A batch (the SDK sends none) goes as it is.
      const stood = Array.isArray(message) ? message : this.#standIn(message, ids);
      if (ids.length === 0) return send(message, options);
      try {
        return await send(stood as JSONRPCMessage, options);
      } finally {
        for (const id of ids) this.#standing.delete(id);
      }
    };
  }

  /** Wraps `base`: a body naming markers is sent with their strings' bytes, as a stream of known length. */
  fetch(base: typeof fetch): typeof fetch {
    return async (input, init) => {
      const body = init?.body;
      if (typeof body !== 'string' || this.#standing.size === 0 || !body.includes(this.#prefix)) {
        return base(input, init);
      }
      const parts = this.#expand(body);
      if (init?.redirect !== 'manual' && init?.redirect !== 'error') {
        // A fetch that follows redirects itself must be able to send the body again: the whole text, as asked.
        return base(input, { ...init, body: Buffer.concat(parts).toString('utf8') });
      }
      const headers = new Headers(init.headers);
      headers.set('content-length', String(parts.reduce((sum, part) => sum + part.length, 0)));
      return base(input, { ...init, headers, body: streamOf(parts), duplex: 'half' } as RequestInit);
    };
  }

  /** `value` with each large string (outside the fields the transport reads) replaced by a marker. */
  #standIn(value: unknown, ids: number[], depth = 0): unknown {
    if (typeof value !== 'object' || value === null || depth > MAX_DEPTH || !isPlain(value)) return value;
    if (Array.isArray(value)) {
      let copy: unknown[] | undefined;
      value.forEach((item: unknown, index) => {
        const stood = this.#standInField(value, String(index), item, ids, depth);
        if (stood !== item) (copy ??= value.slice())[index] = stood;
      });
      return copy ?? value;
    }
    let copy: Record<string, unknown> | undefined;
    for (const key of Object.keys(value)) {
      if (depth <= 1 && (depth === 0 ? key !== 'params' && key !== 'result' : READ_BY_TRANSPORT.has(key))) continue;
      const item = (value as Record<string, unknown>)[key];
      const stood = this.#standInField(value, key, item, ids, depth);
      if (stood !== item) (copy ??= { ...(value as Record<string, unknown>) })[key] = stood;
    }
    return copy ?? value;
  }

  #standInField(holder: object, key: string, item: unknown, ids: number[], depth: number): unknown {
    if (typeof item === 'string') {
      if (item.length < LARGE_BODY_CHARS) return item;
      const id = this.#next++;
      this.#standing.set(id, { text: item, holder, key });
      ids.push(id);
      return `${this.#prefix}${id}~`;
    }
    return this.#standIn(item, ids, depth + 1);
  }

  /** The bytes of `body` with each marker replaced by its string's JSON bytes. */
  #expand(body: string): Buffer[] {
    const parts: Buffer[] = [];
    let at = 0;
    for (const match of body.matchAll(this.#pattern)) {
      const standing = this.#standing.get(Number(match[1]));
      if (standing === undefined) throw new Error('a large string was sent after its message was (internal error)');
      parts.push(Buffer.from(body.slice(at, match.index), 'utf8'));
      for (const chunk of encodingOf(standing.text, standing.holder, standing.key).chunks) parts.push(chunk);
      at = match.index + match[0].length;
    }
    parts.push(Buffer.from(body.slice(at), 'utf8'));
    return parts;
  }
}

/** A stream of `parts` as they are (a plain stream: a tee shares its chunks instead of copying them). */
function streamOf(parts: readonly Buffer[]): ReadableStream<Uint8Array> {
  let next = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const part = parts[next++];
      if (part === undefined) controller.close();
      else controller.enqueue(part);
    },
  });
}
