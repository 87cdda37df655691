// Coverage of a period over a store built day by day with a fake clock and a fake collector: a collector
// that failed on two days is a 2-day gap with its error; a check failing for 5 days with an exception for
// 3 of them gives 3 excepted and 2 failing days; an event-window hole is a gap for the event check only;
// a control without checks is listed as manual; a weekly collector's snapshot covers its week.
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { CheckDefinition, CollectResult, Collector, EventWindow } from '../src/collector.js';
import type { AcceptedException } from '../src/exceptions/schema.js';
import type { Framework } from '../src/mapping/load.js';
import { parse } from 'csv-parse/sync';
import { htmlReport } from '../src/bundle/html-report.js';
import { coverageCsv } from '../src/reports/coverage-csv.js';
import { buildCoverage } from '../src/reports/coverage.js';
import { dayOf, startOfDay } from '../src/reports/days.js';
import { openStore } from '../src/store/index.js';
import type { EvidenceStore } from '../src/store/types.js';
import { historyDay as day, mfaCheck, runOnDay } from './helpers/period-history.js';
import { tempDbPath } from './helpers/store-fixtures.js';

type Options = { timeoutSeconds: number };
const DAY = 86_400_000;

/** How the fake collector behaves on day n. */
interface Script {
  fails?: (n: number) => boolean;
  alicePasses?: (n: number) => boolean;
  /** The event window of the day is incomplete (a hole). */
  hole?: (n: number) => boolean;
}

const mfa = mfaCheck();

const signInCheck: CheckDefinition<Options> = {
  id: 'test_hr_signin_event_reviewed',
  title: 'Sign-ins',
  severity: 'medium',
  description: 'Each sign-in is fine.',
  remediation: 'Review.',
  resourceTypes: ['test.signin'],
  judgesEvents: true,
  evaluate: (view) => view.events('test.signin').map((e) => ({ resourceType: 'test.signin', resourceId: e.eventId, status: 'pass', message: 'ok' })),
};

function fakeCollector(script: Script, schedule = '0 6 * * *'): Collector<Options> {
  return {
    id: 'test-hr',
    title: 'Test HR',
    optionsSchema: z.object({ timeoutSeconds: z.number() }),
    permissions: ['hr:Read'],
    checks: [mfa, signInCheck],
    defaultSchedule: schedule,
    scopes: () => [{ key: 'org-1', settings: {} }],
    collect: async (ctx): Promise<CollectResult> => {
      const n = Math.round((ctx.now().getTime() - day(0).getTime()) / DAY);
      if (script.fails?.(n)) throw new Error(`HR API unreachable on day ${n}`);
      const to = ctx.now().toISOString();
      const from = new Date(ctx.now().getTime() - DAY).toISOString();
      const window: EventWindow = { partition: 'signins', from: ctx.watermarks['signins'] ?? from, to, complete: !script.hole?.(n) };
      if (!window.complete) window.error = 'sign-in log API returned 503';
      return {
        evidence: [
          { type: 'test.user', resourceId: 'alice', schemaVersion: 1, data: { mfa: script.alicePasses?.(n) ?? true } },
          { type: 'test.user', resourceId: 'bob', schemaVersion: 1, data: { mfa: true } },
        ],
        errors: [],
        events: [
          {
            type: 'test.signin',
            eventId: `signin-${n}`,
            occurredAt: new Date(ctx.now().getTime() - 3_600_000).toISOString(),
            partition: 'signins',
            schemaVersion: 1,
            data: {},
          },
        ],
        windows: [window],
      };
    },
  };
}

function framework(): Framework {
  const controls = [
    { id: 'AC-1', title: 'MFA everywhere', group: 'Access' },
    { id: 'AC-2', title: 'Sign-ins reviewed', group: 'Access' },
    { id: 'GOV-1', title: 'Board oversight', group: 'Governance' },
  ];
  const checksByControl = new Map([
    ['AC-1', ['test_hr_user_mfa_enabled']],
    ['AC-2', ['test_hr_signin_event_reviewed']],
    ['GOV-1', []],
  ]);
  return {
    id: 'test',
    title: 'Test',
    version: '1',
    file: 'test.yaml',
    controls,
    mappings: [],
    controlsByCheck: new Map(),
    checksByControl,
  } as unknown as Framework;
}

