// Coverage of a period over a store built day by day with a fake clock and a fake collector: a collector
// that failed on two days is a 2-day gap with its error; a check failing for 5 days with an exception for
// 3 of them gives 3 excepted and 2 failing days; an event-window hole is a gap for the event check only;
// a control without checks is listed as manual; a weekly collector's snapshot covers its week.
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { CheckDefinition, CollectResult, Collector, EventWindow } from '../src/collector.js';
import type { AcceptedException } from '../src/exceptions/schema.js';
import type { Framework } from '../src/mapping/load.js';
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
        events: [{ type: 'test.signin', eventId: `signin-${n}`, occurredAt: new Date(ctx.now().getTime() - 3_600_000).toISOString(), partition: 'signins', schemaVersion: 1, data: {} }],
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
  return { id: 'test', title: 'Test', version: '1', file: 'test.yaml', controls, mappings: [], controlsByCheck: new Map(), checksByControl } as unknown as Framework;
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
    after.checksByControl = new Map([['AC-1', []], ['AC-2', ['test_hr_signin_event_reviewed']], ['AC-3', ['test_hr_user_mfa_enabled']], ['GOV-1', []]]);
    for (let n = 0; n < 11; n++) {
      await runOnDay(store, collector, n, { mappingVersion: n < 5 ? '1' : '2', mappings: [n < 5 ? before : after] });
    }
    const options = { from: '2026-01-01', to: '2026-01-10', timeZone: 'UTC', collectors: [collector], cadenceDays: () => 1 };
    const current = await buildCoverage(store, after, options);
    expect(current.controls.map((c) => [c.id, c.counts.evidenced])).toEqual([['AC-2', 10], ['AC-3', 10]]);
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
