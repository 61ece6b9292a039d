/**
 * Which files `serve --http` reads: a remote client's roots describe its own disk, so they never open the
 * server's. With no `allowDirs` every `path` is refused; with them, only real paths inside them are read,
 * and a client's file:// roots narrow them, never widen them. Every tool that takes `path`, both eras,
 * with and without the bearer token.
 */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import { connectHttp } from '../src/client/connect/http.js';
import { type McpConnection } from '../src/client/connect/session.js';
import type { SamplingHandler } from '../src/client/sampling/handler.js';
import { NO_FILES_OVER_HTTP } from '../src/server/documents/file-access.js';
import { startHttpServer, type HttpServeOptions, type RunningHttpServer } from '../src/server/http/serve-http.js';
import { textOf } from './helpers/in-memory.js';
import { testHandler } from './helpers/runtime.js';

const NOTES = 'The lighthouse keeper logged every ship that passed the cape. Storms came early that autumn.';
const DEEP = 'The harbour master counted the barrels twice. The quay was repaired in spring.';
const SECRET = 'The vault combination is seven four one. Nobody outside the server may read this.';
const TOKEN = 'a-bearer-token-for-the-file-tests-0123';

/**
 * The server's disk: `docs/` (allowed) with notes.txt, sub/deep.txt, a link to a file outside, a link to
 * a directory outside; `outside/secret.txt` beside it (never to be read).
 */
let docs: string;
let outside: string;
beforeAll(() => {
  const base = mkdtempSync(join(tmpdir(), 'mcp-sampling-http-files-'));
  docs = join(base, 'docs');
  outside = join(base, 'outside');
  mkdirSync(join(docs, 'sub'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(docs, 'notes.txt'), NOTES);
  writeFileSync(join(docs, 'sub', 'deep.txt'), DEEP);
  writeFileSync(join(outside, 'secret.txt'), SECRET);
  symlinkSync(join(outside, 'secret.txt'), join(docs, 'escape.txt'));
  symlinkSync(outside, join(docs, 'linked'));
});

const servers: RunningHttpServer[] = [];
const connections: McpConnection[] = [];
afterEach(async () => {
  await Promise.all(connections.splice(0).map((c) => c.close().catch(() => {})));
  await Promise.all(servers.splice(0).map((s) => s.close(0)));
});

const quiet = { info: () => {}, error: () => {} };

/** A served instance and a client of it on `era`; `sampled` counts the requests that reached the client. */
async function setUp(
  era: 'legacy' | 'modern',
  token: string | undefined,
  server: HttpServeOptions,
  roots: string[] = [],
): Promise<{ connection: McpConnection; sampled: () => number }> {
  const running = await startHttpServer({ port: 0, log: quiet, authToken: token, ...server });
  servers.push(running);
  const base = testHandler();
  let count = 0;
  const handler: SamplingHandler = (request, ctx) => {
    count += 1;
    return base(request, ctx);
  };
  const connection = await connectHttp({
    url: running.url,
    era,
    handler,
    roots,
    ...(token !== undefined && { bearerToken: token }),
  });
  connections.push(connection);
  return { connection, sampled: () => count };
}

/** Every tool that takes `path`, with the other arguments it needs. */
const PATH_TOOLS = [
  { name: 'summarize_document', extra: {} },
  { name: 'ask_document', extra: { question: 'What did the keeper log?' } },
  { name: 'extract_key_points', extra: {} },
] as const;

async function call(connection: McpConnection, tool: string, args: Record<string, unknown>) {
  const result = await connection.client.callTool({ name: tool, arguments: args });
  return { isError: result.isError === true, text: textOf(result) };
}

const CASES = [
  ['legacy', 'no token', undefined],
  ['modern', 'no token', undefined],
  ['legacy', 'a bearer token', TOKEN],
  ['modern', 'a bearer token', TOKEN],
] as const;

describe.each(CASES)('serve --http files, %s era, %s', (era, _label, token) => {
  it('reads no file without allowDirs, whatever roots the client claims', async () => {
    // The attack of issue 11: the client declares "/" as its root and asks for the server's files.
    const { connection, sampled } = await setUp(era, token, {}, ['/']);
    for (const tool of PATH_TOOLS) {
      for (const path of ['/etc/passwd', join(outside, 'secret.txt'), join(docs, 'notes.txt')]) {
        const result = await call(connection, tool.name, { ...tool.extra, path });
        expect(result.isError, `${tool.name} ${path}`).toBe(true);
        expect(result.text).toContain(NO_FILES_OVER_HTTP);
        expect(result.text).not.toContain('root:');
        expect(result.text).not.toContain('vault');
      }
    }
    expect(sampled()).toBe(0);
    // The text itself is still welcome.
    const text = await call(connection, 'summarize_document', { document_text: NOTES });
    expect(text).toMatchObject({ isError: false, text: expect.stringContaining('lighthouse') });
  });

  it('with allowDirs reads a file inside, refuses .. and links that lead out', async () => {
    const { connection } = await setUp(era, token, { allowDirs: [docs] }, ['/']);
    // Inside: relative to the allowed directory, or absolute.
    for (const path of ['notes.txt', join(docs, 'notes.txt')]) {
      const result = await call(connection, 'summarize_document', { path });
      expect(result, path).toMatchObject({ isError: false, text: expect.stringContaining('lighthouse keeper') });
    }
    const refusals: [string, RegExp][] = [
      ['/etc/passwd', /is outside the directories this server allows/],
      ['../outside/secret.txt', /is outside the directories this server allows/],
      ['sub/../../outside/secret.txt', /is outside the directories this server allows/],
      ['escape.txt', /is a link that leads outside the directories this server allows/],
      ['linked/secret.txt', /is a link that leads outside the directories this server allows/],
    ];
    for (const tool of PATH_TOOLS) {
      for (const [path, why] of refusals) {
        const result = await call(connection, tool.name, { ...tool.extra, path });
        expect(result.isError, `${tool.name} ${path}`).toBe(true);
        expect(result.text).toMatch(why);
        expect(result.text).not.toContain('root:');
        expect(result.text).not.toContain('vault');
      }
    }
  });

  it("lets the client's roots narrow the allowed directories, never widen them", async () => {
    const narrowed = await setUp(era, token, { allowDirs: [docs] }, [join(docs, 'sub')]);
    const deep = await call(narrowed.connection, 'summarize_document', { path: 'sub/deep.txt' });
    expect(deep).toMatchObject({ isError: false, text: expect.stringContaining('harbour master') });
    const notes = await call(narrowed.connection, 'summarize_document', { path: 'notes.txt' });
    expect(notes.isError).toBe(true);
    expect(notes.text).toMatch(/notes\.txt is outside the client's roots/);

    // A root on the client's own disk, or one that covers the server's secrets, opens nothing more.
    const wider = await setUp(era, token, { allowDirs: [docs] }, [outside]);
    const secret = await call(wider.connection, 'summarize_document', { path: join(outside, 'secret.txt') });
    expect(secret.isError).toBe(true);
    expect(secret.text).toMatch(/is outside the directories this server allows/);
    expect(secret.text).not.toContain('vault');
  });
});
