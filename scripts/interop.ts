/**
 * `npm run interop`: the sampling interop matrix (test/interop/matrix.ts) against every peer, written to
 * docs/interop.md. The Python SDK's rows need a Python with `mcp` 2.3.0: this makes a virtual environment
 * in .cache/python-peer from the machine's package index (pip's own configuration decides which); with no
 * python3 or no index, those rows are left out and the page says so. `--no-python` skips them on purpose.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';

import { format, resolveConfig } from 'prettier';

import { nodePeers, pythonMcpVersion, pythonPeers, renderMarkdown, runMatrix } from '../test/interop/matrix.js';

const MCP_VERSION = '2.3.0';
const root = join(import.meta.dirname, '..');
const venv = join(root, '.cache', 'python-peer');
const python = join(venv, 'bin', 'python');

function preparePython(): string | undefined {
  try {
    if (!existsSync(python)) execFileSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' });
    execFileSync(python, ['-m', 'pip', 'install', '--quiet', `mcp==${MCP_VERSION}`], { stdio: 'inherit' });
  } catch (error) {
    process.stderr.write(`interop: no Python peer (${(error as Error).message.split('\n')[0]})\n`);
  }
  return pythonMcpVersion(python);
}

const notes: string[] = [];
const peers = nodePeers();
if (process.argv.includes('--no-python')) notes.push('The Python SDK rows were not run (`--no-python`).');
else {
  const version = preparePython();
  if (version === undefined) notes.push('The Python SDK rows were not run: no Python with `mcp` could be prepared.');
  else {
    peers.push(...pythonPeers(python));
    notes.push(`Python SDK: \`mcp\` ${version}, run from \`.cache/python-peer\`.`);
  }
}
const rows = await runMatrix(peers);
const out = join(root, 'docs', 'interop.md');
// In the repository's prettier style, so that `npm run lint` passes on the generated page.
writeFileSync(out, await format(renderMarkdown(rows, notes), { ...(await resolveConfig(out)), filepath: out }));
const failed = rows.filter((row) => row.problems.length > 0);
for (const row of failed)
  process.stderr.write(`FAIL ${row.peer.id} ${row.era} ${row.shape.id}: ${row.problems.join('; ')}\n`);
process.stdout.write(`interop: ${rows.length - failed.length} of ${rows.length} rows pass; wrote ${out}\n`);
process.exitCode = failed.length > 0 ? 1 : 0;
