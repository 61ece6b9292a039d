import { describe, expect, it } from 'vitest';

import { pushOnModernFailure } from './tool-failure.js';

const PYTHON = 'Error executing tool haiku: this transport context has no back-channel';
const TS_V2 =
  '{"error":{"code":"METHOD_NOT_SUPPORTED_BY_PROTOCOL_VERSION","message":"Server-to-client requests are not available on protocol revision 2026-07-28: \'sampling/createMessage\' cannot be sent"}}';

describe('pushOnModernFailure', () => {
  it("recognizes the Python SDK's and the TypeScript SDK's refusal of a push on 2026-07-28, in one line", () => {
    for (const text of [PYTHON, TS_V2, `first line\n${PYTHON}`]) {
      const line = pushOnModernFailure('haiku', text, { mode: 'auto', landed: 'modern' });
      expect(line).toMatch(/^haiku failed: the server pushes 2025-style requests .* run again with --era legacy/);
      expect(line).not.toContain('\n');
    }
    expect(pushOnModernFailure('haiku', PYTHON, { mode: 'modern', landed: 'modern' })).toMatch(/--era legacy/);
  });

  it('says nothing for other failures, on the legacy era, or when legacy was pinned', () => {
    expect(pushOnModernFailure('haiku', 'file not found', { mode: 'auto', landed: 'modern' })).toBeUndefined();
    expect(pushOnModernFailure('haiku', PYTHON, { mode: 'auto', landed: 'legacy' })).toBeUndefined();
    expect(pushOnModernFailure('haiku', PYTHON, { mode: 'legacy', landed: 'legacy' })).toBeUndefined();
  });

  it("bounds the server's words it repeats", () => {
    const line = pushOnModernFailure('t', `no back-channel ${'x'.repeat(5000)}`, { mode: 'auto', landed: 'modern' });
    expect(line!.length).toBeLessThan(500);
  });
});
