/**
 * Newline framing for MCP over stdio, linear in the size of a message, with a per-message size limit.
 *
 * The SDK's own `ReadBuffer` joins the whole pending buffer with every new chunk (`Buffer.concat`) and
 * searches it for a newline from the start each time, so reading one message of n bytes that arrives in
 * 64 KB pipe chunks costs O(n²): a 64 MB message took 15 s on the server and 32 s on the client. This
 * buffer keeps the chunks of the incomplete message in a list, scans only each new chunk for a newline,
 * and joins the pieces once, when the message is complete. It has the same three methods as the SDK's
 * buffer (`append`, `readMessage`, `clear`), and `useLineFraming` puts it inside the SDK's stdio
 * transports (server and client alike), which keep doing everything else (spawning, closing, writing).
 */

/** A message (or the part of one received so far) larger than the configured maximum. */
export class MessageTooLargeError extends Error {
  override readonly name = 'MessageTooLargeError';
  constructor(
    /** Who sent it, e.g. `the client` or `the server`. */
    readonly from: string,
    /** Bytes received so far: the message is at least this long. */
    readonly receivedBytes: number,
    readonly limitBytes: number,
  ) {
    super(
      `stdio: a message from ${from} is larger than the limit of ${limitBytes} bytes ` +
        `(${receivedBytes} bytes received without a newline); closing the connection`,
    );
  }
}

export interface LineReadBufferOptions<M> {
  /** The largest message accepted, in bytes, without its newline. */
  maxMessageBytes: number;
  /** Named in the error for a message that is too large: `the client`, `the server`. */
  from: string;
  /** Turns one line into a message; throws a SyntaxError for a line that is not JSON (skipped, as the SDK does). */
  parse: (line: string) => M;
  /** Called once with the error when a message is too large, before `append` throws it. */
  onTooLarge?: (error: MessageTooLargeError) => void;
  /** Called with each line skipped because it is not JSON (a stray log line, or a peer that is not MCP). */
  onNotJson?: (line: string) => void;
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/** The read side of a stdio transport: bytes in (`append`), one message at a time out (`readMessage`). */
export class LineReadBuffer<M> {
  /** The incomplete message: chunks (or their tails) received since the last newline. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Complete lines not yet read. */
  private readonly lines: Buffer[] = [];

  constructor(private readonly options: LineReadBufferOptions<M>) {
    if (!Number.isSafeInteger(options.maxMessageBytes) || options.maxMessageBytes < 1) {
      throw new RangeError(`maxMessageBytes must be a positive integer (got ${options.maxMessageBytes})`);
    }
  }

  /** Adds bytes from the stream. Throws MessageTooLargeError (and forgets everything) past the limit. */
  append(chunk: Buffer): void {
    let start = 0;
    // Only the new chunk is searched: what came before held no newline.
    for (let newline = chunk.indexOf(NEWLINE); newline !== -1; newline = chunk.indexOf(NEWLINE, start)) {
      const tail = chunk.subarray(start, newline);
      this.checkSize(this.pendingBytes + tail.length);
      this.lines.push(this.pending.length === 0 ? tail : Buffer.concat([...this.pending, tail]));
      this.pending = [];
      this.pendingBytes = 0;
      start = newline + 1;
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      this.checkSize(this.pendingBytes + rest.length);
      this.pending.push(rest);
      this.pendingBytes += rest.length;
    }
  }

  /** The next complete message, or null when none is complete yet. Lines that are not JSON are skipped. */
  readMessage(): M | null {
    for (let line = this.lines.shift(); line !== undefined; line = this.lines.shift()) {
      const end = line.length > 0 && line[line.length - 1] === CARRIAGE_RETURN ? line.length - 1 : line.length;
      const text = line.toString('utf8', 0, end);
      try {
        return this.options.parse(text);
      } catch (error) {
        // Same rule as the SDK's buffer: a line that is not JSON (a stray log line) is not a message.
        if (error instanceof SyntaxError) {
          this.options.onNotJson?.(text);
          continue;
        }
        throw error;
      }
    }
    return null;
  }

  clear(): void {
    this.pending = [];
    this.pendingBytes = 0;
    this.lines.length = 0;
  }

  private checkSize(bytes: number): void {
    if (bytes <= this.options.maxMessageBytes) return;
    this.clear();
    const error = new MessageTooLargeError(this.options.from, bytes, this.options.maxMessageBytes);
    this.options.onTooLarge?.(error);
    throw error;
  }
}

/**
 * Puts `buffer` in place of the read buffer of one of the SDK's stdio transports (`StdioServerTransport`,
 * `StdioClientTransport`). Both keep it in the field `_readBuffer` and call only `append`, `readMessage`
 * and `clear` on it; the field is not public, so its presence is checked here and a changed SDK fails at
 * start-up with this message instead of silently keeping the quadratic reader.
 */
export function useLineFraming(transport: object, buffer: LineReadBuffer<unknown>): void {
  const current: unknown = Reflect.get(transport, '_readBuffer');
  const looksLikeReadBuffer =
    typeof current === 'object' &&
    current !== null &&
    ['append', 'readMessage', 'clear'].every((method) => typeof Reflect.get(current, method) === 'function');
  if (!looksLikeReadBuffer) {
    throw new Error(
      'the MCP SDK stdio transport no longer has the read buffer mcp-sampling replaces (_readBuffer): ' +
        'update src/shared/stdio-framing.ts for this SDK version',
    );
  }
  Reflect.set(transport, '_readBuffer', buffer);
}
