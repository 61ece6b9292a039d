/**
 * The checks a sampling engine runs on what a tool author gives it: its options at creation, and each tool
 * at registration. Bad input fails at once with one line naming the option and what it got, never later
 * inside a tool call.
 */
import type { McpServer } from '@modelcontextprotocol/server';

function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return typeof value;
}

function positive(name: string, value: unknown, integer: boolean): void {
  if (value === undefined) return;
  const ok = typeof value === 'number' && value > 0 && Number.isFinite(value) && (!integer || Number.isInteger(value));
  if (!ok) {
    throw new RangeError(
      `createSamplingEngine: ${name} must be a positive ${integer ? 'integer' : 'number'} (got ${shown(value)})`,
    );
  }
}

/** Checks the numeric options of `createSamplingEngine` (the state key is checked where it is resolved). */
export function checkEngineOptions(options: unknown): void {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`createSamplingEngine: options must be an object (got ${shown(options)})`);
  }
  const o = options as Record<string, unknown>;
  positive('stateTtlSeconds', o['stateTtlSeconds'], false);
  positive('concurrency', o['concurrency'], true);
  positive('samplingTimeoutMs', o['samplingTimeoutMs'], false);
  positive('maxRequestsPerRound', o['maxRequestsPerRound'], true);
  const key = o['stateKey'];
  if (key !== undefined && typeof key !== 'string' && !(key instanceof Uint8Array)) {
    throw new TypeError(`createSamplingEngine: stateKey must be a string or a Uint8Array (got ${shown(key)})`);
  }
}

/** Checks the arguments of `engine.registerTool`. */
export function checkRegistration(server: unknown, name: unknown, config: unknown, body: unknown): void {
  if (typeof (server as McpServer | null)?.registerTool !== 'function') {
    throw new TypeError(`registerTool: server must be an McpServer (got ${shown(server)})`);
  }
  if (typeof name !== 'string' || name === '') {
    throw new TypeError(`registerTool: name must be a non-empty string (got ${shown(name)})`);
  }
  if (config === null || typeof config !== 'object') {
    throw new TypeError(`registerTool ${name}: config must be an object (got ${shown(config)})`);
  }
  if ((config as { inputSchema?: unknown }).inputSchema === undefined) {
    throw new TypeError(
      `registerTool ${name}: config.inputSchema is required (a zod object schema, e.g. z.object({}))`,
    );
  }
  if (typeof body !== 'function') {
    throw new TypeError(`registerTool ${name}: the body must be a function (args, sampler) => CallToolResult`);
  }
}
