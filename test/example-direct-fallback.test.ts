/**
 * examples/direct-fallback end to end: the example, importing `mcp-sampling/server` and
 * `mcp-sampling/server/direct` by package name (resolved to dist/ through the package's own exports:
 * `npm test` builds first), type-checked, then spawned on stdio as its README says, with the environment
 * variables it documents pointing its OpenAI provider at a local Chat Completions stub. A client that lacks
 * sampling gets the stub's answer; with DIRECT_WHEN=always a client that can sample is not asked.
 */
import { fileURLToPath } from 'node:url';

import { Client } from '@modelcontextprotocol/client';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterEach, describe, expect, it } from 'vitest';

import { chatCompletion, startHttpStub, type HttpStub } from './helpers/http-stub.js';
import { ERAS, textOf, versionNegotiation, type Era } from './helpers/wire.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SERVER = 'examples/direct-fallback/server.ts';
const KEY = 'sk-example-operator-key-0123456789';

let stub: HttpStub | undefined;
let client: Client | undefined;
afterEach(async () => {
  await client?.close();
  await stub?.close();
  client = undefined;
  stub = undefined;
});

async function connect(era: Era, options: { sampling?: boolean; env?: Record<string, string> } = {}) {
  stub = await startHttpStub(() => ({ json: chatCompletion('A closure is a function with its scope.') }));
  client = new Client(
    { name: options.sampling === true ? 'sampling-host' : 'plain-host', version: '1.0.0' },
    { capabilities: options.sampling === true ? { sampling: {} } : {}, versionNegotiation: versionNegotiation(era) },
  );
  let asked = 0;
  if (options.sampling === true) {
    client.setRequestHandler('sampling/createMessage', async () => {
      asked += 1;
      return { role: 'assistant', content: { type: 'text', text: 'from the client' }, model: 'client-model' };
    });
  }
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: ['--import', 'tsx', SERVER],
      cwd: ROOT,
      stderr: 'pipe',
      env: {
        ...getDefaultEnvironment(),
        OPENAI_API_KEY: KEY,
        OPENAI_BASE_URL: `${stub.url}/v1`,
        DIRECT_MODEL: 'gpt-4o-mini',
        ...options.env,
      },
    }),
  );
  return { client, asked: () => asked };
}

describe('the direct-fallback example', () => {
  it.each(ERAS)('answers a client without sampling from the operator model (%s era)', async (era) => {
    const { client: connected } = await connect(era);
    const result = await connected.callTool({ name: 'explain', arguments: { term: 'closure' } });
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toBe('A closure is a function with its scope.');
    expect(result._meta?.['answeredBy']).toBe('server (gpt-4o-2024-08-06)');
    expect(stub!.requests).toHaveLength(1);
    expect(stub!.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(stub!.requests[0]!.body).toMatchObject({
      model: 'gpt-4o-mini',
      temperature: 0.3,
      max_tokens: 200,
      messages: [
        { role: 'system', content: expect.stringContaining('two sentences') },
        { role: 'user', content: 'Explain: closure' },
      ],
    });
  });

  it('lets a sampling client answer, unless DIRECT_WHEN=always', async () => {
    const plain = await connect('modern', { sampling: true });
    const fromClient = await plain.client.callTool({ name: 'explain', arguments: { term: 'closure' } });
    expect(fromClient._meta?.['answeredBy']).toBe('client (client-model)');
    expect(plain.asked()).toBe(1);
    expect(stub!.requests).toHaveLength(0);
    await client!.close();
    await stub!.close();

    const always = await connect('modern', { sampling: true, env: { DIRECT_WHEN: 'always' } });
    const fromServer = await always.client.callTool({ name: 'explain', arguments: { term: 'closure' } });
    expect(fromServer._meta?.['answeredBy']).toBe('server (gpt-4o-2024-08-06)');
    expect(always.asked()).toBe(0);
    expect(stub!.requests).toHaveLength(1);
  });
});
