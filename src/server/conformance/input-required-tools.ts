/**
 * The diagnostic tools and prompt of the suite's `input-required-result-*` scenarios (SEP-2322, the
 * 2026-07-28 multi-round-trip pattern). Names, request keys and texts follow the scenario descriptions.
 *
 * - `test_input_required_result_sampling` and `test_input_required_result_list_roots` are sampling-engine
 *   tools (`engine.registerTool`, the Sampler): their rounds are the engine's real 2026 input_required path
 *   (and, on 2025 connections, its pushed requests).
 * - The others need what the Sampler does not ask for (elicitation; fixed keys; several kinds of request at
 *   once; rounds of their own), so they return `inputRequired(...)` themselves. Their requestState is minted
 *   with the engine's own codec (`stateCodecOf`), bound to the tool and its arguments like the engine's:
 *   tampered or expired state is refused by the server's verify hook with -32602 before they run.
 * - A retry whose answers are missing or of the wrong kind gets the same requests again (an
 *   InputRequiredResult, not an error), as SEP-2322 recommends; keys they did not ask for are ignored.
 */
import {
  CLIENT_CAPABILITIES_META_KEY,
  inputRequired,
  inputResponse,
  type CallToolResult,
  type ClientCapabilities,
  type CreateMessageRequestParams,
  type ElicitRequestFormParams,
  type GetPromptResult,
  type InputRequest,
  type InputRequiredResult,
  type McpServer,
  type ServerContext,
} from '@modelcontextprotocol/server';
import * as z from 'zod/v4';

import type { SamplingEngine } from '../sampling/engine.js';
import { resultText } from '../sampling/sampler.js';
import { openRoundState } from '../sampling/state.js';
import { stateCodecOf } from '../sampling/state-codec-of.js';

type RequestedSchema = ElicitRequestFormParams['requestedSchema'];

const noArguments = z.object({});

function stringField(name: string): RequestedSchema {
  return { type: 'object', properties: { [name]: { type: 'string' } }, required: [name] };
}

const CONFIRM_SCHEMA: RequestedSchema = {
  type: 'object',
  properties: { ok: { type: 'boolean' } },
  required: ['ok'],
};

const GREETING_REQUEST: CreateMessageRequestParams = {
  messages: [{ role: 'user', content: { type: 'text', text: 'Generate a greeting' } }],
  maxTokens: 50,
};

function text(value: string): CallToolResult {
  return { content: [{ type: 'text', text: value }] };
}

/** An accepted elicitation's string field, else undefined (missing, declined, another kind, not a string). */
function acceptedString(ctx: ServerContext, key: string, field: string): string | undefined {
  const answer = inputResponse(ctx.mcpReq.inputResponses, key);
  if (answer.kind !== 'elicit' || answer.action !== 'accept') return undefined;
  const value = answer.content?.[field];
  return typeof value === 'string' ? value : undefined;
}

/** The step data of this call's state (undefined on a first round), after the engine's binding check. */
function stepOf(ctx: ServerContext, toolName: string, args: unknown): { step: unknown; argsHash: string } {
  const { state, argsHash } = openRoundState(ctx, toolName, args);
  return { step: state?.c, argsHash };
}

/** Signed state for the next round of `toolName`, carrying `step`. */
function mintStep(server: McpServer, toolName: string, argsHash: string, step: unknown): Promise<string> {
  return stateCodecOf(server).mint({ t: toolName, h: argsHash, a: {}, c: step });
}

function registerElicitationTool(server: McpServer): void {
  server.registerTool(
    'test_input_required_result_elicitation',
    {
      description: 'Asks for your name with an input_required elicitation, then greets you (SEP-2322).',
      inputSchema: noArguments,
    },
    (_args, ctx): CallToolResult | InputRequiredResult => {
      const answer = inputResponse(ctx.mcpReq.inputResponses, 'user_name');
      if (answer.kind !== 'elicit') {
        const ask = inputRequired.elicit({ message: 'What is your name?', requestedSchema: stringField('name') });
        return inputRequired({ inputRequests: { user_name: ask } });
      }
      if (answer.action !== 'accept') return text(`No name given (${answer.action}).`);
      const name = answer.content?.['name'];
      return text(`Hello, ${typeof name === 'string' ? name : 'stranger'}!`);
    },
  );
}