const EXCEPTION: AcceptedException = {
  id: 'RISK-7',
  check: 'test_hr_user_mfa_enabled',
  resource: 'ali*',
  reason: 'Alice is on leave; her account is disabled at the IdP.',
  approver: 'ciso@example.com',
  approved: '2026-01-03',
  expires: '2026-01-05',
};

let store: EvidenceStore;
afterEach(async () => store?.close());

async function history(days: number, script: Script, schedule?: string, exceptions: AcceptedException[] = []) {
  store = openStore(tempDbPath());
  const collector = fakeCollector(script, schedule);
  for (let n = 0; n < days; n++) {
    if (script.fails?.(n) === undefined && schedule === '0 6 * * 1' && day(n).getUTCDay() !== 1) continue;
    await runOnDay(store, collector, n, { exceptions: { source: 'exceptions.yaml', exceptions } });
  }
  return collector;
}

const coverage = (collector: Collector<Options>, from = '2026-01-01', to = '2026-01-10', cadence = 1) =>
  buildCoverage(store, framework(), { from, to, timeZone: 'UTC', collectors: [collector], cadenceDays: () => cadence });

describe('coverage of a period', () => {
  it('shows a collector that failed on two days as a 2-day gap with its error', async () => {
    const collector = await history(10, { fails: (n) => n === 3 || n === 4 });
    const report = await coverage(collector);
    const ac1 = report.controls.find((c) => c.id === 'AC-1')!;
    expect(ac1.counts).toEqual({ evidenced: 8, failing: 0, excepted: 0, not_evidenced: 2 });
    expect(ac1.gaps).toEqual([
      {
        from: '2026-01-04',
        to: '2026-01-05',
        details: ['test-hr org-1: run failed: HR API unreachable on day 3', 'test-hr org-1: run failed: HR API unreachable on day 4'],
      },
    ]);
  });

  it('counts 3 excepted and 2 failing days for a check failing 5 days with an exception covering 3', async () => {
    const collector = await history(10, { alicePasses: (n) => n < 2 || n > 6 }, undefined, [EXCEPTION]);
    const ac1 = (await coverage(collector)).controls.find((c) => c.id === 'AC-1')!;
    expect(ac1.counts).toEqual({ evidenced: 5, failing: 2, excepted: 3, not_evidenced: 0 });
    expect(ac1.days.filter((d) => d.state !== 'evidenced').map((d) => [d.day, d.state, [...d.failing, ...d.excepted]])).toEqual([
      ['2026-01-03', 'excepted', ['test_hr_user_mfa_enabled alice (RISK-7)']],
      ['2026-01-04', 'excepted', ['test_hr_user_mfa_enabled alice (RISK-7)']],
      ['2026-01-05', 'excepted', ['test_hr_user_mfa_enabled alice (RISK-7)']],
      ['2026-01-06', 'failing', ['test_hr_user_mfa_enabled alice']],
      ['2026-01-07', 'failing', ['test_hr_user_mfa_enabled alice']],
    ]);
    expect(ac1.failing).toEqual([{ from: '2026-01-06', to: '2026-01-07', details: ['test_hr_user_mfa_enabled alice'] }]);
  });

  it('makes an event-window hole a gap of the event check only, and lists a control without checks as manual', async () => {
    // Day 10's run reads up to 2026-01-11 06:00, so the period's last day is read in full.
    const collector = await history(11, { hole: (n) => n === 6 });
    const report = await coverage(collector);
    const ac2 = report.controls.find((c) => c.id === 'AC-2')!;
    // The hole of day 6's run spans from day 5's end of window to day 6; the next run starts again from the
    // last complete watermark, which fills it: no day stays uncovered.
    expect(report.controls.find((c) => c.id === 'AC-1')!.counts.not_evidenced).toBe(0);
    expect(ac2.counts.not_evidenced).toBe(0);
    expect(report.manual).toEqual([{ id: 'GOV-1', title: 'Board oversight', group: 'Governance' }]);
  });

  it('keeps a gap for a hole that was never refilled', async () => {
    // Holes from day 8 on: every later run fails to read, so the span from day 7's window end stays open.
    const collector = await history(11, { hole: (n) => n >= 8 });
    const ac2 = (await coverage(collector)).controls.find((c) => c.id === 'AC-2')!;
    expect(ac2.gaps.map((g) => [g.from, g.to])).toEqual([['2026-01-08', '2026-01-10']]);
    expect(ac2.gaps[0]!.details.some((d) => d.includes('sign-in log API returned 503'))).toBe(true);
  });

  it('lets a weekly snapshot cover its week, and a missed week is a gap', async () => {
    store = openStore(tempDbPath());
    const collector = fakeCollector({}, '0 6 * * 1');
    // Mondays 2026-01-05 and 2026-01-19 (2026-01-12 missed).
    for (const n of [4, 18]) {
      await runOnDay(store, collector, n);
    }
    const ac1 = (await coverage(collector, '2026-01-05', '2026-01-25', 7)).controls.find((c) => c.id === 'AC-1')!;
    expect(ac1.gaps).toEqual([{ from: '2026-01-12', to: '2026-01-18', details: ['test-hr org-1: no run'] }]);
    expect(ac1.counts.evidenced).toBe(14);
  });
});

