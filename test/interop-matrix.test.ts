/**
 * The sampling interop matrix (test/interop/matrix.ts) in CI: our client against the TypeScript SDK v2
 * (input_required with the legacy shim, and the push call), the v1 SDK and server-everything, on every era
 * each speaks; one test per server x era x request shape, asserting that our handler received exactly the
 * params the server sent and the server got the answer (or the refusal) it should. The Python SDK's rows
 * join when `MCP_SAMPLING_PYTHON` names a Python with mcp 2.x (`npm run interop` makes one).
 */
import { beforeAll, describe, expect, it } from 'vitest';

import { nodePeers, pythonMcpVersion, pythonPeers, runMatrix, SHAPES, type Row } from './interop/matrix.js';

const PYTHON = process.env['MCP_SAMPLING_PYTHON'];
const pythonVersion = pythonMcpVersion(PYTHON);
const peers = [
  ...nodePeers(),
  ...(pythonVersion !== undefined && Number(pythonVersion.split('.')[0]) >= 2 ? pythonPeers(PYTHON!) : []),
];

const cases = peers.flatMap((peer) =>
  peer.eras.flatMap((era) =>
    SHAPES.filter((shape) => peer.shapes?.includes(shape.id) ?? true).map((shape) => ({
      key: `${peer.id} ${era} ${shape.id}`,
      peer: peer.id,
      era,
      shape: shape.id,
    })),
  ),
);

let rows: Row[] = [];
beforeAll(async () => {
  rows = await runMatrix(peers);
}, 600_000);

describe('sampling interop matrix', () => {
  it('has a row for every server x era x shape', () => {
    expect(rows.map((row) => `${row.peer.id} ${row.era} ${row.shape.id}`)).toEqual(cases.map((c) => c.key));
  });

  it.each(cases)('$key', ({ peer, era, shape }) => {
    const row = rows.find((r) => r.peer.id === peer && r.era === era && r.shape.id === shape)!;
    expect(row.problems).toEqual([]);
    expect(row.protocol).toBe(era === 'modern' ? '2026-07-28' : '2025-11-25');
    const { _meta: _ignored, ...seen } = row.seen!;
    expect(seen).toEqual(row.expected);
    if (row.shape.refused === true) {
      // The user-rejected error -1, as docs/interop.md promises. Only the SDK v2's legacy shim (input_required
      // on a 2025 connection) drops the code and hands the tool our refusal's message alone.
      const saw = row.saw as { kind: string; code?: unknown; message?: string };
      expect(saw.kind).toBe('error');
      if (peer === 'ts-sdk-v2-mrtr' && era === 'legacy' && saw.code === null) {
        expect(saw.message).toMatch(/sampling is denied for server '[^']+' by configuration$/);
      } else {
        expect(saw.code).toBe(-1);
      }
      return;
    }
    expect(row.saw).toMatchObject({ kind: 'result', result: { role: 'assistant', stopReason: row.shape.stopReason } });
    expect(row.model!.maxTokens).toBeLessThanOrEqual(row.expected.maxTokens);
    if (row.shape.id.startsWith('tools-')) {
      // The scripted tool-capable model was asked with the request's tool choice.
      expect(row.model).toMatchObject({ id: 'stub/tool-model (scripted)', toolChoice: shape.slice('tools-'.length) });
    } else {
      expect(row.model!.id).toBe('embedded/extractive-summarizer');
    }
    if (row.shape.id === 'max-tokens-over') expect(row.model!.maxTokens).toBeLessThan(row.expected.maxTokens);
  });
});
