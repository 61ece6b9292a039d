/**
 * The conformance profile: the default server lists only its real tools, `{ profile: 'conformance' }` adds
 * the suite's `test_*` tools beside them, and `test_sampling` asks the client for a completion on both eras.
 * The 2026-07-28 diagnostics (the `input-required-result-*` and `server-stateless` tools and prompt) do what
 * their scenarios check, against a real SDK client that answers each kind of input request, on both eras
 * (on 2025 connections the SDK's legacy shim pushes the requests).
 */
import {
  Client,
  type ClientCapabilities,
  type CreateMessageRequest,
  type CreateMessageResult,
} from '@modelcontextprotocol/client';
import { afterEach, describe, expect, it } from 'vitest';

import { connectInMemory, textOf, type InMemoryPair } from './helpers/in-memory.js';
import { ERAS, versionNegotiation, wire } from './helpers/wire.js';

let pair: InMemoryPair | undefined;
afterEach(async () => {
  await pair?.close();
  pair = undefined;
});

const answer = (text: string): CreateMessageResult => ({
  role: 'assistant',
  model: 'scripted-model',
  stopReason: 'endTurn',
  content: { type: 'text', text },
});

describe.each(ERAS)('on the %s era', (era) => {
  it('the default profile lists the real tools and no test_* tool', async () => {
    pair = await connectInMemory(era, async () => answer('unused'));
    const names = (await pair.client.listTools()).tools.map((tool) => tool.name);
    expect(names).toEqual(expect.arrayContaining(['summarize_document', 'extract_key_points']));
    expect(names.filter((name) => name.startsWith('test_'))).toEqual([]);
  });

  it('the conformance profile adds test_sampling (and the other test_* tools) beside summarize_document', async () => {
    pair = await connectInMemory(era, async () => answer('unused'), { profile: 'conformance' });
    const names = (await pair.client.listTools()).tools.map((tool) => tool.name);
    expect(names).toContain('summarize_document');
    expect(names).toContain('test_sampling');
    expect(names).toEqual(expect.arrayContaining(['test_simple_text', 'test_error_handling', 'test_elicitation']));
  });

  it('test_sampling sends the prompt to the client and returns its answer', async () => {
    const seen: CreateMessageRequest['params'][] = [];
    pair = await connectInMemory(
      era,
      async (request) => {
        seen.push(request.params);
        return answer('Sampled reply.');
      },
      { profile: 'conformance' },
    );

    const result = await pair.client.callTool({ name: 'test_sampling', arguments: { prompt: 'Say hello.' } });

    expect(result.isError).not.toBe(true);
    expect(textOf(result)).toBe('LLM response: Sampled reply.');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      messages: [{ role: 'user', content: { type: 'text', text: 'Say hello.' } }],
      maxTokens: 100,
    });
  });

  it('test_sampling is refused, not hung, when the client cannot sample', async () => {
    pair = await connectInMemory(era, undefined, { profile: 'conformance' });
    const result = await pair.client.callTool({ name: 'test_sampling', arguments: { prompt: 'Say hello.' } });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/sampling/);
  });
});

/** A client that answers sampling, elicitation (by the field each form asks for) and roots/list. */
function answeringClient(era: (typeof ERAS)[number], capabilities: ClientCapabilities): Client {
  const client = new Client(
    { name: 'conformance-profile-test', version: '1.0.0' },
    { capabilities, versionNegotiation: versionNegotiation(era) },
  );
  const formAnswers: Record<string, string | boolean> = { name: 'Alice', color: 'blue', context: 'tests', ok: true };
  if (capabilities.sampling !== undefined) {
    client.setRequestHandler('sampling/createMessage', async (request) => {
      const prompt = request.params.messages.map((message) => JSON.stringify(message.content)).join(' ');
      return answer(prompt.includes('capital') ? 'Paris.' : 'Hi there!');
    });
  }
  if (capabilities.elicitation !== undefined) {
    client.setRequestHandler('elicitation/create', async (request) => {
      const schema = (request.params as { requestedSchema?: { properties?: Record<string, unknown> } }).requestedSchema;
      const fields = Object.keys(schema?.properties ?? {});
      const content: Record<string, string | boolean> = {};
      for (const field of fields) if (formAnswers[field] !== undefined) content[field] = formAnswers[field];
      return { action: 'accept', content };
    });
  }
  if (capabilities.roots !== undefined) {
    client.setRequestHandler('roots/list', async () => ({ roots: [{ uri: 'file:///work/project', name: 'project' }] }));
  }
  return client;
}

