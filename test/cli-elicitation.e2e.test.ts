/**
 * `call` against servers that elicit, with the built CLI: our conformance profile's elicitation tools
 * (`serve --profile conformance` over stdio, on both eras: a pushed `elicitation/create` on 2025-11-25, an
 * input_required round on 2026-07-28) and server-everything's form and URL elicitations. With no terminal
 * every elicitation is declined and stderr says so; on a terminal (a pseudo-terminal driven key by key)
 * the person's answers reach the server, and Esc cancels.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ERAS } from './helpers/wire.js';
import { HAS_SCRIPT, runOnPty } from './helpers/pty.js';

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const require = createRequire(import.meta.url);
const EVERYTHING_PACKAGE = require.resolve('@modelcontextprotocol/server-everything/package.json');
const EVERYTHING_BIN = join(
  dirname(EVERYTHING_PACKAGE),
  (JSON.parse(readFileSync(EVERYTHING_PACKAGE, 'utf8')) as { bin: Record<string, string> }).bin[
    'mcp-server-everything'
  ]!,
);
const SERVE = ['--', process.execPath, CLI, 'serve', '--profile', 'conformance'];
const ENTER = '\r';
const DOWN = '\u001b[B';
const ESC = '\u001b';

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'mcp-sampling-cli-elicitation-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A fresh machine: no key, no setting, HOME in the work directory, and no desktop to open a browser on. */
function cleanEnv(): NodeJS.ProcessEnv {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/API_KEY|BASE_URL|MCP_SAMPLING|TOKEN|^DISPLAY$|^WAYLAND_DISPLAY$/.test(name),
    ),
  );
  return { ...base, HOME: work };
}

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [CLI, ...args],
      { cwd: work, env: cleanEnv(), timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr }),
    );
    child.stdin?.end(); // stdin is a pipe, not a terminal
  });
}

