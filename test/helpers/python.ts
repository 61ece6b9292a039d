/**
 * The Python peer of the opt-in Python tests (test/interop-python.test.ts, test/bridge-python.test.ts):
 * `MCP_SAMPLING_PYTHON` names a Python with the official `mcp` package, 2.x (`npm run interop:python` makes
 * one). Without one the tests are skipped, and the file says so on stderr, naming itself.
 */
import { execFileSync } from 'node:child_process';

export interface PythonPeer {
  /** The interpreter (set only when `available`). */
  python: string | undefined;
  /** Its `mcp` package version, or undefined when it has none. */
  version: string | undefined;
  /** A Python with `mcp` >= 2. */
  available: boolean;
}

/** The mcp package version of `python`, or undefined when it has none. */
export function pythonMcpVersion(python: string | undefined): string | undefined {
  if (python === undefined) return undefined;
  try {
    return execFileSync(python, ['-c', 'import importlib.metadata as m; print(m.version("mcp"))'], {
      encoding: 'utf8',
    }).trim();
  } catch {
    return undefined;
  }
}

/** The Python peer from `MCP_SAMPLING_PYTHON`; when there is none, one line on stderr says `who` is skipped. */
export function pythonPeer(who: string): PythonPeer {
  const python = process.env['MCP_SAMPLING_PYTHON'];
  const version = pythonMcpVersion(python);
  const available = version !== undefined && Number(version.split('.')[0]) >= 2;
  if (!available) {
    process.stderr.write(
      `${who}: skipped (set MCP_SAMPLING_PYTHON to a Python with mcp>=2, or run \`npm run interop:python\`)\n`,
    );
  }
  return { python: available ? python : undefined, version, available };
}
