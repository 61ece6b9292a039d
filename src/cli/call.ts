/**
 * `mcp-sampling call <tool> [--args JSON] (--server <url> | -- <command> [args…])`: calls any tool on any
 * MCP server and answers the sampling requests it makes under the client's policy, then prints the result:
 * text as text, structured content as JSON, other blocks described in one line each; `--json` prints the
 * whole result for programs.
 */
import type { Writable } from 'node:stream';

import type { CallToolResult } from '@modelcontextprotocol/client';

import type { EraMode } from '../client/connect/era.js';
import { EXIT_CANCELLED, openClientSession, type ServerTarget } from './client-session.js';
import { CliError, errorText, type Output } from './output.js';
import { pushOnModernFailure, toolErrorExitCode } from './tool-failure.js';
import { createProgressView } from './progress-view.js';

export interface CallOptions {
  args?: string | undefined;
  server?: string | undefined;
  era: EraMode;
  config?: string | undefined;
  root?: string[] | undefined;
  timeout?: number | undefined;
  json: boolean;
  verbose: boolean;
}

/** Bad command-line input: exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function parseToolArguments(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--args is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError(`--args must be a JSON object (the tool's named arguments), got ${JSON.stringify(value)}`);
  }
  return value as Record<string, unknown>;
}

export function resolveTarget(server: string | undefined, command: readonly string[]): ServerTarget {
  if (server !== undefined && command.length > 0) {
    throw new UsageError('give either --server <url> or -- <command> [args…], not both');
  }
  if (server !== undefined) return { kind: 'http', url: server };
  const [program, ...args] = command;
  if (program === undefined) {
    throw new UsageError('no server: give --server <url>, or the command that starts one after --');
  }
  return { kind: 'stdio', command: program, args };
}

/** One line per content block; text blocks as they are. */
export function describeContent(result: CallToolResult): string[] {
  return (result.content ?? []).map((block) => {
    switch (block.type) {
      case 'text':
        return block.text;
      case 'image':
      case 'audio':
        return `[${block.type} ${block.mimeType}, ${Math.floor((block.data.length * 3) / 4).toLocaleString('en-US')} bytes]`;
      case 'resource':
        return 'text' in block.resource
          ? `[resource ${block.resource.uri}]\n${block.resource.text}`
          : `[resource ${block.resource.uri}, ${block.resource.mimeType ?? 'binary'}]`;
      case 'resource_link':
        return `[resource link ${block.uri}${block.name ? ` (${block.name})` : ''}]`;
      default:
        return `[${(block as { type: string }).type} content]`;
    }
  });
}

export async function call(
  tool: string,
  command: readonly string[],
  options: CallOptions,
  out: Output,
  stdout: Writable = process.stdout,
): Promise<void> {
  const started = performance.now();
  const toolArgs = parseToolArguments(options.args);
  const target = resolveTarget(options.server, command);
  const progress = await createProgressView(out);
  const session = await openClientSession({
    target,
    era: options.era,
    config: options.config,
    roots: options.root ?? [],
    // The same bound as the call's: a server that never answers must not hold the connect for the SDK's 60 s.
    timeoutMs: options.timeout,
    out,
    aroundElicitation: () => progress.hold(),
  });
  const { connection, cancel } = session;
  const era = { mode: options.era, landed: connection.era };
  let result: CallToolResult | undefined;
  let failure: string | undefined;
  let exitCode: number | undefined;
  try {
    out.step('tool', `tools/call ${tool} ${JSON.stringify(toolArgs)}`);
    result = (await connection.client.callTool(
      { name: tool, arguments: toolArgs },
      {
        signal: cancel,
        onprogress: progress.update,
        timeout: options.timeout ?? 600_000,
        resetTimeoutOnProgress: true,
      },
    )) as CallToolResult;
    progress.done();
    if (result.isError === true) {
      const text = describeContent(result).join('\n').trim();
      failure = pushOnModernFailure(tool, text, era) ?? `${tool} failed: ${errorText(text) || 'no message'}`;
      exitCode = toolErrorExitCode(result, text);
    }
  } catch (error) {
    progress.done();
    failure = cancel.aborted
      ? `${tool} cancelled by the user (Ctrl-C)`
      : (pushOnModernFailure(tool, errorText(error), era) ?? `${tool} failed: ${errorText(error)}`);
  } finally {
    await session.close();
  }
  const elapsedMs = Math.round(performance.now() - started);
  const common = { tool, era: connection.era, server: connection.server, sampling: session.records, elapsedMs };
  if (failure !== undefined) {
    out.result({ ok: false, error: failure, ...common, ...(result !== undefined && { result }) });
    throw new CliError(failure, {
      reported: true,
      ...(exitCode !== undefined && { exitCode }),
      ...(cancel.aborted && { exitCode: EXIT_CANCELLED }),
    });
  }
  if (out.json) {
    out.result({ ok: true, ...common, result });
    return;
  }
  const lines = describeContent(result!);
  // Tools that return structured content usually repeat it as text; print it when they do not.
  const hasText = (result!.content ?? []).some((block) => block.type === 'text');
  if (result!.structuredContent !== undefined && !hasText)
    lines.push(JSON.stringify(result!.structuredContent, null, 2));
  stdout.write(`\n${lines.join('\n')}\n\n`);
}
