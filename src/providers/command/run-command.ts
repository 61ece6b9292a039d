/**
 * Runs a `command` provider's program once: argv without a shell, the prompt on stdin, stdout collected up
 * to a limit, the tail of stderr kept for the error. The process runs in a group of its own so that a
 * timeout, a cancellation or a flood of stdout kills the whole tree (a CLI that starts helpers), not only
 * the first process. The child inherits the user's environment: the keys a CLI needs are its own business,
 * and nothing here logs or records that environment.
 */
import { spawn } from 'node:child_process';

/** How much of stderr is kept for an error message. */
const STDERR_TAIL_BYTES = 8 * 1024;
/** How long a killed command has to go before its pipes are given up on. */
const KILL_GRACE_MS = 2_000;

/** A run that failed: a one-line `message` (what, and why) for the server and the audit log. */
export class CommandRunError extends Error {
  override readonly name = 'CommandRunError';
  constructor(
    message: string,
    readonly kind: 'not-found' | 'exit' | 'timeout' | 'too-large' | 'cancelled' | 'spawn',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface RunCommandOptions {
  argv: readonly string[];
  input: string;
  timeoutMs: number;
  maxOutputBytes: number;
  signal?: AbortSignal | undefined;
  /** Default: this process's environment. */
  env?: NodeJS.ProcessEnv;
}

/** The last non-empty lines of stderr, as one line of at most 300 characters. */
export function stderrTail(stderr: string): string {
  const lines = stderr
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const tail = lines.slice(-3).join(' | ');
  return tail.length > 300 ? `…${tail.slice(-299)}` : tail;
}

function killTree(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    // A negative pid is the process group (the child was started detached, as its group's leader).
    process.kill(process.platform === 'win32' ? pid : -pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** Runs the command; resolves with its stdout, or rejects with a CommandRunError. */
export function runCommand(options: RunCommandOptions): Promise<string> {
  const [program, ...args] = options.argv;
  const name = program ?? '';
  return new Promise<string>((resolve, reject) => {
    if (options.signal?.aborted === true) {
      reject(new CommandRunError(`command '${name}' was cancelled before it started`, 'cancelled'));
      return;
    }
    const child = spawn(name, args, {
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
      windowsHide: true,
    });
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let stderr = '';
    let failure: CommandRunError | undefined;
    let settled = false;
    let grace: NodeJS.Timeout | undefined;

    const finish = (error: CommandRunError | undefined, value?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(grace);
      options.signal?.removeEventListener('abort', onAbort);
      if (error !== undefined) reject(error);
      else resolve(value ?? '');
    };
    // Stops the tree for `why`; the run ends when the process has gone (or after a grace period).
    const stop = (why: CommandRunError) => {
      failure ??= why;
      killTree(child.pid);
      grace ??= setTimeout(() => finish(failure), KILL_GRACE_MS);
      grace.unref();
    };
    const onAbort = () => stop(new CommandRunError(`command '${name}' was cancelled`, 'cancelled'));
    const timer = setTimeout(
      () => stop(new CommandRunError(`command '${name}' timed out after ${options.timeoutMs / 1000} s`, 'timeout')),
      options.timeoutMs,
    );
    timer.unref();
    options.signal?.addEventListener('abort', onAbort, { once: true });

    child.stdout.on('data', (chunk: Buffer) => {
      if (failure !== undefined) return;
      stdoutBytes += chunk.length;
      if (stdoutBytes > options.maxOutputBytes) {
        stop(
          new CommandRunError(
            `command '${name}' printed more than ${options.maxOutputBytes} bytes (maxOutputBytes): stopped`,
            'too-large',
          ),
        );
        return;
      }
      stdout.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
    });
    // A program that does not read its stdin closes the pipe: that is not an error of the run.
    child.stdin.on('error', () => {});
    child.on('error', (error: NodeJS.ErrnoException) => {
      const notFound = error.code === 'ENOENT';
      finish(
        new CommandRunError(
          notFound
            ? `command not found: '${name}' (is it installed and on PATH?)`
            : `command '${name}' could not start: ${error.message}`,
          notFound ? 'not-found' : 'spawn',
          { cause: error },
        ),
      );
    });
    child.on('close', (code, signal) => {
      if (failure !== undefined) return finish(failure);
      if (code === 0) return finish(undefined, Buffer.concat(stdout).toString('utf8'));
      const tail = stderrTail(stderr);
      if (code === 127) {
        return finish(
          new CommandRunError(`command not found: '${name}' (exit status 127${tail ? `: ${tail}` : ''})`, 'not-found'),
        );
      }
      const how = code !== null ? `exited with status ${code}` : `was killed by ${signal ?? 'a signal'}`;
      finish(new CommandRunError(`command '${name}' ${how}${tail ? `: ${tail}` : ' (no stderr)'}`, 'exit'));
    });
    child.stdin.end(options.input);
  });
}