describe('coverage as collected', () => {
  it('judges each snapshot by the mappings stored with it, or by the current ones', async () => {
    store = openStore(tempDbPath());
    const collector = fakeCollector({});
    const before = framework();
    const after = { ...framework(), version: '2', controls: [...framework().controls, { id: 'AC-3', title: 'MFA, renumbered', group: 'Access' }] } as Framework;
    after.checksByControl = new Map([
      ['AC-1', []],
      ['AC-2', ['test_hr_signin_event_reviewed']],
      ['AC-3', ['test_hr_user_mfa_enabled']],
      ['GOV-1', []],
    ]);
    for (let n = 0; n < 11; n++) {
      await runOnDay(store, collector, n, { mappingVersion: n < 5 ? '1' : '2', mappings: [n < 5 ? before : after] });
    }
    const options = { from: '2026-01-01', to: '2026-01-10', timeZone: 'UTC', collectors: [collector], cadenceDays: () => 1 };
    const current = await buildCoverage(store, after, options);
    expect(current.controls.map((c) => [c.id, c.counts.evidenced])).toEqual([
      ['AC-2', 10],
      ['AC-3', 10],
    ]);
    expect(current.manual.map((m) => m.id)).toEqual(['AC-1', 'GOV-1']);

    const collected = await buildCoverage(store, after, { ...options, asCollected: true });
    const ac1 = collected.controls.find((c) => c.id === 'AC-1')!;
    const ac3 = collected.controls.find((c) => c.id === 'AC-3')!;
    expect(ac1.days.map((d) => d.state)).toEqual([...Array(5).fill('evidenced'), ...Array(5).fill('not_evidenced')]);
    expect(ac1.gaps[0]!.details).toEqual(['no check was mapped to this control when the evidence was collected']);
    expect(ac3.days.map((d) => d.state)).toEqual([...Array(5).fill('not_evidenced'), ...Array(5).fill('evidenced')]);
    expect(collected.manual.map((m) => m.id)).toEqual(['GOV-1']);
  });
});

