import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createBudgetTracker, localDateKey, resetBudgetState } from './budget.js';

let dir: string;
let statePath: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mcp-sampling-budget-'));
  statePath = join(dir, 'state', 'state.json');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A settable clock, in local time so that the date keys do not depend on the time zone. */
function clock(start: Date) {
  let current = start;
  return {
    now: () => current,
    set: (next: Date) => {
      current = next;
    },
  };
}

async function readState(): Promise<unknown> {
  return JSON.parse(await readFile(statePath, 'utf8'));
}

describe('createBudgetTracker', () => {
  it('starts empty when the state file does not exist, without creating it', async () => {
    const time = clock(new Date(2025, 5, 1, 9, 30));
    const tracker = createBudgetTracker({ statePath, now: time.now });
    expect(tracker.usage('document-assistant')).toEqual({
      session: { tokens: 0, costUsd: 0 },
      day: { tokens: 0, costUsd: 0, date: '2025-06-01' },
      reserved: { tokens: 0, costUsd: 0, requests: 0 },
    });
    expect(tracker.check('document-assistant', { day: { tokens: 1 }, session: { costUsd: 0.01 } })).toEqual({
      ok: true,
    });
    await expect(stat(statePath)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('counts per server, for the session and the day, and writes the day to the state file', async () => {
    const time = clock(new Date(2025, 5, 1, 9, 30));
    const tracker = createBudgetTracker({ statePath, now: time.now });
    await tracker.record('document-assistant', { tokens: 1200, costUsd: 0.01 });
    await tracker.record('document-assistant', { tokens: 800, costUsd: 0.02 });
    await tracker.record('other', { tokens: 5, costUsd: 0 });

    const usage = tracker.usage('document-assistant');
    expect(usage.session.tokens).toBe(2000);
    expect(usage.session.costUsd).toBeCloseTo(0.03, 10);
    expect(usage.day).toMatchObject({ tokens: 2000, date: '2025-06-01' });
    expect(tracker.usage('other').session).toEqual({ tokens: 5, costUsd: 0 });
    expect(await readState()).toEqual({
      version: 1,
      days: {
        '2025-06-01': {
          'document-assistant': { tokens: 2000, costUsd: expect.closeTo(0.03, 10) as number },
          other: { tokens: 5, costUsd: 0 },
        },
      },
    });
  });

  it('sees a recorded usage at once, before the write finishes', () => {
    const tracker = createBudgetTracker({ statePath });
    const write = tracker.record('s', { tokens: 10, costUsd: 0 });
    expect(tracker.usage('s').session.tokens).toBe(10);
    expect(tracker.usage('s').day.tokens).toBe(10);
    expect(tracker.check('s', { day: { tokens: 10 } }).ok).toBe(false);
    return write;
  });

  it('refuses once used >= limit, with one line per window and kind', async () => {
    const time = clock(new Date(2025, 5, 1, 9, 30));
    const tracker = createBudgetTracker({ statePath, now: time.now });
    const server = 'document-assistant';

    await tracker.record(server, { tokens: 49_999, costUsd: 0.1 });
    expect(tracker.check(server, { day: { tokens: 50_000 } })).toEqual({ ok: true });
    await tracker.record(server, { tokens: 313, costUsd: 0.1 });
    expect(tracker.check(server, { day: { tokens: 50_000 } })).toEqual({
      ok: false,
      reason:
        "daily token budget of 50,000 for server 'document-assistant' is exhausted (50,312 used); it resets at midnight",
    });
    expect(tracker.check(server, { session: { tokens: 50_312 } })).toEqual({
      ok: false,
      reason:
        "session token budget of 50,312 for server 'document-assistant' is exhausted (50,312 used); " +
        'it resets when the client restarts',
    });
    expect(tracker.check(server, { session: { costUsd: 0.2 } })).toEqual({
      ok: false,
      reason:
        "session cost budget of $0.20 for server 'document-assistant' is exhausted ($0.20 used); " +
        'it resets when the client restarts',
    });
    expect(tracker.check(server, { day: { costUsd: 0.15 } })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(
        /^daily cost budget of \$0\.15 .* \(\$0\.20 used\); it resets at midnight$/,
      ) as string,
    });
    expect(tracker.check(server, { session: { tokens: 60_000, costUsd: 1 }, day: { tokens: 60_000 } })).toEqual({
      ok: true,
    });
    expect(tracker.check(server, undefined)).toEqual({ ok: true });
    expect(tracker.check('another-server', { day: { tokens: 1 } })).toEqual({ ok: true });
  });

  it('keeps day usage across instances on the same file, but not session usage', async () => {
    const time = clock(new Date(2025, 5, 1, 9, 30));
    const first = createBudgetTracker({ statePath, now: time.now });
    await first.record('s', { tokens: 30_000, costUsd: 0.25 });

    const second = createBudgetTracker({ statePath, now: time.now });
    expect(second.usage('s')).toMatchObject({
      session: { tokens: 0, costUsd: 0 },
      day: { tokens: 30_000, costUsd: 0.25, date: '2025-06-01' },
    });
    expect(second.check('s', { day: { costUsd: 0.25 } }).ok).toBe(false);
    expect(second.check('s', { session: { costUsd: 0.25 } }).ok).toBe(true);

    // A write re-reads the file first: usage recorded meanwhile by the other instance is kept.
    await first.record('s', { tokens: 1000, costUsd: 0 });
    await second.record('s', { tokens: 500, costUsd: 0 });
    expect(second.usage('s').day.tokens).toBe(31_500);
    expect(await readState()).toMatchObject({ days: { '2025-06-01': { s: { tokens: 31_500 } } } });
  });

  it('starts a new day at local midnight and keeps only the last 7 days', async () => {
    const time = clock(new Date(2025, 5, 1, 23, 59, 59));
    const tracker = createBudgetTracker({ statePath, now: time.now });
    await tracker.record('s', { tokens: 100, costUsd: 0 });
    expect(tracker.check('s', { day: { tokens: 100 } }).ok).toBe(false);

    time.set(new Date(2025, 5, 2, 0, 0, 0));
    expect(tracker.usage('s').day).toEqual({ tokens: 0, costUsd: 0, date: '2025-06-02' });
    expect(tracker.check('s', { day: { tokens: 100 } })).toEqual({ ok: true });
    // The session does not roll over.
    expect(tracker.check('s', { session: { tokens: 100 } }).ok).toBe(false);

    for (let day = 2; day <= 8; day++) {
      time.set(new Date(2025, 5, day, 12, 0));
      await tracker.record('s', { tokens: day, costUsd: 0 });
    }
    const state = (await readState()) as { days: Record<string, unknown> };
    expect(Object.keys(state.days).sort()).toEqual([
      '2025-06-02',
      '2025-06-03',
      '2025-06-04',
      '2025-06-05',
      '2025-06-06',
      '2025-06-07',
      '2025-06-08',
    ]);
    expect(tracker.usage('s').day).toEqual({ tokens: 8, costUsd: 0, date: '2025-06-08' });
  });

  it("counts each usage on its own local day when the clock goes back and forth across midnight (today's key is kept per day)", async () => {
    const time = clock(new Date(2025, 5, 1, 23, 59, 59, 999));
    const tracker = createBudgetTracker({ statePath, now: time.now });
    await tracker.record('s', { tokens: 1, costUsd: 0 });
    time.set(new Date(2025, 5, 2, 0, 0, 0, 0));
    await tracker.record('s', { tokens: 10, costUsd: 0 });
    // A clock set back (NTP, a test) lands on the earlier day again.
    time.set(new Date(2025, 5, 1, 12, 0));
    await tracker.record('s', { tokens: 100, costUsd: 0 });
    expect(tracker.usage('s').day).toEqual({ tokens: 101, costUsd: 0, date: '2025-06-01' });
    time.set(new Date(2025, 5, 2, 23, 59, 59, 999));
    expect(tracker.usage('s').day).toEqual({ tokens: 10, costUsd: 0, date: '2025-06-02' });
    expect(tracker.check('s', { day: { tokens: 10 } }).ok).toBe(false);
    time.set(new Date(2025, 5, 3, 0, 0));
    expect(tracker.check('s', { day: { tokens: 10 } }).ok).toBe(true);
    const state = (await readState()) as { days: Record<string, Record<string, { tokens: number }>> };
    expect(state.days['2025-06-01']?.['s']?.tokens).toBe(101);
    expect(state.days['2025-06-02']?.['s']?.tokens).toBe(10);
  });

  it('uses local dates for the keys', () => {
    expect(localDateKey(new Date(2025, 0, 5, 0, 0))).toBe('2025-01-05');
    expect(localDateKey(new Date(2024, 11, 31, 23, 59))).toBe('2024-12-31');
  });

  it('a corrupt state file refuses only what needs it (a day budget), with one line that says how to reset it', async () => {
    const broken = join(dir, 'broken.json');
    await writeFile(broken, '{"version": 1, "days": {', 'utf8');
    // Creating the tracker reads nothing: a run with no day budget is not blocked.
    const tracker = createBudgetTracker({ statePath: broken });
    expect(tracker.check('s', undefined)).toEqual({ ok: true });
    expect(tracker.reserve('s', { session: { tokens: 1000 } }, { tokens: 10, costUsd: 0 }).ok).toBe(true);
    const refused = tracker.reserve('s', { day: { tokens: 1000 } }, { tokens: 10, costUsd: 0 });
    const escaped = broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expect(refused).toEqual({
      ok: false,
      reason: expect.stringMatching(
        new RegExp(
          `^budget state file ${escaped} is corrupt \\(.+\\): run \`mcp-sampling budget reset\` to reset it, or fix it by hand$`,
        ),
      ) as string,
    });
    expect((refused as { reason: string }).reason).not.toContain('\n');

    // Usage cannot be written to it (and it is not written over), but it is kept for later.
    await expect(tracker.record('s', { tokens: 7, costUsd: 0 })).rejects.toThrow(/is corrupt .*budget reset/);
    expect(await readFile(broken, 'utf8')).toBe('{"version": 1, "days": {');

    await writeFile(broken, JSON.stringify({ version: 1, days: { '2025-06-01': { s: { tokens: 'many' } } } }), 'utf8');
    expect(tracker.check('s', { day: { tokens: 1000 } })).toMatchObject({
      ok: false,
      reason: expect.stringContaining(
        `budget state file ${broken} is corrupt (unexpected content at days.2025-06-01.s.tokens:`,
      ) as string,
    });
    await writeFile(broken, JSON.stringify({ version: 2, days: {} }), 'utf8');
    expect(tracker.check('s', { day: { tokens: 1000 } })).toMatchObject({
      reason: expect.stringMatching(/is corrupt \(unexpected content at version/) as string,
    });

    // The reset keeps the corrupt file aside and starts afresh; the usage kept meanwhile is written then.
    expect(await resetBudgetState(broken)).toEqual({ existed: true, corruptCopy: `${broken}.corrupt` });
    expect(await readFile(`${broken}.corrupt`, 'utf8')).toBe(JSON.stringify({ version: 2, days: {} }));
    expect(tracker.check('s', { day: { tokens: 1000 } })).toEqual({ ok: true });
    await tracker.record('s', { tokens: 3, costUsd: 0 });
    const state = JSON.parse(await readFile(broken, 'utf8')) as { days: Record<string, Record<string, unknown>> };
    expect(Object.values(state.days)[0]).toEqual({ s: { tokens: 10, costUsd: 0 } });
  });

  it('a reset of a valid file empties it; of no file, does nothing', async () => {
    expect(await resetBudgetState(statePath)).toEqual({ existed: false });
    await expect(stat(statePath)).rejects.toMatchObject({ code: 'ENOENT' });
    const tracker = createBudgetTracker({ statePath });
    await tracker.record('s', { tokens: 5, costUsd: 0.5 });
    expect(await resetBudgetState(statePath)).toEqual({ existed: true });
    expect(await readState()).toEqual({ version: 1, days: {} });
    expect(tracker.usage('s').day.tokens).toBe(0);
    expect(tracker.usage('s').session.tokens).toBe(5);
  });

  it('writes atomically: the file is always whole JSON and no temporary file is left behind', async () => {
    const tracker = createBudgetTracker({ statePath, now: () => new Date(2025, 5, 1, 12, 0) });
    await tracker.record('s', { tokens: 1, costUsd: 0 });
    const before = await stat(statePath);

    await Promise.all(
      Array.from({ length: 25 }, (_, i) => tracker.record(`server-${i % 3}`, { tokens: 10, costUsd: 0.001 })),
    );
    const state = (await readState()) as { days: Record<string, Record<string, { tokens: number }>> };
    const today = state.days['2025-06-01']!;
    expect(today['server-0']!.tokens + today['server-1']!.tokens + today['server-2']!.tokens).toBe(250);
    expect(await readdir(join(dir, 'state'))).toEqual(['state.json']);
    // Replaced by a rename, not rewritten in place.
    expect((await stat(statePath)).ino).not.toBe(before.ino);
  });

  it('makes the directory again when it was removed between two writes', async () => {
    const tracker = createBudgetTracker({ statePath, now: () => new Date(2025, 5, 1, 12, 0) });
    await tracker.record('s', { tokens: 1, costUsd: 0 });
    await rm(join(dir, 'state'), { recursive: true });
    await tracker.record('s', { tokens: 2, costUsd: 0 });
    expect(await readState()).toEqual({ version: 1, days: { '2025-06-01': { s: { tokens: 2, costUsd: 0 } } } });
  });

  it('rejects when the state file cannot be updated, but keeps counting in memory', async () => {
    const blockedPath = join(dir, 'blocked.json');
    const tracker = createBudgetTracker({ statePath: blockedPath });
    // Now the state path is a directory: it can be neither read as a file nor replaced by a rename.
    await mkdir(blockedPath);

    await expect(tracker.record('s', { tokens: 40, costUsd: 0 })).rejects.toThrow(
      `cannot read budget state file ${blockedPath}:`,
    );
    expect(tracker.usage('s').day.tokens).toBe(40);
    expect(tracker.check('s', { day: { tokens: 40 } }).ok).toBe(false);
    // Later records still go through the queue.
    await expect(tracker.record('s', { tokens: 2, costUsd: 0 })).rejects.toThrow('cannot read budget state file');
    expect(tracker.usage('s').day.tokens).toBe(42);
  });

  it('rejects negative or non-finite usage', async () => {
    const tracker = createBudgetTracker({ statePath });
    await expect(tracker.record('s', { tokens: -1, costUsd: 0 })).rejects.toThrow(RangeError);
    await expect(tracker.record('s', { tokens: 1, costUsd: Number.NaN })).rejects.toThrow(RangeError);
    expect(tracker.usage('s').session.tokens).toBe(0);
  });
});

describe('reservations', () => {
  const server = 'document-assistant';

  it('admits a worst case only while it fits beside what is used and reserved, and says why not', () => {
    const tracker = createBudgetTracker({ statePath });
    const budget = { session: { tokens: 1000 } };
    const first = tracker.reserve(server, budget, { tokens: 600, costUsd: 0 });
    expect(first.ok).toBe(true);
    expect(tracker.usage(server).reserved).toEqual({ tokens: 600, costUsd: 0, requests: 1 });
    expect(tracker.reserve(server, budget, { tokens: 401, costUsd: 0 })).toEqual({
      ok: false,
      reason:
        "session token budget of 1,000 for server 'document-assistant' cannot cover this request, which may use up " +
        'to 401 tokens: 400 left (0 used, 600 reserved by requests in flight); it resets when the client restarts',
    });
    const second = tracker.reserve(server, budget, { tokens: 400, costUsd: 0 });
    expect(second.ok).toBe(true);
    // Exactly full: nothing more, however small.
    expect(tracker.reserve(server, budget, { tokens: 1, costUsd: 0 }).ok).toBe(false);
    // Given back: the headroom returns.
    if (second.ok) second.reservation.release();
    expect(tracker.reserve(server, budget, { tokens: 400, costUsd: 0 }).ok).toBe(true);
  });

  it('replaces a reservation by the real usage once, and releases nothing twice', async () => {
    const tracker = createBudgetTracker({ statePath, now: () => new Date(2025, 5, 1, 12, 0) });
    const budget = { day: { tokens: 1000, costUsd: 1 } };
    const held = tracker.reserve(server, budget, { tokens: 900, costUsd: 0.5 });
    if (!held.ok) throw new Error(held.reason);
    await held.reservation.commit({ tokens: 120, costUsd: 0.01 });
    held.reservation.release();
    await held.reservation.commit({ tokens: 5000, costUsd: 5 });
    const usage = tracker.usage(server);
    expect(usage.reserved.requests).toBe(0);
    expect(usage.session).toEqual({ tokens: 120, costUsd: 0.01 });
    expect(usage.day).toMatchObject({ tokens: 120, costUsd: 0.01 });
    expect(await readState()).toEqual({
      version: 1,
      days: { '2025-06-01': { [server]: { tokens: 120, costUsd: 0.01 } } },
    });
    // A count that is not a number counts at the reserved worst case.
    const unknown = tracker.reserve(server, budget, { tokens: 300, costUsd: 0.2 });
    if (!unknown.ok) throw new Error(unknown.reason);
    await unknown.reservation.commit({ tokens: Number.NaN, costUsd: -1 });
    expect(tracker.usage(server).session).toEqual({ tokens: 420, costUsd: expect.closeTo(0.21, 10) as number });
  });

  it('refuses a dollar worst case that does not fit, and one that meets an exhausted budget', async () => {
    const tracker = createBudgetTracker({ statePath });
    const budget = { day: { costUsd: 0.05 } };
    expect(tracker.reserve(server, budget, { tokens: 10, costUsd: 0.06 })).toEqual({
      ok: false,
      reason:
        "daily cost budget of $0.05 for server 'document-assistant' cannot cover this request, which may cost up " +
        'to $0.06: $0.05 left ($0.00 used); it resets at midnight',
    });
    await tracker.record(server, { tokens: 10, costUsd: 0.05 });
    expect(tracker.reserve(server, budget, { tokens: 1, costUsd: 0 })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^daily cost budget of \$0\.05 .* is exhausted \(\$0\.05 used\)/) as string,
    });
  });

  it('a day budget sees what another client process wrote since, without writing itself', async () => {
    const time = clock(new Date(2025, 5, 1, 9, 30));
    const budget = { day: { tokens: 1000 } };
    const mine = createBudgetTracker({ statePath, now: time.now });
    expect(mine.check(server, budget, { tokens: 600, costUsd: 0 }).ok).toBe(true);
    const other = createBudgetTracker({ statePath, now: time.now });
    await other.record(server, { tokens: 500, costUsd: 0 });
    expect(mine.check(server, budget, { tokens: 600, costUsd: 0 })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('500 left (500 used)') as string,
    });
  });

  it('rejects a reservation that is not non-negative numbers', () => {
    const tracker = createBudgetTracker({ statePath });
    expect(() => tracker.reserve(server, undefined, { tokens: Number.NaN, costUsd: 0 })).toThrow(RangeError);
  });
});

