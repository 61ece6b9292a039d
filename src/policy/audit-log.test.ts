import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createAuditLog, type AuditRecord } from './audit-log.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mcp-sampling-audit-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const record = (n: number): AuditRecord =>
  ({ time: new Date(0).toISOString(), server: `server-${n}`, outcome: 'ok' }) as unknown as AuditRecord;

describe('createAuditLog', () => {
  it('writes every line, in order, when many requests finish at once; flush() waits for them', async () => {
    const path = join(dir, 'logs', 'audit.jsonl');
    const log = createAuditLog({ path, enabled: true, includeText: false });
    const written = Array.from({ length: 300 }, (_, n) => log.write(record(n)));
    await log.flush();
    const lines = (await readFile(path, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(300);
    expect(lines.map((line) => (JSON.parse(line) as { server: string }).server)).toEqual(
      Array.from({ length: 300 }, (_, n) => `server-${n}`),
    );
    // Each write's own promise settles once its line is in the file.
    await Promise.all(written);
    log.write(record(300));
    await log.flush();
    expect((await readFile(path, 'utf8')).trim().split('\n')).toHaveLength(301);
  });

  it('never writes a secret value, and writes nothing when disabled', async () => {
    const path = join(dir, 'audit.jsonl');
    const log = createAuditLog({ path, enabled: true, includeText: true, secrets: ['sk-secret-value-1234'] });
    await log.write({ ...record(1), completion: 'the key is sk-secret-value-1234' } as AuditRecord);
    expect(await readFile(path, 'utf8')).not.toContain('sk-secret-value-1234');
    const off = createAuditLog({ path: join(dir, 'off.jsonl'), enabled: false, includeText: false });
    await off.write(record(2));
    await off.flush();
    await expect(readFile(join(dir, 'off.jsonl'), 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