describe.each(ERAS)('call against an eliciting server with no terminal, era %s', (era) => {
  it('declines the form and says so on stderr; the tool sees the decline', async () => {
    const result = await run([
      'call',
      'test_elicitation',
      '--era',
      era,
      '--args',
      '{"message":"Who are you?"}',
      ...SERVE,
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('User response: action=decline, content={}');
    expect(result.stderr).toContain(
      'mcp-sampling: the server asked for input ("Who are you?"); no terminal to ask on: declined',
    );
  });

  it('--json: the declined answer is in the one JSON result', async () => {
    const result = await run(['call', 'test_elicitation_sep1034_defaults', '--era', era, '--json', ...SERVE]);
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout) as { ok: boolean; era: string; result: { content: { text: string }[] } };
    expect(parsed).toMatchObject({ ok: true, era });
    expect(parsed.result.content[0]?.text).toBe('Elicitation completed: action=decline, content={}');
  });
});

describe('call against server-everything with no terminal', () => {
  it('declines its form elicitation (legacy era)', async () => {
    const result = await run(['call', 'trigger-elicitation-request', '--', process.execPath, EVERYTHING_BIN, 'stdio']);
    expect(result.stderr).toContain('the server asked for input');
    expect(result.stdout).toMatch(/decline/i);
  });

  it('declines its URL elicitation: the capability for URL mode is declared, so the tool exists', async () => {
    const result = await run([
      'call',
      'trigger-url-elicitation',
      '--args',
      '{"url":"https://auth.example.org/start","message":"Sign in"}',
      '--',
      process.execPath,
      EVERYTHING_BIN,
      'stdio',
    ]);
    expect(result.stderr).toContain('the server asked to open a page ("Sign in"); no terminal to ask on: declined');
    expect(result.stdout).toMatch(/decline/i);
  });
});

describe.skipIf(!HAS_SCRIPT).each(ERAS)('call against an eliciting server on a terminal, era %s', (era) => {
  const callOnPty = (tool: string, args: string[] = []) =>
    runOnPty([process.execPath, CLI, 'call', tool, '--era', era, ...args, ...SERVE], cleanEnv());

  /** A person at the terminal: each step waits for a text on the screen, then types keys. */
  const SCRIPTED: { name: string; tool: string; args?: string[]; steps: [string, string][]; shows: string[] }[] = [
    {
      name: 'asks each field and sends what was typed',
      tool: 'test_elicitation',
      args: ['--args', '{"message":"Who are you?"}'],
      steps: [
        ['Fill in the form', ENTER],
        ['username', `ana${ENTER}`],
        ['email', `ana@example.org${ENTER}`],
      ],
      shows: ['Who are you?', 'User response: action=accept, content={"username":"ana","email":"ana@example.org"}'],
    },
    {
      name: "starts from the form's defaults (SEP-1034): Enter on every field accepts them",
      tool: 'test_elicitation_sep1034_defaults',
      steps: [
        ['Fill in the form', ENTER],
        ...['Name', 'Age', 'Score', 'Status', 'Verified'].map((field): [string, string] => [field, ENTER]),
      ],
      shows: [
        'Elicitation completed: action=accept, content={"name":"John Doe","age":30,"score":95.5,"status":"active","verified":true}',
      ],
    },
    {
      name: 'picks titled choices and multi-select items (SEP-1330)',
      tool: 'test_elicitation_sep1330_enums',
      steps: [
        ['Fill in the form', ENTER],
        ['Untitled single select', `${DOWN}${ENTER}`], // option2
        ['Second Option', `${DOWN}${DOWN}${ENTER}`], // value3
        ['Option Two', ENTER], // opt1
        ['Untitled multi select', ` ${DOWN} ${ENTER}`], // option1, option2
        ['Second Choice', `${DOWN}${DOWN} ${ENTER}`], // value3
      ],
      shows: [
        'Elicitation completed: action=accept, content={"untitledSingle":"option2","titledSingle":"value3","legacyEnum":"opt1","untitledMulti":["option1","option2"],"titledMulti":["value3"]}',
      ],
    },
    {
      name: 'declines on Decline',
      tool: 'test_elicitation',
      args: ['--args', '{"message":"Who?"}'],
      steps: [['Fill in the form', `${DOWN}${ENTER}`]],
      shows: ['User response: action=decline, content={}'],
    },
    {
      name: 'Esc cancels',
      tool: 'test_elicitation',
      args: ['--args', '{"message":"Who?"}'],
      steps: [
        ['Fill in the form', ENTER],
        ['username', ESC],
      ],
      shows: ['User response: action=cancel, content={}'],
    },
  ];

  it.each(SCRIPTED)('$name', async ({ tool, args, steps, shows }) => {
    const pty = callOnPty(tool, args);
    try {
      for (const [text, keys] of steps) {
        await pty.waitFor(text);
        pty.type(keys);
      }
      expect(await pty.exited).toBe(0);
      for (const text of shows) expect(pty.screen()).toContain(text);
    } finally {
      pty.kill();
    }
  });
});

describe.skipIf(!HAS_SCRIPT)('a URL elicitation on a terminal (server-everything)', () => {
  it('shows the address, asks before opening it, and prints it when no browser can be opened', async () => {
    const pty = runOnPty(
      [
        process.execPath,
        CLI,
        'call',
        'trigger-url-elicitation',
        '--args',
        '{"url":"https://auth.example.org/start","message":"Sign in"}',
        '--',
        process.execPath,
        EVERYTHING_BIN,
        'stdio',
      ],
      cleanEnv(),
    );
    try {
      await pty.waitFor('auth.example.org');
      await pty.waitFor('Open it in the browser');
      pty.type(ENTER);
      await pty.waitFor('open this address: https://auth.example.org/start');
      expect(await pty.exited).toBe(0);
      expect(pty.screen()).toMatch(/accept/i);
    } finally {
      pty.kill();
    }
  });
});
