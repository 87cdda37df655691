// Populations over a period: coverage of the period by stored event windows (gaps named with their
// reason), rows derived by a collector's population definition from a real store, and CSV that a
// spreadsheet opens safely.
import { describe, expect, it } from 'vitest';
import type { EventItem, EventWindow, PopulationDefinition } from '../src/collector.js';
import { toCsv } from '../src/reports/csv.js';
import { AFTER_LATEST_READ, BEFORE_FIRST_READ, NOT_READ, eventCoverage } from '../src/reports/event-coverage.js';
import { buildPopulation } from '../src/reports/population.js';
import { encodeEvent } from '../src/store/blob-codec.js';
import { openStore } from '../src/store/index.js';
import { okOutcome, runStart, tempDbPath } from './helpers/store-fixtures.js';

const t = (iso: string) => new Date(iso);
const win = (partition: string, from: string, to: string, complete = true, error?: string): EventWindow => ({
  partition,
  from: `${from}Z`,
  to: `${to}Z`,
  complete,
  ...(error ? { error } : {}),
});

describe('event coverage of a period', () => {
  const from = t('2026-01-01T00:00:00Z');
  const to = t('2026-01-05T00:00:00Z');

  it('is whole when joined complete windows span the period, overlaps and overhangs included', () => {
    const coverage = eventCoverage(
      [
        win('r', '2025-12-20T00:00:00', '2026-01-02T00:00:00'),
        win('r', '2026-01-01T12:00:00', '2026-01-03T00:00:00'),
        win('r', '2026-01-03T00:00:00', '2026-01-09T00:00:00'),
      ],
      from,
      to,
    );
    expect(coverage).toEqual([{ partition: 'r', coveredMs: 4 * 86_400_000, gaps: [] }]);
  });

  it('names each gap: before the first read, a failed read, a span between reads, after the latest read', () => {
    const coverage = eventCoverage(
      [
        win('r', '2026-01-01T06:00:00', '2026-01-02T00:00:00'),
        win('r', '2026-01-02T00:00:00', '2026-01-02T12:00:00', false, 'LookupEvents EventName=ConsoleLogin in r: AccessDenied'),
        win('r', '2026-01-02T12:00:00', '2026-01-03T00:00:00'),
        win('r', '2026-01-03T06:00:00', '2026-01-04T00:00:00'),
        win('q', '2026-01-01T00:00:00', '2026-01-05T00:00:00'),
      ],
      from,
      to,
    );
    expect(coverage.map((c) => c.partition)).toEqual(['q', 'r']);
    expect(coverage[0]!.gaps).toEqual([]);
    expect(coverage[1]!.gaps).toEqual([
      { from: '2026-01-01T00:00:00.000Z', to: '2026-01-01T06:00:00.000Z', reason: BEFORE_FIRST_READ },
      { from: '2026-01-02T00:00:00.000Z', to: '2026-01-02T12:00:00.000Z', reason: 'LookupEvents EventName=ConsoleLogin in r: AccessDenied' },
      { from: '2026-01-03T00:00:00.000Z', to: '2026-01-03T06:00:00.000Z', reason: NOT_READ },
      { from: '2026-01-04T00:00:00.000Z', to: '2026-01-05T00:00:00.000Z', reason: AFTER_LATEST_READ },
    ]);
    expect(coverage[1]!.coveredMs).toBe((18 + 12 + 18) * 3_600_000);
  });

  it('has no partitions without windows', () => {
    expect(eventCoverage([], from, to)).toEqual([]);
  });
});

describe('CSV', () => {
  it('quotes as RFC 4180 and defuses cells a spreadsheet would run as formulas', () => {
    const csv = toCsv(
      ['a', 'b'],
      [
        { a: 'plain', b: 'with, comma and "quotes"' },
        { a: '=HYPERLINK("http://x")', b: '@SUM(1)' },
        { a: '-1+2', b: '' },
      ],
    );
    expect(csv).toBe('a,b\r\nplain,"with, comma and ""quotes"""\r\n"\'=HYPERLINK(""http://x"")",\'@SUM(1)\r\n\'-1+2,\r\n');
  });
});

