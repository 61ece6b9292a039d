/**
 * `mcp-sampling summarize <file>`: the main job. Spawns the Document Assistant over stdio (or connects to
 * one at `--server <url>`), calls `summarize_document`, answers the server's sampling requests with the
 * client's model under the client's policy, and shows the flow.
 */
import type { EraMode } from '../client/connect/era.js';
import { readMeta, SUMMARIZE_DOCUMENT_TOOL, SUMMARY_META_KEY, SummaryMeta } from '../shared/contract.js';
import { EXIT_CANCELLED } from './client-session.js';
import { openDocumentSession } from './document-session.js';
import { CliError, errorText, type Output } from './output.js';
import { toolErrorExitCode } from './tool-failure.js';
import { createProgressView } from './progress-view.js';

export interface SummarizeOptions {
  era: EraMode;
  config?: string | undefined;
  json: boolean;
  verbose: boolean;
  lossy?: boolean | undefined;
  contextTokens?: number | undefined;
  /** A Document Assistant already running at this Streamable HTTP URL, instead of spawning one. */
  server?: string | undefined;
}

export { EXIT_CANCELLED };

const TOOL = SUMMARIZE_DOCUMENT_TOOL;

export async function summarize(file: string, options: SummarizeOptions, out: Output): Promise<void> {
  const started = performance.now();
  const { bytes, document, session } = await openDocumentSession(file, options, out);
  const { connection, cancel } = session;
  const { era, server } = connection;

  let summary: string | undefined;
  let failure: string | undefined;
  let exitCode: number | undefined;
  let stats: SummaryMeta | undefined;
  const progress = await createProgressView(out);
  try {
    out.step('tool', `tools/call ${TOOL} (${document.shown})`);
    const result = await connection.client.callTool(
      {
        name: TOOL,
        arguments: {
          ...document.args,
          ...(options.lossy === true && { lossy: true }),
          ...(options.contextTokens !== undefined && { context_tokens: options.contextTokens }),
        },
      },
      {
        signal: cancel,
        onprogress: progress.update,
        // A person may be approving, and a long document takes many requests: progress keeps it alive.
        timeout: 600_000,
        resetTimeoutOnProgress: true,
      },
    );
    progress.done();
    stats = readMeta(result._meta, SUMMARY_META_KEY, SummaryMeta);
    const body = (result.content ?? [])
      .flatMap((block) => (block.type === 'text' ? [block.text] : []))
      .join('\n')
      .trim();
    if (result.isError === true) {
      failure = `${TOOL} failed: ${errorText(body) || 'no message'}`;
      exitCode = toolErrorExitCode(result, body);
    } else {
      summary = body;
      out.summary(summary);
    }
  } catch (error) {
    progress.done();
    failure = cancel.aborted ? `${TOOL} cancelled by the user (Ctrl-C)` : `${TOOL} failed: ${errorText(error)}`;
  } finally {
    await session.close();
  }
  out.step(
    'closed',
    options.server === undefined ? 'connection closed; the server process has exited' : 'connection closed',
  );

  const elapsedMs = Math.round(performance.now() - started);
  if (failure !== undefined) {
    out.result({ ok: false, error: failure, era, sampling: session.records, elapsedMs });
    throw new CliError(failure, {
      reported: true,
      ...(exitCode !== undefined && { exitCode }),
      ...(cancel.aborted && { exitCode: EXIT_CANCELLED }),
    });
  }
  out.result({
    ok: true,
    file,
    bytes,
    era,
    protocolVersion: connection.protocolVersion,
    server,
    tool: TOOL,
    ...(stats !== undefined && { chunks: stats['chunks'], requests: stats['requests'], levels: stats['levels'] }),
    sampling: session.records,
    summary,
    elapsedMs,
  });
}
