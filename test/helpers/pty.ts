/**
 * Runs a command on a pseudo-terminal, as a person at a keyboard would: util-linux `script` gives the
 * child a terminal on stdin, stdout and stderr (80 x 40), and the test types keys once the screen shows
 * what it waits for. For end-to-end tests of the CLI's terminal prompts; skipped where `script` is missing.
 */
import { spawn, spawnSync } from 'node:child_process';

/** True when util-linux `script` is installed (Linux). */
export const HAS_SCRIPT =
  process.platform === 'linux' && spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

const ANSI = new RegExp(String.raw`\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007]*(?:\u0007|\u001b\\)|[@-Z\\-_])`, 'g');

const quote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;

export interface PtySession {
  /** Everything the terminal showed so far, escape sequences removed. */
  screen(): string;
  /** Waits until the screen shows `text` after what earlier waits matched, then returns. */
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<void>;
  /** Types keys ('\r' is Enter). */
  type(keys: string): void;
  /** The exit code, once the command ends. */
  exited: Promise<number | null>;
  kill(): void;
}

export function runOnPty(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): PtySession {
  const command = `stty cols 100 rows 40 2>/dev/null; exec ${argv.map(quote).join(' ')}`;
  const child = spawn('script', ['-qfec', command, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let raw = '';
  let matchedUpTo = 0;
  const screen = () => raw.replace(ANSI, '');
  child.stdout.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    screen,
    waitFor: (text, timeoutMs = 20_000) =>
      new Promise((resolve, reject) => {
        const started = Date.now();
        const poll = setInterval(() => {
          const rest = screen().slice(matchedUpTo);
          const index = typeof text === 'string' ? rest.indexOf(text) : rest.search(text);
          if (index >= 0) {
            matchedUpTo += index + 1;
            clearInterval(poll);
            // Give the prompt a moment to finish drawing and start reading keys.
            setTimeout(resolve, 50);
          } else if (Date.now() - started > timeoutMs) {
            clearInterval(poll);
            reject(new Error(`the terminal never showed ${String(text)}; it shows:\n${screen().slice(-2000)}`));
          }
        }, 20);
      }),
    type: (keys) => child.stdin.write(keys),
    exited,
    kill: () => child.kill(),
  };
}
