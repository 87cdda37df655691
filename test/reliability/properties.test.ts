// Property-based tests (fast-check): canonical JSON hashing (the basis of content addressing and the
// chain) and the calendar days coverage counts in, across time zones and DST changes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, digestOf } from '../../src/canonical.js';
import { dayOf, nextDay, startOfDay } from '../../src/reports/days.js';

const SEED = Number(process.env.PROPERTY_SEED ?? 20261126);
const runs = (numRuns: number) => ({ seed: SEED, numRuns: process.env.SOAK === '1' ? numRuns * 10 : numRuns });

/** The same value with every object's keys in reverse order. */
function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([k, v]) => [k, reversedKeys(v)]),
    );
  }
  return value;
}

/** -0 is written as 0 (RFC 8785 follows ECMAScript's Number to string). */
const withoutNegativeZero = (value: unknown): unknown => JSON.parse(JSON.stringify(value, (_, v: unknown) => (Object.is(v, -0) ? 0 : v)));

/** Any JSON value, strings over all of Unicode (lone surrogates included). */
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    fc.string({ unit: 'binary' }),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.string({ unit: 'binary', maxLength: 8 }), tie('value'), { maxKeys: 5 }),
  ),
})).value;

describe('canonical JSON (RFC 8785) and its digest', () => {
  it('does not depend on key order', () => {
    fc.assert(
      fc.property(json, (value) => {
        expect(canonicalJson(reversedKeys(value))).toBe(canonicalJson(value));
        expect(digestOf(reversedKeys(value))).toBe(digestOf(value));
      }),
      runs(300),
    );
  });

  it('reads back as the same value (-0 as 0), unicode included', () => {
    fc.assert(
      fc.property(json, (value) => {
        expect(JSON.parse(canonicalJson(value))).toEqual(withoutNegativeZero(value));
      }),
      runs(300),
    );
  });

  it('sorts keys by UTF-16 code units, whatever the script', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ unit: 'binary', minLength: 1, maxLength: 4 }), { maxLength: 8 }), (keys) => {
        const object = Object.fromEntries(keys.map((k, i) => [k, i]));
        // JavaScript's string order is by UTF-16 code units, as RFC 8785 asks.
        const byCodeUnits = [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        // Parsing would reorder integer-like keys, so read the order from the text itself.
        const text = canonicalJson(object);
        const positions = byCodeUnits.map((k) => text.indexOf(`${JSON.stringify(k)}:`));
        expect(positions).toEqual([...positions].sort((a, b) => a - b));
      }),
      runs(300),
    );
  });

  it('writes every finite number as ECMAScript does, and it reads back to the same double', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
        const text = canonicalJson(n);
        expect(text).toBe(Object.is(n, -0) ? '0' : String(n));
        expect(Number(text)).toBe(Object.is(n, -0) ? 0 : n);
      }),
      runs(1000),
    );
    expect(canonicalJson([-0, 1e21, 1e-7, 0.1 + 0.2, 2 ** 53, 2 ** 53 + 2])).toBe('[0,1e+21,1e-7,0.30000000000000004,9007199254740992,9007199254740994]');
  });

  it('hashes integers beyond 2^53 as the double they become, and refuses what JSON cannot hold', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 2n ** 53n, max: 2n ** 80n }), (big) => {
        // Beyond 2^53 a number is the nearest double, written as ECMAScript writes it and read back the same.
        const nearest = Number(big);
        const text = canonicalJson(nearest);
        expect(text).toBe(String(nearest));
        expect(Number(text)).toBe(nearest);
        // A BigInt is refused rather than silently rounded.
        expect(() => canonicalJson({ n: big })).toThrow(/BigInt/);
      }),
      runs(200),
    );
    // Two integers that round to the same double hash alike: ids that large must travel as strings.
    expect(digestOf({ n: 2 ** 53 + 1 })).toBe(digestOf({ n: 2 ** 53 }));
    expect(digestOf({ n: String(2n ** 53n + 1n) })).not.toBe(digestOf({ n: String(2n ** 53n) }));
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) expect(() => canonicalJson({ n: bad })).toThrow();
    expect(() => canonicalJson(undefined)).toThrow(/cannot be represented as JSON/);
  });
});

// Zones with DST at 02:00, at midnight (days starting at 01:00), half-hour DST, odd offsets, and none.
const ZONES = [
  'UTC',
  'Europe/Berlin',
  'America/New_York',
  'America/Sao_Paulo',
  'America/Havana',
  'America/Santiago',
  'Asia/Beirut',
  'Australia/Lord_Howe',
  'Asia/Kathmandu',
  'Pacific/Chatham',
  'Asia/Tehran',
  'Pacific/Kiritimati',
] as const;
const HOUR = 3_600_000;
const instant = fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2037-12-31T00:00:00Z'), noInvalidDate: true });

describe('calendar days across time zones and DST', () => {
  it('puts every instant in exactly one day: its start is at or before it, the next day starts after it', () => {
    fc.assert(
      fc.property(instant, fc.constantFrom(...ZONES), (at, zone) => {
        const day = dayOf(at, zone);
        const start = startOfDay(day, zone);
        const end = startOfDay(nextDay(day), zone);
        expect(start.getTime()).toBeLessThanOrEqual(at.getTime());
        expect(end.getTime()).toBeGreaterThan(at.getTime());
      }),
      runs(1000),
    );
  });

  it('makes days contiguous, each starting in itself, 23 to 25 hours long', () => {
    fc.assert(
      fc.property(instant, fc.constantFrom(...ZONES), (at, zone) => {
        const day = dayOf(at, zone);
        const start = startOfDay(day, zone).getTime();
        // The day starts at its first instant: that instant is in it, the one before is in the day before.
        expect(dayOf(new Date(start), zone)).toBe(day);
        expect(dayOf(new Date(start - 1), zone)).not.toBe(day);
        const length = startOfDay(nextDay(day), zone).getTime() - start;
        expect(length).toBeGreaterThanOrEqual(23 * HOUR);
        expect(length).toBeLessThanOrEqual(25 * HOUR);
      }),
      runs(1000),
    );
  });

  it.each<[string, string, number]>([
    ['Europe/Berlin', '2026-03-29', 23],
    ['Europe/Berlin', '2026-10-25', 25],
    ['Europe/Berlin', '2026-06-01', 24],
    ['America/New_York', '2026-03-08', 23],
    ['America/New_York', '2026-11-01', 25],
    ['Australia/Lord_Howe', '2026-04-05', 24.5],
    ['Australia/Lord_Howe', '2026-10-04', 23.5],
    ['America/Sao_Paulo', '2018-11-04', 23],
    ['UTC', '2028-02-29', 24],
  ])('%s %s is %d hours long', (zone, day, hours) => {
    expect(startOfDay(nextDay(day), zone).getTime() - startOfDay(day, zone).getTime()).toBe(hours * HOUR);
  });

  it('starts a day whose midnight does not exist at its first instant (São Paulo, DST at midnight)', () => {
    // 2018-11-04: clocks went from 00:00 to 01:00 local (-03:00 to -02:00).
    expect(startOfDay('2018-11-04', 'America/Sao_Paulo').toISOString()).toBe('2018-11-04T03:00:00.000Z');
    expect(dayOf(new Date('2018-11-04T02:59:59.999Z'), 'America/Sao_Paulo')).toBe('2018-11-03');
  });
});
