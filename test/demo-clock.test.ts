// The demo on its own clock (`--now`): one collection a day whatever the hour, the last one on now's
// day, never after now; and the default week of the digest at the awkward instants of a week.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { simulatedDays } from '../src/demo/days.js';
import { digestPeriod } from '../src/commands/options.js';
import { openStore } from '../src/store/index.js';
import { cliInProcess } from './helpers/cli-in-process.js';

const AWKWARD = [
  '2026-12-06T23:59:30Z', // Sunday late evening
  '2026-12-07T00:00:00Z', // Monday midnight exactly
  '2026-12-07T00:00:30Z', // just after it
  '2026-12-07T00:01:00Z',
  '2026-12-07T05:59:59Z', // before the simulated collection hour
  '2026-12-07T06:00:30Z',
  '2028-02-29T00:00:10Z', // a leap day
  '2026-12-31T23:59:59.999Z',
];

describe('the demo schedule', () => {
  it.each(AWKWARD)('at %s: one collection on each of the last days, the last today, none after now', (now) => {
    const at = new Date(now);
    const days = simulatedDays(5, at);
    const utcDay = (d: Date) => d.toISOString().slice(0, 10);
    const expected = [4, 3, 2, 1, 0].map((back) => new Date(Date.parse(`${utcDay(at)}T00:00:00Z`) - back * 86_400_000).toISOString().slice(0, 10));
    expect(days.map(utcDay)).toEqual(expected);
    for (const day of days) expect(day.getTime()).toBeLessThanOrEqual(at.getTime());
  });
});

describe('the digest of the last complete week', () => {
  it.each([
    ['2026-12-06T23:59:30Z', 'UTC', '2026-W48'], // Sunday: the week in progress is not complete
    ['2026-12-07T00:00:30Z', 'UTC', '2026-W49'], // Monday: the week just ended
    ['2026-12-07T00:00:30Z', 'America/Los_Angeles', '2026-W48'], // still Sunday there
    ['2026-11-02T00:00:30Z', 'America/Los_Angeles', '2026-W43'], // Sunday 1 November, 25 hours long there
    ['2026-03-30T00:30:00Z', 'Europe/Berlin', '2026-W13'], // Monday after the spring change
    ['2027-01-04T00:00:30Z', 'UTC', '2026-W53'], // a 53-week year
  ])('at %s in %s: %s', (now, timeZone, week) => {
    expect(digestPeriod({}, timeZone, new Date(now)).label).toBe(week);
  });
});

describe('demo --now', () => {
  it('just after Monday midnight UTC keeps one snapshot per collector per day, and dates its digest at now', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'evidence-agent-demo-clock-')), 'demo.db');
    // The machine's clock faked to before the demo's: its summary must not depend on the machine's.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.parse('2026-11-02T00:00:30Z'), shouldAdvanceTime: true });
    const result = await cliInProcess(['demo', '--days', '2', '--now', '2026-12-07T00:00:30Z', '--db', db]).finally(() => vi.useRealTimers());
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    // Judged as of the demo's clock: ahead of the machine's, "now" hid every simulated snapshot (all zeros).
    expect(result.stdout).toContain('Checks on the latest snapshots (2026-12-07)');
    expect(result.stdout).toMatch(/aws_iam_user_console_mfa_enabled\s+high\s+\d+\s+[1-9]/);
    expect(result.stdout).toMatch(/soc2: [1-9]\d* of 61 evidenced by automated checks/);
    // The week that ended at midnight: its Sunday is the demo's first day.
    expect(result.stdout).toMatch(/^# Evidence digest 2026-W49 \(2026-11-30 to 2026-12-06, UTC\)$/m);
    const store = openStore(db, { readonly: true });
    try {
      const runs = await store.listRuns();
      const days = (collector: string) => runs.filter((r) => r.collector === collector).map((r) => r.startedAt.slice(0, 10));
      for (const collector of ['aws-iam', 'aws-cloudtrail', 'github']) expect(days(collector)).toEqual(['2026-12-06', '2026-12-07']);
      expect(runs.filter((r) => r.collector === 'digest').map((r) => r.startedAt)).toEqual(['2026-12-07T00:00:30.000Z']);
    } finally {
      await store.close();
    }
  }, 60_000);

  it('refuses a time that is not one, before touching the store', async () => {
    const result = await cliInProcess(['demo', '--now', 'next tuesday', '--db', join(tmpdir(), 'never-written.db')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('evidence-agent: --now: expected a date (YYYY-MM-DD) or an ISO 8601 timestamp, got "next tuesday"\n');
  });
});