function registerEngineTools(server: McpServer, sampling: SamplingEngine): void {
  sampling.registerTool(
    server,
    'test_input_required_result_sampling',
    {
      description: "Asks the client's model a question through the sampling engine and returns its answer.",
      inputSchema: noArguments,
    },
    async (_args, sampler) => {
      const answer = await sampler.sample({
        messages: [{ role: 'user', content: { type: 'text', text: 'What is the capital of France?' } }],
        maxTokens: 100,
      });
      return text(`Sampling response: ${resultText(answer)}`);
    },
  );
  sampling.registerTool(
    server,
    'test_input_required_result_list_roots',
    {
      description: "Lists the client's roots through the sampling engine (roots/list) and returns them.",
      inputSchema: noArguments,
    },
    async (_args, sampler) => {
      const roots = await sampler.roots();
      const list = roots.map((root) => (root.name === undefined ? root.uri : `${root.name} (${root.uri})`));
      return text(`Client roots (${roots.length}): ${list.join(', ') || 'none'}`);
    },
  );
}

/** `confirm` once, with signed state; the retry must bring the state back (`state-ok`). */
function registerConfirmTool(server: McpServer, name: string, description: string): void {
  server.registerTool(name, { description, inputSchema: noArguments }, async (args, ctx) => {
    const { step, argsHash } = stepOf(ctx, name, args);
    const answer = inputResponse(ctx.mcpReq.inputResponses, 'confirm');
    if (step !== 'confirm' || answer.kind !== 'elicit') {
      const ask = inputRequired.elicit({ message: 'Please confirm', requestedSchema: CONFIRM_SCHEMA });
      return inputRequired({
        inputRequests: { confirm: ask },
        requestState: await mintStep(server, name, argsHash, 'confirm'),
      });
    }
    const ok = answer.action === 'accept' && answer.content?.['ok'] === true;
    return text(`state-ok: requestState verified; confirmed=${ok}`);
  });
}

function registerMultipleInputsTool(server: McpServer): void {
  const name = 'test_input_required_result_multiple_inputs';
  server.registerTool(
    name,
    {
      description: 'Asks for an elicitation, a completion and the roots in one input_required round (SEP-2322).',
      inputSchema: noArguments,
    },
    async (args, ctx) => {
      const { step, argsHash } = stepOf(ctx, name, args);
      const responses = ctx.mcpReq.inputResponses;
      const userName = acceptedString(ctx, 'user_name', 'name');
      const greeting = inputResponse(responses, 'greeting');
      const roots = inputResponse(responses, 'client_roots');
      if (step === 'all' && userName !== undefined && greeting.kind === 'sampling' && roots.kind === 'roots') {
        return text(
          `Hello, ${userName}! Greeting: ${resultText(greeting.result)}; client roots: ${roots.roots.length}`,
        );
      }
      const inputRequests: Record<string, InputRequest> = {
        user_name: inputRequired.elicit({ message: 'What is your name?', requestedSchema: stringField('name') }),
        greeting: inputRequired.createMessage(GREETING_REQUEST),
        client_roots: inputRequired.listRoots(),
      };
      return inputRequired({ inputRequests, requestState: await mintStep(server, name, argsHash, 'all') });
    },
  );
}

