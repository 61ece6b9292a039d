/**
 * The exit code of a command whose tool call returned `isError`. Its own module (not output.ts) because it
 * reads our server's error kind through the shared contract's zod schemas: only the commands that call a
 * tool load it, so `--version`, `--help` and usage errors do not pay for zod.
 */
import { toolErrorKind } from '../shared/contract.js';
import { EXIT_BAD_INPUT } from './output.js';

/**
 * The exit code for an `isError` tool result: 2 when the input was at fault (our server says so in
 * `_meta`; the MCP SDK starts its refusal of arguments that fail the tool's schema with "Input validation
 * error"), 1 for a job that failed.
 */
export function toolErrorExitCode(result: { _meta?: Record<string, unknown> | undefined }, text: string): number {
  if (toolErrorKind(result._meta) === 'invalid-input') return EXIT_BAD_INPUT;
  return /^Input validation error\b/.test(text) ? EXIT_BAD_INPUT : 1;
}

/**
 * What servers say when a tool pushed a server-to-client request (2025 style: `sampling/createMessage`,
 * `elicitation/create`, `roots/list` sent from inside the call) on a 2026-07-28 connection, which has no
 * channel for one: the Python SDK's `ctx.session.create_message` ("this transport context has no
 * back-channel") and the TypeScript SDK v2's `ctx.mcpReq.requestSampling`.
 */
const PUSH_ON_MODERN = [
  /no back-channel/i,
  /Server-to-client requests are not available on protocol revision 2026/i,
  /METHOD_NOT_SUPPORTED_BY_PROTOCOL_VERSION/,
];

const SERVER_WORDS_MAX = 160;

/**
 * The one line `call` reports when a tool failed because its server pushed a 2025-style request on a
 * 2026-07-28 connection (which `--era auto` chose because the server also speaks 2026): says so and
 * suggests `--era legacy`. Undefined for any other failure, and when the user pinned the legacy era.
 */
export function pushOnModernFailure(
  tool: string,
  text: string,
  era: { mode: 'auto' | 'legacy' | 'modern'; landed: 'legacy' | 'modern' },
): string | undefined {
  if (era.landed !== 'modern' || era.mode === 'legacy') return undefined;
  if (!PUSH_ON_MODERN.some((pattern) => pattern.test(text))) return undefined;
  const said = text.replace(/\s+/g, ' ').trim();
  const shown = said.length > SERVER_WORDS_MAX ? `${said.slice(0, SERVER_WORDS_MAX)}…` : said;
  return (
    `${tool} failed: the server pushes 2025-style requests (sampling/createMessage sent from inside the call), ` +
    `which a 2026-07-28 connection cannot carry; run again with --era legacy (the server said: ${shown})`
  );
}
