/**
 * `mcp-sampling ask <file> "<question>"`: asks the Document Assistant's `ask_document` about a file and
 * prints the answer and the passages it cites. Like `summarize`, it spawns the server over stdio (or uses
 * one at `--server <url>`) and answers the server's sampling requests under the client's policy: with a
 * model that can call tools, the model searches and reads the document itself; with only the offline
 * extractive model, the server retrieves the best passages and the answer is labelled extractive.
 */
import type { CallToolResult } from '@modelcontextprotocol/client';

import type { EraMode } from '../client/connect/era.js';
import { ANSWER_META_KEY, AnswerMeta, ASK_DOCUMENT_TOOL, readMeta } from '../shared/contract.js';
import { EXIT_CANCELLED } from './client-session.js';
import { openDocumentSession } from './document-session.js';
import { CliError, errorText, type Output } from './output.js';
import { toolErrorExitCode } from './tool-failure.js';

export interface AskOptions {
  era: EraMode;
  config?: string | undefined;
  json: boolean;
  verbose: boolean;
  lossy?: boolean | undefined;
  server?: string | undefined;
}

const TOOL = ASK_DOCUMENT_TOOL;

export async function ask(file: string, question: string, options: AskOptions, out: Output): Promise<void> {
  const started = performance.now();
  if (question.trim() === '')
    throw new CliError('the question is empty: ask something about the file', { exitCode: 2 });
  const { document, session } = await openDocumentSession(file, options, out);
  const { connection, cancel } = session;
  let result: CallToolResult | undefined;
  let failure: string | undefined;
  try {
    out.step('tool', `tools/call ${TOOL} (${document.shown}): ${question}`);
    result = (await connection.client.callTool(
      { name: TOOL, arguments: { question, ...document.args, ...(options.lossy === true && { lossy: true }) } },
      { signal: cancel, timeout: 600_000, resetTimeoutOnProgress: true },
    )) as CallToolResult;
  } catch (error) {
    failure = cancel.aborted ? `${TOOL} cancelled by the user (Ctrl-C)` : `${TOOL} failed: ${errorText(error)}`;
  } finally {
    await session.close();
  }
  const text = (result?.content ?? [])
    .flatMap((block) => (block.type === 'text' ? [block.text] : []))
    .join('\n')
    .trim();
  let exitCode: number | undefined;
  if (failure === undefined && result?.isError === true) {
    failure = `${TOOL} failed: ${errorText(text) || 'no message'}`;
    exitCode = toolErrorExitCode(result, text);
  }
  const elapsedMs = Math.round(performance.now() - started);
  const common = { era: connection.era, server: connection.server, sampling: session.records, elapsedMs };
  if (failure !== undefined) {
    out.result({ ok: false, error: failure, ...common });
    throw new CliError(failure, {
      reported: true,
      ...(exitCode !== undefined && { exitCode }),
      ...(cancel.aborted && { exitCode: EXIT_CANCELLED }),
    });
  }
  const meta: Partial<AnswerMeta> = readMeta(result?._meta, ANSWER_META_KEY, AnswerMeta) ?? {};
  out.step(
    'answer',
    meta.mode === 'tools'
      ? `${meta.model ?? 'the model'} searched ${meta.searches?.length ?? 0} time(s) over ${meta.passages ?? '?'} passages ` +
          `in ${meta.iterations ?? '?'} turn(s)`
      : `retrieval: the best passages of ${meta.passages ?? '?'} were sent in one request (no tool use)`,
  );
  out.summary(text);
  out.result({
    ok: true,
    file,
    question,
    mode: meta.mode,
    answer: text.split('\n\nPassages cited:\n')[0],
    citations: meta.cited ?? [],
    ...common,
  });
}