describe('createBudgetTracker under load', () => {
  it('writes usage recorded while a write runs together with it, losing none, and flush() waits for it all', async () => {
    const time = clock(new Date(2025, 5, 1, 9, 30));
    const tracker = createBudgetTracker({ statePath, now: time.now });
    const writes = Array.from({ length: 200 }, (_, i) =>
      tracker.record(i % 2 === 0 ? 'a' : 'b', { tokens: 10, costUsd: 0.001 }),
    );
    // Everything is counted at once, before any write has finished.
    expect(tracker.usage('a').day.tokens).toBe(1000);
    await tracker.flush();
    await Promise.all(writes);
    const state = (await readState()) as { days: Record<string, Record<string, { tokens: number; costUsd: number }>> };
    expect(state.days['2025-06-01']!['a']!.tokens).toBe(1000);
    expect(state.days['2025-06-01']!['b']!.tokens).toBe(1000);
    expect(state.days['2025-06-01']!['b']!.costUsd).toBeCloseTo(0.1, 10);
    // A new tracker (another client, later) sees the day's usage from the file.
    const later = createBudgetTracker({ statePath, now: time.now });
    expect(later.usage('a').day.tokens).toBe(1000);
  });

  it('loses nothing when several trackers of one process share the file (fifty runtimes of one host)', async () => {
    const time = clock(new Date(2025, 5, 1, 9, 30));
    const trackers = Array.from({ length: 50 }, () => createBudgetTracker({ statePath, now: time.now }));
    // Every tracker records in the same moment, twice (the second while the first batch may be writing).
    const first = trackers.map((tracker) => tracker.record('shared', { tokens: 7, costUsd: 0.001 }));
    await new Promise((resolve) => setTimeout(resolve, 60));
    const second = trackers.map((tracker, i) =>
      tracker.record(i % 2 === 0 ? 'shared' : 'other', { tokens: 3, costUsd: 0 }),
    );
    await Promise.all([...first, ...second]);
    await Promise.all(trackers.map((tracker) => tracker.flush()));
    const state = (await readState()) as { days: Record<string, Record<string, { tokens: number; costUsd: number }>> };
    expect(state.days['2025-06-01']!['shared']!.tokens).toBe(50 * 7 + 25 * 3);
    expect(state.days['2025-06-01']!['other']!.tokens).toBe(25 * 3);
    expect(state.days['2025-06-01']!['shared']!.costUsd).toBeCloseTo(0.05, 10);
    // Each tracker's day counts everything written, and nothing twice.
    for (const tracker of [trackers[0]!, trackers[49]!]) {
      expect(tracker.usage('shared').day.tokens).toBe(50 * 7 + 25 * 3);
    }
    expect(await readdir(join(dir, 'state'))).toEqual(['state.json']);
  });
});
