/**
 * What `mcp-sampling conformance-client <url>` does for each client scenario of the MCP conformance suite,
 * through the real client: connectHttp (era negotiation included), the public sampling runtime and handler
 * (state and audit in a temporary directory, never the user's HOME), an elicitation handler that accepts
 * with the form's defaults, and the SDK client's calls. The scenario is named in `MCP_CONFORMANCE_SCENARIO`,
 * the protocol revision it runs at in `MCP_CONFORMANCE_PROTOCOL_VERSION`, and some scenarios pass the calls
 * to make in `MCP_CONFORMANCE_CONTEXT` (JSON). Each step is printed on stdout, one line each.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  ClientCredentialsProvider,
  PrivateKeyJwtProvider,
  type Client,
  type OAuthClientProvider,
  type Tool,
} from '@modelcontextprotocol/client';

import { followRedirectHeadless } from '../client/auth/open-url.js';
import { createOAuthProvider } from '../client/auth/provider.js';
import { createTokenStore } from '../client/auth/token-store.js';

import { connectHttp } from '../client/connect/http.js';
import type { McpConnection } from '../client/connect/session.js';
import { elicitationDefaults } from '../client/elicitation/schema-defaults.js';
import { createSamplingHandler, createSamplingRuntime } from '../client/index.js';
import { MODERN_PROTOCOL_VERSION, type EraMode } from '../shared/era.js';
import { CliError } from './output.js';

interface ToolCall {
  name: string;
  arguments?: Record<string, unknown>;
}

/** The era a scenario's revision asks for: 2026-07-28 is the modern era, a dated 2025 one legacy, none: negotiate. */
export function eraForRevision(revision: string | undefined): EraMode {
  if (revision === undefined || revision === '') return 'auto';
  return revision >= MODERN_PROTOCOL_VERSION ? 'modern' : 'legacy';
}

/**
 * The client id metadata document URL the suite's `auth/basic-cimd` authorization server expects as the
 * client id (it cannot fetch one; a real deployment configures its own, `oauth.clientMetadataUrl`).
 */
const CONFORMANCE_CLIENT_METADATA_URL = 'https://conformance-test.local/client-metadata.json';

/** The scenario's context (`MCP_CONFORMANCE_CONTEXT`), an object or nothing. */
function contextOf(raw: string | undefined): Record<string, unknown> {
  if (raw === undefined || raw === '') return {};
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    throw new CliError('MCP_CONFORMANCE_CONTEXT is not JSON');
  }
}

const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

/**
 * The OAuth provider a scenario needs: the client credentials grant (an extension) with the SDK's own
 * providers when the context gives a secret or a key without a browser step, else ours, the one the CLI
 * uses, with a headless user agent instead of the browser and the tokens in `dir`.
 */
async function oauthFor(url: string, scenario: string, context: Record<string, unknown>, dir: string) {
  const clientId = text(context['client_id']);
  if (clientId !== undefined && scenario.startsWith('auth/client-credentials')) {
    const privateKey = text(context['private_key_pem']);
    const secret = text(context['client_secret']);
    const provider: OAuthClientProvider | undefined =
      privateKey !== undefined
        ? new PrivateKeyJwtProvider({
            clientId,
            privateKey,
            algorithm: text(context['signing_algorithm']) ?? 'ES256',
          })
        : secret !== undefined
          ? new ClientCredentialsProvider({ clientId, clientSecret: secret })
          : undefined;
    if (provider !== undefined) return provider;
  }
  return createOAuthProvider({
    serverUrl: url,
    store: createTokenStore(join(dir, 'oauth')),
    open: followRedirectHeadless(),
    clientName: 'mcp-sampling conformance-client',
    clientMetadataUrl: CONFORMANCE_CLIENT_METADATA_URL,
    clientId,
    clientSecret: text(context['client_secret']),
  });
}

/** The tool calls a scenario passes in `MCP_CONFORMANCE_CONTEXT` (`{ toolCalls: [{ name, arguments }] }`). */
function contextCalls(raw: string | undefined): ToolCall[] {
  if (raw === undefined || raw === '') return [];
  let context: unknown;
  try {
    context = JSON.parse(raw);
  } catch {
    throw new CliError('MCP_CONFORMANCE_CONTEXT is not JSON');
  }
  const calls = (context as { toolCalls?: unknown } | null)?.toolCalls;
  if (!Array.isArray(calls)) return [];
  return calls.filter((call): call is ToolCall => typeof (call as ToolCall | null)?.name === 'string');
}

/** Placeholder arguments for a tool's required properties (a string, a number, a boolean…), from its schema. */
function placeholderArguments(tool: Tool): Record<string, unknown> {
  const schema = tool.inputSchema as {
    properties?: Record<string, { type?: unknown; default?: unknown }>;
    required?: string[];
  };
  const args: Record<string, unknown> = {};
  for (const name of schema.required ?? []) {
    const property = schema.properties?.[name] ?? {};
    if (property.default !== undefined) {
      args[name] = property.default;
      continue;
    }
    const type = Array.isArray(property.type) ? property.type[0] : property.type;
    args[name] =
      type === 'number' || type === 'integer'
        ? 1
        : type === 'boolean'
          ? true
          : type === 'array'
            ? []
            : type === 'object'
              ? {}
              : type === 'null'
                ? null
                : 'conformance';
  }
  return args;
}