function registerMultiRoundTool(server: McpServer): void {
  const name = 'test_input_required_result_multi_round';
  server.registerTool(
    name,
    {
      description: 'Asks for your name, then your favourite colour, in two rounds with evolving state (SEP-2322).',
      inputSchema: noArguments,
    },
    async (args, ctx) => {
      const { step, argsHash } = stepOf(ctx, name, args);
      const saved = typeof step === 'object' && step !== null ? (step as { name?: unknown }).name : undefined;
      if (typeof saved === 'string') {
        const color = acceptedString(ctx, 'step2', 'color');
        if (color !== undefined) return text(`${saved}'s favorite color is ${color}.`);
        const ask = inputRequired.elicit({
          message: 'Step 2: What is your favorite color?',
          requestedSchema: stringField('color'),
        });
        return inputRequired({
          inputRequests: { step2: ask },
          requestState: await mintStep(server, name, argsHash, { name: saved }),
        });
      }
      const userName = step === 'step1' ? acceptedString(ctx, 'step1', 'name') : undefined;
      if (userName !== undefined) {
        const ask = inputRequired.elicit({
          message: 'Step 2: What is your favorite color?',
          requestedSchema: stringField('color'),
        });
        return inputRequired({
          inputRequests: { step2: ask },
          requestState: await mintStep(server, name, argsHash, { name: userName }),
        });
      }
      const ask = inputRequired.elicit({ message: 'Step 1: What is your name?', requestedSchema: stringField('name') });
      return inputRequired({
        inputRequests: { step1: ask },
        requestState: await mintStep(server, name, argsHash, 'step1'),
      });
    },
  );
}

/** The client's declared capabilities: per request on 2026-07-28, from the handshake on 2025-era sessions. */
function declaredCapabilities(server: McpServer, ctx: ServerContext): ClientCapabilities {
  const envelope = ctx.mcpReq.envelope as Record<string, unknown> | undefined;
  const perRequest = envelope?.[CLIENT_CAPABILITIES_META_KEY] as ClientCapabilities | undefined;
  return perRequest ?? server.server.getClientCapabilities() ?? {};
}

function registerCapabilitiesTool(server: McpServer): void {
  server.registerTool(
    'test_input_required_result_capabilities',
    {
      description: 'Asks only for what the client declared it can answer: sampling, elicitation, roots (SEP-2322).',
      inputSchema: noArguments,
    },
    (_args, ctx): CallToolResult | InputRequiredResult => {
      const capabilities = declaredCapabilities(server, ctx);
      const wanted: Record<string, InputRequest> = {};
      if (capabilities.sampling !== undefined) wanted['greeting'] = inputRequired.createMessage(GREETING_REQUEST);
      if (capabilities.elicitation !== undefined) {
        wanted['user_name'] = inputRequired.elicit({
          message: 'What is your name?',
          requestedSchema: stringField('name'),
        });
      }
      if (capabilities.roots !== undefined) wanted['client_roots'] = inputRequired.listRoots();
      const keys = Object.keys(wanted);
      if (keys.length === 0) return text('The client declared no capability this tool could ask through.');
      const missing = keys.filter((key) => inputResponse(ctx.mcpReq.inputResponses, key).kind === 'missing');
      if (missing.length > 0) {
        return inputRequired({ inputRequests: Object.fromEntries(missing.map((key) => [key, wanted[key]!])) });
      }
      return text(`Answered: ${keys.join(', ')}`);
    },
  );
}

function registerInputRequiredPrompt(server: McpServer): void {
  server.registerPrompt(
    'test_input_required_result_prompt',
    { description: 'A prompt that asks, through an input_required elicitation, what context it should use.' },
    (ctx): GetPromptResult | InputRequiredResult => {
      const context = acceptedString(ctx, 'user_context', 'context');
      if (context === undefined) {
        const ask = inputRequired.elicit({
          message: 'What context should the prompt use?',
          requestedSchema: stringField('context'),
        });
        return inputRequired({ inputRequests: { user_context: ask } });
      }
      return {
        description: 'A prompt built with the context the user gave',
        messages: [{ role: 'user', content: { type: 'text', text: `Using the context: ${context}` } }],
      };
    },
  );
}

export function registerInputRequiredTools(server: McpServer, sampling: SamplingEngine): void {
  registerElicitationTool(server);
  registerEngineTools(server, sampling);
  registerConfirmTool(
    server,
    'test_input_required_result_request_state',
    'Asks for a confirmation with signed requestState and checks the state on the retry (SEP-2322).',
  );
  registerConfirmTool(
    server,
    'test_input_required_result_tampered_state',
    'Asks for a confirmation with HMAC-signed requestState: tampered state is refused with -32602 (SEP-2322).',
  );
  registerMultipleInputsTool(server);
  registerMultiRoundTool(server);
  registerCapabilitiesTool(server);
  registerInputRequiredPrompt(server);
}
