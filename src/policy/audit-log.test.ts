import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { createAuditLog, readAuditLog, type AuditIo, type AuditRecord } from './audit-log.js';

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

  it('shares one batch between every log of this process on the same file, each keeping its own secrets', async () => {
    const path = join(dir, 'shared.jsonl');
    // Two runtimes of one host (one per connection), on one configured audit file.
    const one = createAuditLog({ path, enabled: true, includeText: true, secrets: ['sk-one-secret-0000'] });
    const two = createAuditLog({ path: join(dir, '.', 'shared.jsonl'), enabled: true, includeText: true });
    void one.write({ ...record(1), completion: 'sk-one-secret-0000' } as AuditRecord);
    void two.write(record(2));
    void one.write(record(3));
    // Flushing one writes the other's lines too: they are in the same batch, in the order they came.
    await one.flush();
    const { records } = await readAuditLog(path);
    expect(records.map((r) => r.server)).toEqual(['server-1', 'server-2', 'server-3']);
    expect(await readFile(path, 'utf8')).not.toContain('sk-one-secret-0000');
  });

  it('builds a record given as a function when its batch is written, in order, secrets scrubbed', async () => {
    const path = join(dir, 'lazy.jsonl');
    const log = createAuditLog({ path, enabled: true, includeText: true, secrets: ['sk-lazy-secret-5678'] });
    const build = vi.fn(() => ({ ...record(2), completion: 'sk-lazy-secret-5678' }) as AuditRecord);
    void log.write(record(1));
    void log.write(build);
    void log.write(() => {
      throw new Error('cannot build');
    });
    void log.write(record(3));
    // Not built in the request's path: only once the batch is written.
    expect(build).not.toHaveBeenCalled();
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    await log.flush();
    const warned = stderr.mock.calls.map(([line]) => String(line)).join('');
    stderr.mockRestore();
    expect(build).toHaveBeenCalledTimes(1);
    const text = await readFile(path, 'utf8');
    expect(text).not.toContain('sk-lazy-secret-5678');
    expect((await readAuditLog(path)).records.map((r) => r.server)).toEqual(['server-1', 'server-2', 'server-3']);
    expect(warned).toContain('cannot build');
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

  it('starts on a new line when the file ends in a truncated line, so the next record stays readable', async () => {
    const path = join(dir, 'audit.jsonl');
    await writeFile(path, `${JSON.stringify(record(0))}\n{"time":"1970-01-01T00:00:00.000Z","serv`);
    const log = createAuditLog({ path, enabled: true, includeText: false });
    await log.write(record(1));
    await log.write(record(2));
    const { records, skipped } = await readAuditLog(path);
    expect(records.map((r) => r.server)).toEqual(['server-0', 'server-1', 'server-2']);
    expect(skipped).toBe(1);
  });
});

describe('createAuditLog on a path it cannot use', () => {
  let warnings: string[];
  beforeEach(() => {
    warnings = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      warnings.push(String(chunk));
      return true;
    });
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('warns and goes on when the directory cannot be created under /proc', async () => {
    const path = '/proc/self/mcp-sampling-audit/audit.jsonl';
    const log = createAuditLog({ path, enabled: true, includeText: false });
    await log.write(record(1));
    await log.flush();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^mcp-sampling: warning: cannot write the audit log \/proc\/self\/mcp-sampling-audit\/audit\.jsonl: .*ENOENT/,
    );
  });

  it('gives up with one warning when the file system never answers, and writes nothing more', async () => {
    const calls: string[] = [];
    const never: AuditIo = {
      mkdir: (path) => {
        calls.push(`mkdir ${path}`);
        return new Promise(() => {});
      },
      appendFile: async (path) => {
        calls.push(`append ${path}`);
      },
      lastByte: async () => undefined,
    };
    const log = createAuditLog({
      path: join(dir, 'audit.jsonl'),
      enabled: true,
      includeText: false,
      io: never,
      timeoutMs: 20,
    });
    await log.write(record(1));
    expect(log.stalled).toBe(true);
    await log.write(record(2));
    await log.flush();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /creating its directory did not finish in 20 ms; audit lines of this run are not written/,
    );
    expect(calls).toEqual([`mkdir ${dir}`]);
  });
});
