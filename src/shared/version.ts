/**
 * The package's version, read once from its package.json: the one place the CLI's `--version`, the
 * server's `serverInfo` and the client's `clientInfo` take it from. A plain file read (no JSON import, no
 * SDK), so `serve`'s import graph and start-up stay as they were. package.json sits two folders above both
 * src/shared/ and dist/shared/, so the same relative URL holds in the sources and in the build.
 */
import { readFileSync } from 'node:fs';

/** `version` of mcp-sampling's package.json, e.g. `'0.2.0'`. */
export const PACKAGE_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