const ALL_INPUTS: ClientCapabilities = { sampling: {}, elicitation: {}, roots: {} };

describe.each(ERAS)('the 2026-07-28 diagnostics of the conformance profile, on the %s era', (era) => {
  const connect = async (capabilities: ClientCapabilities = ALL_INPUTS) => {
    pair = await wire({ era, client: answeringClient(era, capabilities), server: { profile: 'conformance' } });
    return pair.client;
  };

  it('lists the input_required and server-stateless tools and the input_required prompt', async () => {
    const client = await connect();
    const names = (await client.listTools()).tools.map((tool) => tool.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'test_input_required_result_elicitation',
        'test_input_required_result_sampling',
        'test_input_required_result_list_roots',
        'test_input_required_result_request_state',
        'test_input_required_result_multiple_inputs',
        'test_input_required_result_multi_round',
        'test_input_required_result_tampered_state',
        'test_input_required_result_capabilities',
        'test_missing_capability',
        'test_streaming_elicitation',
        'test_logging_tool',
        'test_trigger_tool_change',
        'test_trigger_prompt_change',
      ]),
    );
    const prompts = (await client.listPrompts()).prompts.map((prompt) => prompt.name);
    expect(prompts).toContain('test_input_required_result_prompt');
  });

  it('test_input_required_result_sampling asks the client through the sampling engine', async () => {
    const client = await connect();
    const result = await client.callTool({ name: 'test_input_required_result_sampling', arguments: {} });
    expect(textOf(result)).toBe('Sampling response: Paris.');
  });

  it('test_input_required_result_list_roots returns the client roots', async () => {
    const client = await connect();
    const result = await client.callTool({ name: 'test_input_required_result_list_roots', arguments: {} });
    expect(textOf(result)).toBe('Client roots (1): project (file:///work/project)');
  });

  it('test_input_required_result_multi_round combines two rounds of answers', async () => {
    const client = await connect();
    const result = await client.callTool({ name: 'test_input_required_result_multi_round', arguments: {} });
    expect(textOf(result)).toBe("Alice's favorite color is blue.");
  });

  it('test_input_required_result_multiple_inputs gets an elicitation, a completion and the roots at once', async () => {
    const client = await connect();
    const result = await client.callTool({ name: 'test_input_required_result_multiple_inputs', arguments: {} });
    expect(textOf(result)).toBe('Hello, Alice! Greeting: Hi there!; client roots: 1');
  });

  it('test_input_required_result_request_state verifies its state on the retry', async () => {
    const client = await connect();
    const result = await client.callTool({ name: 'test_input_required_result_request_state', arguments: {} });
    expect(textOf(result)).toBe('state-ok: requestState verified; confirmed=true');
  });

  it('test_input_required_result_capabilities asks only for what the client declared', async () => {
    const client = await connect({ sampling: {} });
    const result = await client.callTool({ name: 'test_input_required_result_capabilities', arguments: {} });
    expect(textOf(result)).toBe('Answered: greeting');
  });

  it('test_input_required_result_prompt elicits its context, then returns the prompt', async () => {
    const client = await connect();
    const prompt = await client.getPrompt({ name: 'test_input_required_result_prompt' });
    expect(prompt.messages).toEqual([{ role: 'user', content: { type: 'text', text: 'Using the context: tests' } }]);
  });
});

describe('test_missing_capability on 2026-07-28', () => {
  it('is refused with -32021 naming sampling when the client cannot sample', async () => {
    pair = await wire({
      era: 'modern',
      client: answeringClient('modern', { elicitation: {} }),
      server: { profile: 'conformance' },
    });
    const call = pair.client.callTool({ name: 'test_missing_capability', arguments: {} });
    await expect(call).rejects.toMatchObject({ code: -32021 });
  });
});
