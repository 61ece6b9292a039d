/**
 * A local HTTP stub on 127.0.0.1, port 0, for provider APIs: it records every request (method, path,
 * headers, parsed JSON body) and answers with whatever the test's responder returns.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

export interface StubReply {
  status?: number;
  headers?: Record<string, string>;
  json?: unknown;
  /** Never answer (to test timeouts and cancellation); the socket is destroyed on close. */
  hang?: boolean;
  /** Send the headers and the first half of the body, then destroy the socket (a connection lost mid-body). */
  cutBody?: boolean;
}

export interface HttpStub {
  url: string;
  requests: RecordedRequest[];
  /** Indexes of requests whose client hung up before the stub answered (aborted calls). */
  abandoned: number[];
  close(): Promise<void>;
}

export async function startHttpStub(
  respond: (request: RecordedRequest, index: number) => StubReply | Promise<StubReply>,
): Promise<HttpStub> {
  const requests: RecordedRequest[] = [];
  const abandoned: number[] = [];
  const open = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown = raw;
      try {
        body = raw === '' ? undefined : JSON.parse(raw);
      } catch {
        // keep the raw text
      }
      const recorded: RecordedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body };
      requests.push(recorded);
      const index = requests.length - 1;
      res.on('close', () => {
        if (!res.writableEnded) abandoned.push(index);
      });
      void Promise.resolve(respond(recorded, requests.length - 1)).then((reply) => {
        if (reply.hang === true) {
          open.add(res);
          return;
        }
        const body = JSON.stringify(reply.json ?? {});
        // retry-after-ms: 0 keeps the AI SDK's retries instant.
        res.writeHead(reply.status ?? 200, {
          'content-type': 'application/json',
          'retry-after-ms': '0',
          // Announces the whole body, so that a cut one is known to have ended early.
          ...(reply.cutBody === true && { 'content-length': String(Buffer.byteLength(body)) }),
          ...reply.headers,
        });
        if (reply.cutBody === true) {
          res.write(body.slice(0, Math.floor(body.length / 2)), () => res.socket?.destroy());
          return;
        }
        res.end(body);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    abandoned,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of open) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A Chat Completions response body as OpenAI sends it. */
export function chatCompletion(
  text: string,
  finishReason = 'stop',
  usage = { prompt_tokens: 120, completion_tokens: 42 },
) {
  return {
    id: 'chatcmpl-test',
    object: 'chat.completion',
    created: 1_760_000_000,
    model: 'gpt-4o-2024-08-06',
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: finishReason }],
    usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
  };
}

export interface StubToolCall {
  id: string;
  name: string;
  /** The arguments as the API sends them: a JSON string. */
  arguments: string;
}

/** A Chat Completions response whose message holds tool calls (finish_reason `tool_calls`). */
export function chatCompletionWithToolCalls(
  calls: StubToolCall[],
  text: string | null = null,
  model = 'gpt-4o-2024-08-06',
) {
  const base = chatCompletion('', 'tool_calls');
  return {
    ...base,
    model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: text,
          tool_calls: calls.map((call) => ({
            id: call.id,
            type: 'function',
            function: { name: call.name, arguments: call.arguments },
          })),
        },
        finish_reason: 'tool_calls',
      },
    ],
  };
}