async function callTool(client: Client, call: ToolCall, say: (line: string) => void): Promise<void> {
  const result = await client.callTool({ name: call.name, arguments: call.arguments ?? {} });
  const text = Array.isArray(result.content)
    ? result.content
        .map((block) => (block.type === 'text' ? block.text : `[${block.type}]`))
        .join(' ')
        .slice(0, 200)
    : '';
  say(`tools/call ${call.name}: ${result.isError === true ? 'error' : 'ok'}${text === '' ? '' : ` (${text})`}`);
}

/** Lists the tools (every page) and says how many. */
async function listTools(client: Client, say: (line: string) => void): Promise<Tool[]> {
  const tools: Tool[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.listTools(cursor === undefined ? {} : { cursor });
    tools.push(...page.tools);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  say(`tools/list: ${tools.length} tool(s): ${tools.map((tool) => tool.name).join(', ')}`);
  return tools;
}

/** Every tool, resource and prompt the server lists, each called, read or got once. */
async function exerciseEverything(connection: McpConnection, say: (line: string) => void): Promise<void> {
  const { client } = connection;
  const capabilities = client.getServerCapabilities() ?? {};
  for (const tool of await listTools(client, say)) {
    await callTool(client, { name: tool.name, arguments: placeholderArguments(tool) }, say);
  }
  if (capabilities.resources !== undefined) {
    const { resources } = await client.listResources();
    say(`resources/list: ${resources.length} resource(s)`);
    for (const resource of resources) {
      await client.readResource({ uri: resource.uri });
      say(`resources/read ${resource.uri}: ok`);
    }
  }
  if (capabilities.prompts !== undefined) {
    const { prompts } = await client.listPrompts();
    say(`prompts/list: ${prompts.length} prompt(s)`);
    for (const prompt of prompts) {
      await client.getPrompt({ name: prompt.name });
      say(`prompts/get ${prompt.name}: ok`);
    }
  }
}

/** What each scenario asks of the client, once connected. Unknown scenarios: list and call every tool. */
async function runScenario(
  scenario: string,
  connection: McpConnection,
  env: NodeJS.ProcessEnv,
  say: (line: string) => void,
): Promise<void> {
  const { client } = connection;
  const given = contextCalls(env['MCP_CONFORMANCE_CONTEXT']);
  switch (scenario) {
    case 'initialize':
    case 'request-metadata':
    case 'json-schema-ref-no-deref':
      await listTools(client, say);
      return;
    case 'tools_call':
      await listTools(client, say);
      await callTool(client, { name: 'add_numbers', arguments: { a: 5, b: 3 } }, say);
      return;
    case 'json-schema-2020-12-preservation': {
      const tools = await listTools(client, say);
      const focal = tools.find((tool) => tool.name === 'json_schema_2020_12_tool');
      if (focal === undefined) throw new CliError('the server does not list json_schema_2020_12_tool');
      await callTool(client, { name: 'json_schema_echo', arguments: { schema: focal.inputSchema } }, say);
      return;
    }
    case 'sep-2322-client-request-state':
      await listTools(client, say);
      for (const name of [
        'test_mrtr_echo_state',
        'test_mrtr_no_state',
        'test_mrtr_unrelated',
        'test_mrtr_no_result_type',
      ]) {
        await callTool(client, { name }, say);
      }
      return;
    default:
      if (given.length > 0) {
        await listTools(client, say);
        for (const call of given) await callTool(client, call, say);
        return;
      }
      await exerciseEverything(connection, say);
  }
}

/**
 * Connects to `url` as the scenario in `env` says and does what it asks. Throws (exit 1) when connecting or
 * a call fails; the suite's checks decide whether the scenario passed.
 */
export async function runConformanceClient(url: string, env: NodeJS.ProcessEnv): Promise<void> {
  const scenario = env['MCP_CONFORMANCE_SCENARIO'] ?? '';
  const era = eraForRevision(env['MCP_CONFORMANCE_PROTOCOL_VERSION']);
  const say = (line: string) => process.stdout.write(`${line}\n`);
  // The policy's state and audit live in a directory of their own, removed at the end: never the user's HOME.
  const dir = mkdtempSync(join(tmpdir(), 'mcp-sampling-conformance-'));
  const runtime = createSamplingRuntime({
    env: {},
    config: { servers: { '*': { approval: 'auto' } } },
    statePath: join(dir, 'state.json'),
    auditPath: join(dir, 'audit.jsonl'),
  });
  const state: { connection?: McpConnection; oauth?: OAuthClientProvider & { close?: () => Promise<void> } } = {};
  const handler = createSamplingHandler(runtime, { client: () => state.connection?.client, address: url });
  try {
    say(`scenario ${scenario === '' ? '(none)' : scenario}, era ${era}`);
    state.oauth = await oauthFor(url, scenario, contextOf(env['MCP_CONFORMANCE_CONTEXT']), dir);
    state.connection = await connectHttp({
      oauth: state.oauth,
      url,
      era,
      handler,
      tools: runtime.canCallTools,
      elicitation: async (request) => {
        if (!('requestedSchema' in request.params)) return { action: 'decline' };
        const content = elicitationDefaults(request.params.requestedSchema);
        say(`elicitation/create: accept with ${JSON.stringify(content)}`);
        return { action: 'accept', content };
      },
    });
    const { connection } = state;
    say(`connected: era ${connection.era}, protocol ${connection.protocolVersion ?? 'unknown'}`);
    await runScenario(scenario, connection, env, say);
  } finally {
    await state.connection?.close().catch(() => {});
    await state.oauth?.close?.();
    await runtime.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