describe('a population built from the store', () => {
  const definition: PopulationDefinition = {
    id: 'test-changes',
    title: 'Test changes',
    description: 'Events named Change*.',
    eventTypes: ['test.event'],
    method: 'Stored test events.',
    columns: [
      { name: 'when', description: 'time' },
      { name: 'what', description: 'name' },
    ],
    rowOf: (event) => {
      const name = String((event.data as { name: string }).name);
      return name.startsWith('Change') ? { when: event.occurredAt, what: name } : undefined;
    },
  };
  const event = (id: string, at: string, name: string, type = 'test.event'): EventItem => ({
    type,
    eventId: id,
    occurredAt: `${at}Z`,
    partition: 'p1',
    schemaVersion: 1,
    data: { name },
  });

  it('keeps the members of each stream in the period, in time order, with the coverage of each', async () => {
    const store = openStore(tempDbPath());
    try {
      const record = async (scope: string, at: string, events: EventItem[], windows: EventWindow[]) => {
        const intent = await store.startRun(runStart(t(`${at}Z`), { collector: 'test-events', scope }));
        await store.finishRun(intent, okOutcome(t(`${at}Z`), [], [], { events, windows }));
      };
      await record(
        'acct-a',
        '2026-01-02T00:00:00',
        [
          event('a1', '2026-01-01T05:00:00', 'ChangeOne'),
          event('a2', '2026-01-01T06:00:00', 'ReadOne'),
          event('a3', '2025-12-31T23:00:00', 'ChangeBefore'),
          event('a4', '2026-01-01T07:00:00', 'ChangeOther', 'other.event'),
        ],
        [win('p1', '2025-12-31T00:00:00', '2026-01-02T00:00:00')],
      );
      await record(
        'acct-a',
        '2026-01-03T00:00:00',
        [event('a5', '2026-01-02T08:00:00', 'ChangeTwo')],
        [win('p1', '2026-01-02T00:00:00', '2026-01-03T00:00:00')],
      );
      await record(
        'acct-b',
        '2026-01-03T00:00:00',
        [event('b1', '2026-01-02T09:00:00', 'ChangeThree')],
        [win('p1', '2026-01-02T00:00:00', '2026-01-03T00:00:00')],
      );

      const report = await buildPopulation(store, 'test-events', definition, t('2026-01-01T00:00:00Z'), t('2026-01-03T00:00:00Z'));

      expect(report.columns).toEqual(['scope', 'when', 'what', 'sourceSha256']);
      // Each row names the SHA-256 of the event it came from, as the store addresses it.
      const source = (id: string, at: string, name: string) => encodeEvent(event(id, at, name)).hash;
      expect(report.rows).toEqual([
        { scope: 'acct-a', when: '2026-01-01T05:00:00Z', what: 'ChangeOne', sourceSha256: source('a1', '2026-01-01T05:00:00', 'ChangeOne') },
        { scope: 'acct-a', when: '2026-01-02T08:00:00Z', what: 'ChangeTwo', sourceSha256: source('a5', '2026-01-02T08:00:00', 'ChangeTwo') },
        { scope: 'acct-b', when: '2026-01-02T09:00:00Z', what: 'ChangeThree', sourceSha256: source('b1', '2026-01-02T09:00:00', 'ChangeThree') },
      ]);
      expect(report.streams.map((s) => [s.scope, s.events, s.rows, s.coverage[0]?.gaps.length])).toEqual([
        ['acct-a', 3, 2, 0],
        ['acct-b', 1, 1, 1],
      ]);
      expect(report.warnings).toEqual([
        'test-events acct-b p1: events from 2026-01-01T00:00:00.000Z to 2026-01-02T00:00:00.000Z are missing (before the first read)',
      ]);
      const onlyB = await buildPopulation(store, 'test-events', definition, t('2026-01-01T00:00:00Z'), t('2026-01-03T00:00:00Z'), 'acct-b');
      expect(onlyB.rows.map((r) => r['scope'])).toEqual(['acct-b']);
      const none = await buildPopulation(store, 'other-collector', definition, t('2026-01-01T00:00:00Z'), t('2026-01-03T00:00:00Z'));
      expect(none.warnings).toEqual(['other-collector has no runs in this store']);
    } finally {
      await store.close();
    }
  });
});