describe('days in a time zone', () => {
  it('starts a day at local midnight, across a DST change', () => {
    expect(startOfDay('2026-03-29', 'Europe/Berlin').toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(startOfDay('2026-03-30', 'Europe/Berlin').toISOString()).toBe('2026-03-29T22:00:00.000Z');
    expect(startOfDay('2026-01-10', 'UTC').toISOString()).toBe('2026-01-10T00:00:00.000Z');
    expect(dayOf(new Date('2026-03-29T22:30:00Z'), 'Europe/Berlin')).toBe('2026-03-30');
    expect(dayOf(new Date('2026-01-10T23:30:00Z'), 'America/New_York')).toBe('2026-01-10');
  });
});

describe('coverage of events by the day they occurred', () => {
  const knownPlace: CheckDefinition<Options> = {
    id: 'test_hr_signin_known_place',
    title: 'Sign-ins from known places',
    severity: 'high',
    description: 'Each sign-in comes from a known place.',
    remediation: 'Review the sign-in.',
    resourceTypes: ['test.signin'],
    judgesEvents: true,
    evaluate: (view) =>
      view.events('test.signin').map((e) => {
        const from = (e.data as { from: string }).from;
        return { resourceType: 'test.signin', resourceId: e.eventId, status: from === 'unknown' ? 'fail' : 'pass', message: `${e.eventId} from ${from}` };
      }),
  };
  /** Sign-ins, each with the run (day n, 06:00 UTC) that first reads it. */
  const signIns: { id: string; at: string; from: string; readOn: number }[] = [
    // 40 days before the period: read by the first run's backfill on the period's first day.
    { id: 'old', at: '2025-11-22T10:00:00.000Z', from: 'unknown', readOn: 0 },
    // Late on 2026-01-04: read by the run of the morning after.
    { id: 'late', at: '2026-01-04T22:00:00.000Z', from: 'unknown', readOn: 4 },
    // On the period's last day: read by a run after the period.
    { id: 'lastday', at: '2026-01-10T23:00:00.000Z', from: 'unknown', readOn: 10 },
  ];

  function eventCollector(script: { hole?: (n: number) => boolean; alicePasses?: (n: number) => boolean } = {}): Collector<Options> {
    return {
      id: 'test-hr',
      title: 'Test HR',
      optionsSchema: z.object({ timeoutSeconds: z.number() }),
      permissions: ['hr:Read'],
      checks: [mfa, knownPlace],
      defaultSchedule: '0 6 * * *',
      scopes: () => [{ key: 'org-1', settings: {} }],
      collect: async (ctx): Promise<CollectResult> => {
        const n = Math.round((ctx.now().getTime() - day(0).getTime()) / DAY);
        const window: EventWindow = {
          partition: 'signins',
          from: ctx.watermarks['signins'] ?? '2025-11-01T00:00:00.000Z',
          to: ctx.now().toISOString(),
          complete: !script.hole?.(n),
        };
        if (!window.complete) window.error = 'sign-in log API returned 503';
        return {
          evidence: [
            { type: 'test.user', resourceId: 'alice', schemaVersion: 1, data: { mfa: script.alicePasses?.(n) ?? true } },
            { type: 'test.user', resourceId: 'bob', schemaVersion: 1, data: { mfa: true } },
          ],
          errors: [],
          events: [
            {
              type: 'test.signin',
              eventId: `office-${n}`,
              occurredAt: new Date(ctx.now().getTime() - 3_600_000).toISOString(),
              partition: 'signins',
              schemaVersion: 1,
              data: { from: 'office' },
            },
            ...signIns
              .filter((s) => s.readOn === n)
              .map((s) => ({ type: 'test.signin', eventId: s.id, occurredAt: s.at, partition: 'signins', schemaVersion: 1, data: { from: s.from } })),
          ],
          windows: [window],
        };
      },
    };
  }

  function eventFramework(): Framework {
    const f = framework();
    f.controls = [...f.controls, { id: 'AC-3', title: 'Access, every check', group: 'Access' }] as Framework['controls'];
    f.checksByControl = new Map([
      ['AC-1', ['test_hr_user_mfa_enabled']],
      ['AC-2', ['test_hr_signin_known_place']],
      ['AC-3', ['test_hr_user_mfa_enabled', 'test_hr_signin_known_place']],
      ['GOV-1', []],
    ]);
    f.controlsByCheck = new Map([
      ['test_hr_user_mfa_enabled', ['AC-1', 'AC-3']],
      ['test_hr_signin_known_place', ['AC-2', 'AC-3']],
    ]);
    return f;
  }

  async function eventHistory(collector: Collector<Options>) {
    store = openStore(tempDbPath());
    // Days 0 to 10: the run of day 10 (2026-01-11 06:00) reads the period's last hours.
    for (let n = 0; n <= 10; n++) await runOnDay(store, collector, n);
    return buildCoverage(store, eventFramework(), { from: '2026-01-01', to: '2026-01-10', timeZone: 'UTC', collectors: [collector], cadenceDays: () => 1 });
  }

  it('counts an event 40 days before the period as no deviation in it, and an event on its own day only, never on the collection day', async () => {
    const report = await eventHistory(eventCollector());
    const ac2 = report.controls.find((c) => c.id === 'AC-2')!;
    expect(ac2.days.filter((d) => d.state !== 'evidenced').map((d) => [d.day, d.state, d.failing])).toEqual([
      ['2026-01-04', 'failing', ['test_hr_signin_known_place late']],
      ['2026-01-10', 'failing', ['test_hr_signin_known_place lastday']],
    ]);
    // The days the two were collected on, and the first day (whose run read the old one), pass.
    for (const collected of ['2026-01-01', '2026-01-05']) expect(ac2.days.find((d) => d.day === collected)!.state).toBe('evidenced');
    expect(ac2.failing).toEqual([
      { from: '2026-01-04', to: '2026-01-04', details: ['test_hr_signin_known_place late'] },
      { from: '2026-01-10', to: '2026-01-10', details: ['test_hr_signin_known_place lastday'] },
    ]);
    expect(report.eventFailures.map((e) => [e.day, e.resourceId, e.occurredAt, e.controls])).toEqual([
      ['2026-01-04', 'late', '2026-01-04T22:00:00.000Z', ['AC-2', 'AC-3']],
      ['2026-01-10', 'lastday', '2026-01-10T23:00:00.000Z', ['AC-2', 'AC-3']],
    ]);
    // The old one is only a note: read in the period, from before it.
    expect(report.beforePeriod.map((e) => [e.day, e.resourceId])).toEqual([['2025-11-22', 'old']]);
  });

  it('shows a day with a failure and an event-window hole as both, and the HTML gap count is the CSV gap rows', async () => {
    // From day 8 on every read of the sign-in log fails (a hole never refilled); alice lacks MFA on day 8 only.
    const report = await eventHistory(eventCollector({ hole: (n) => n >= 8, alicePasses: (n) => n !== 8 }));
    const ac3 = report.controls.find((c) => c.id === 'AC-3')!;
    const both = ac3.days.find((d) => d.day === '2026-01-09')!;
    // alice and bob judged by the MFA check, and the sign-in of that day (read though its window was cut short).
    expect(both).toMatchObject({ state: 'failing', gap: true, failing: ['test_hr_user_mfa_enabled alice'], failed: 1, judged: 3, severity: 'high' });
    expect(both.causes).toEqual([
      expect.stringMatching(/^test-hr org-1: events of signins missing from 2026-01-08T06:00:00.000Z .*sign-in log API returned 503/),
    ]);
    expect(ac3.gaps.map((g) => [g.from, g.to])).toEqual([['2026-01-08', '2026-01-10']]);
    expect(ac3.gapDays).toBe(3);

    const rows = parse(coverageCsv([report]), { columns: true }) as Record<string, string>[];
    const row = rows.find((r) => r['control'] === 'AC-3' && r['day'] === '2026-01-09')!;
    expect(row).toMatchObject({ state: 'failing', gap: 'true', failing: 'test_hr_user_mfa_enabled alice' });
    expect(row['causes']).toContain('sign-in log API returned 503');
    const gapRows = rows.filter((r) => r['gap'] === 'true');
    // AC-2 and AC-3 (the event check), 2026-01-08 to 2026-01-10.
    expect(gapRows.map((r) => `${r['control']} ${r['day']}`)).toEqual([
      'AC-2 2026-01-08',
      'AC-2 2026-01-09',
      'AC-2 2026-01-10',
      'AC-3 2026-01-08',
      'AC-3 2026-01-09',
      'AC-3 2026-01-10',
    ]);
    const html = htmlReport({
      title: 'test',
      period: { from: report.from, to: report.to, timeZone: 'UTC' },
      fingerprint: 'SHA256:00',
      coverage: [report],
      files: [],
    });
    expect(Number(/Gaps \((\d+) control-days?\)/.exec(html)?.[1])).toBe(gapRows.length);
    expect(html).toContain('<b>AC-3</b> 2026-01-08..2026-01-10');
    // The cell: 1 of 3 judged failing, coloured by the worst severity, hatched for the gap, with a legend.
    const cell = new RegExp('<tr data-control="AC-3">.*?(<td class="cell" data-state="failing" data-day="2026-01-09"[^>]*>[^<]*</td>)').exec(html)?.[1];
    expect(cell).toMatch(
      /data-gap="true" data-failed="1" data-judged="3" data-severity="high" style="background-color:#b71c1c;background-image:repeating-linear-gradient/,
    );
    expect(cell).toMatch(/title="AC-3 2026-01-09: failing, and a gap; 1 of 3 judged failing, worst severity high — /);
    expect(cell).toMatch(/>1\/3<\/td>$/);
    expect(html).toContain('failing, worst severity high</span>');
    expect(html).toContain('failing (or excepted) and a gap the same day</span>');
    expect(html).not.toContain('None: every day of every automated control was evidenced');
  });
});
