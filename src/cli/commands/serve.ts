/**
 * `mcp-sampling serve [--http]`: its options, and their translation into the server's settings (seconds
 * and MB into milliseconds and bytes). The server (stdio or Streamable HTTP) is loaded when the command
 * runs; nothing here loads the client or a model SDK.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';

import { collect, contextTokensOption, parseNonNegativeInt, parsePort, parsePositiveInt } from '../options.js';
import { EXIT_BAD_INPUT, EXIT_FAILURE } from '../output.js';

interface ServeOptions {
  contextTokens?: number;
  concurrency?: number;
  samplingTimeout?: number;
  profile: 'default' | 'conformance';
  http: boolean;
  port: number;
  host: string;
  allowedHost?: string[];
  allowedOrigin?: string[];
  allowDir?: string[];
  maxBodyMb?: number;
  sessionIdle?: number;
  drainTimeout?: number;
  sessionIdHeader?: string;
}

/** `--session-id-header`: a header name the balancer sets, never one a client or the protocol owns. */
function parseHeaderName(value: string): string {
  if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(value)) {
    throw new InvalidArgumentError(`"${value}" is not an HTTP header name.`);
  }
  if (['mcp-session-id', 'authorization', 'host'].includes(value.toLowerCase())) {
    throw new InvalidArgumentError(`${value} is sent by clients: name a header the balancer sets.`);
  }
  return value;
}

export function register(program: Command): void {
  program
    .command('serve')
    .description(
      'run the Document Assistant MCP server on stdio (for Claude Desktop, VS Code, the MCP Inspector, …) or, with --http, on Streamable HTTP',
    )
    .addOption(contextTokensOption('context window long documents are split for'))
    .addOption(
      new Option(
        '--concurrency <n>',
        'sampling requests in flight per tool call on 2025-era connections (default 4)',
      ).argParser(parsePositiveInt),
    )
    .addOption(
      new Option(
        '--sampling-timeout <seconds>',
        'how long one pushed sampling request may wait for the client, reset by progress (default 600)',
      ).argParser(parsePositiveInt),
    )
    .addOption(
      new Option('--profile <name>', "tool set: default, or conformance (adds the conformance suite's test_* tools)")
        .choices(['default', 'conformance'])
        .default('default'),
    )
    .option('--http', 'serve Streamable HTTP at /mcp instead of stdio (token: MCP_SAMPLING_HTTP_TOKEN)', false)
    .addOption(new Option('--port <n>', 'HTTP port, 0–65535 (0: any free one)').default(3000).argParser(parsePort))
    .option('--host <address>', 'HTTP interface to bind', '127.0.0.1')
    .option(
      '--allowed-host <name>',
      'another accepted Host header name (repeatable; loopback names are accepted on a loopback bind)',
      collect,
    )
    .option(
      '--allowed-origin <name>',
      'another accepted browser Origin host name (repeatable; loopback is always accepted)',
      collect,
    )
    .option(
      '--allow-dir <dir>',
      "with --http: a directory whose files tools may read by path (repeatable; default none). A client's roots only narrow it",
      collect,
    )
    .addOption(
      new Option('--max-body-mb <n>', 'largest request body in MB, larger ones get 413 (default 64)').argParser(
        parsePositiveInt,
      ),
    )
    .addOption(
      new Option(
        '--session-idle <seconds>',
        'close a 2025-era HTTP session after this long with no request (default 1800)',
      ).argParser(parsePositiveInt),
    )
    .addOption(
      new Option(
        '--drain-timeout <seconds>',
        'on SIGTERM, how long calls in flight may finish before they are closed (default 30; a second SIGTERM exits at once)',
      ).argParser(parseNonNegativeInt),
    )
    .addOption(
      new Option(
        '--session-id-header <name>',
        'with --http, behind a balancer: a new 2025-era session takes its id from this request header, which the balancer sets (see docs/deploy.md)',
      ).argParser(parseHeaderName),
    )
    .action(serve);
}

async function serve(opts: ServeOptions): Promise<void> {
  if (!opts.http && opts.sessionIdHeader !== undefined) {
    process.stderr.write('mcp-sampling serve: error: --session-id-header applies only with --http\n');
    process.exitCode = EXIT_BAD_INPUT;
    return;
  }
  if (!opts.http && opts.allowDir !== undefined) {
    // Over stdio the client spawned the server on its own machine, and its roots are the rule.
    process.stderr.write(
      "mcp-sampling serve: error: --allow-dir applies only with --http (over stdio the client's roots decide which files are read)\n",
    );
    process.exitCode = EXIT_BAD_INPUT;
    return;
  }
  try {
    const server = {
      contextTokens: opts.contextTokens,
      concurrency: opts.concurrency,
      samplingTimeoutMs: opts.samplingTimeout === undefined ? undefined : opts.samplingTimeout * 1000,
      profile: opts.profile,
    };
    if (!opts.http) {
      const { runStdioServer } = await import('../../server/transports/stdio.js');
      await runStdioServer(server);
      return;
    }
    const { runHttpServer } = await import('../../server/transports/http/serve-http.js');
    await runHttpServer({
      ...server,
      port: opts.port,
      host: opts.host,
      allowedHosts: opts.allowedHost,
      allowedOrigins: opts.allowedOrigin,
      allowDirs: opts.allowDir,
      maxBodyBytes: opts.maxBodyMb === undefined ? undefined : opts.maxBodyMb * 1024 * 1024,
      sessionIdleMs: opts.sessionIdle === undefined ? undefined : opts.sessionIdle * 1000,
      drainMs: opts.drainTimeout === undefined ? undefined : opts.drainTimeout * 1000,
      sessionIdHeader: opts.sessionIdHeader,
    });
  } catch (error) {
    process.stderr.write(`mcp-sampling serve: error: ${(error as Error).message}\n`);
    // A bad --allow-dir is bad input; anything else (a port in use, …) is a failure to serve.
    process.exitCode = (error as Error).name === 'AllowDirError' ? EXIT_BAD_INPUT : EXIT_FAILURE;
  }
}
