/**
 * A real nginx on loopback in front of `serve --http` instances, for the scale-out test and its benchmark
 * (B7): the configuration is the block of docs/deploy.md as written there, with its example addresses,
 * port and log path replaced; nginx runs as the current user with everything (pid, logs, temp files) in a
 * temporary prefix, in the foreground, and is stopped by its process id. KEEP_NGINX=1 keeps the prefix
 * (nginx.conf, access.log, error.log) for a look after a failure.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const DEPLOY_DOC = fileURLToPath(new URL('../../docs/deploy.md', import.meta.url));
/** The example instances of the page's upstream blocks (no `g` flag: `test` keeps no state). */
const EXAMPLE_SERVER = /\bmcp-\d+:3000\b/;

/** The nginx binary: on PATH, or Debian's /usr/sbin/nginx (not on a non-root user's PATH). */
export function findNginx(): string | undefined {
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin'];
  for (const dir of dirs) {
    if (dir === '') continue;
    const candidate = join(dir, 'nginx');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The nginx configuration block of docs/deploy.md, exactly as the page shows it. */
export function deployConfig(): string {
  const doc = readFileSync(DEPLOY_DOC, 'utf8');
  const match = /<!-- nginx-config:start[^>]*-->\s*```nginx\n([\s\S]*?)```\s*<!-- nginx-config:end -->/.exec(doc);
  if (match === null) throw new Error(`${DEPLOY_DOC}: no nginx block between the nginx-config markers`);
  return match[1]!;
}

/** The block of docs/deploy.md with the given upstream addresses (`127.0.0.1:port`), port and access log. */
export function renderDeployConfig(options: { servers: readonly string[]; port: number; accessLog: string }): string {
  const config = deployConfig();
  let rendered = config;
  for (const block of config.match(/upstream \w+ \{[\s\S]*?\n\}/g) ?? []) {
    // Each upstream lists the example instances: in their place, one line per instance given, with the
    // parameters (max_fails, …) of the first example line.
    const lines = block.split('\n');
    const first = lines.findIndex((line) => EXAMPLE_SERVER.test(line));
    if (first === -1) throw new Error(`docs/deploy.md: ${lines[0]} names no mcp-N:3000 server`);
    const servers = options.servers.map((address) => lines[first]!.replace(EXAMPLE_SERVER, address));
    const others = lines.filter((line, index) => index < first || !EXAMPLE_SERVER.test(line));
    others.splice(first, 0, ...servers);
    rendered = rendered.replace(block, others.join('\n'));
  }
  const replaced = rendered
    .replace(/^(\s*)listen 80;/m, `$1listen 127.0.0.1:${options.port};`)
    .replace(/access_log \S+ (\w+);/, `access_log ${options.accessLog} $1;`);
  if (
    !replaced.includes(`127.0.0.1:${options.port};`) ||
    !replaced.includes(options.accessLog) ||
    EXAMPLE_SERVER.test(replaced)
  ) {
    throw new Error(
      'docs/deploy.md: the nginx block no longer has the listen / access_log / server lines this helper replaces',
    );
  }
  return replaced;
}

/** A free loopback port (nginx cannot listen on port 0 and report the port). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitForPort(port: number, child: ChildProcess, log: () => string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if (child.exitCode !== null) throw new Error(`nginx exited (${child.exitCode}): ${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nginx did not listen on 127.0.0.1:${port}: ${log()}`);
}

/** A running nginx: its URL (`…/mcp`), the access log's lines parsed, and stop(). */
export interface RunningNginx {
  url: string;
  port: number;
  accessLog(): AccessLine[];
  stop(): Promise<void>;
}

/** One line of the `mcp_sampling` log format. */
export interface AccessLine {
  method: string;
  status: number;
  pool: string;
  /** Every instance tried, in order ($upstream_addr). */
  upstreams: string[];
  /** The MCP method from the Mcp-Method header (2026-era requests), or "-". */
  mcpMethod: string;
  /** The Mcp-Session-Id the request carried, or "-". */
  session: string;
  requestId: string;
}

function parseLine(line: string): AccessLine {
  const fields = Object.fromEntries(
    line
      .split(' ')
      .filter((part) => part.includes('='))
      .map((part) => [part.slice(0, part.indexOf('=')), part.slice(part.indexOf('=') + 1)]),
  );
  const [, method = '', status = '0'] = line.split(' ');
  // $upstream_addr separates the instances tried with ", ", which the split on spaces cut apart.
  const upstreams = /upstream=(.*?) upstream_status=/.exec(line)?.[1]?.split(', ') ?? [];
  return {
    method,
    status: Number(status),
    pool: fields['pool'] ?? '',
    upstreams,
    mcpMethod: fields['method'] ?? '-',
    session: fields['session'] ?? '-',
    requestId: fields['request_id'] ?? '',
  };
}

/** Starts nginx with the docs/deploy.md configuration in front of `servers` (`127.0.0.1:port` each). */
export async function startNginx(binary: string, servers: readonly string[]): Promise<RunningNginx> {
  const prefix = mkdtempSync(join(tmpdir(), 'mcp-sampling-nginx-'));
  const port = await freePort();
  const accessLog = join(prefix, 'access.log');
  writeFileSync(accessLog, '');
  const main = [
    // Started by root, nginx would run its worker as nobody, who cannot enter the private prefix.
    ...(process.getuid?.() === 0 ? [`user ${userInfo().username};`] : []),
    'worker_processes 1;',
    `pid ${join(prefix, 'nginx.pid')};`,
    `error_log ${join(prefix, 'error.log')} warn;`,
    'events { worker_connections 1024; }',
    'http {',
    `  client_body_temp_path ${join(prefix, 'body')};`,
    `  proxy_temp_path ${join(prefix, 'proxy')};`,
    `  fastcgi_temp_path ${join(prefix, 'fastcgi')};`,
    `  uwsgi_temp_path ${join(prefix, 'uwsgi')};`,
    `  scgi_temp_path ${join(prefix, 'scgi')};`,
    `  access_log off;`,
    renderDeployConfig({ servers, port, accessLog }),
    '}',
    '',
  ].join('\n');
  const configPath = join(prefix, 'nginx.conf');
  writeFileSync(configPath, main);
  const child = spawn(binary, ['-p', prefix, '-c', configPath, '-e', join(prefix, 'error.log'), '-g', 'daemon off;'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const errorLog = () => {
    try {
      return `${stderr}${readFileSync(join(prefix, 'error.log'), 'utf8')}`;
    } catch {
      return stderr;
    }
  };
  const exited = once(child, 'exit');
  try {
    await waitForPort(port, child, errorLog);
  } catch (error) {
    if (child.exitCode === null) child.kill('SIGKILL');
    throw error;
  }
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    port,
    accessLog: () =>
      readFileSync(accessLog, 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map(parseLine),
    async stop() {
      // SIGQUIT: nginx's graceful stop (the master waits for its worker); then the prefix goes.
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGQUIT');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      if (process.env['KEEP_NGINX'] === undefined) rmSync(prefix, { recursive: true, force: true });
    },
  };
}
