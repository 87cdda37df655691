// One cron library for the daemon's schedule and the reports' cadence: node-cron decides on which days a
// schedule runs, for both. A snapshot stays valid for the longest stretch between two run days.
import { describe, expect, it } from 'vitest';
import { cadenceDays, collectorCadence } from '../src/reports/cadence.js';
import { longestIntervalMs } from '../src/schedule.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('cadence of a schedule, in days', () => {
  it.each([
    ['0 3 * * *', 1, 'daily'],
    ['30 * * * *', 1, 'hourly'],
    ['*/5 * * * *', 1, 'every five minutes'],
    ['0 8 * * 1', 7, 'weekly'],
    ['0 8 * * MON', 7, 'weekly, by name'],
    ['0 8 * * 0', 7, 'Sundays'],
    ['0 8 * * 7', 7, 'Sundays as 7'],
    ['0 3 * * MON-FRI', 3, 'weekdays by name: Friday to Monday'],
    ['0 3 * * 1-5', 3, 'weekdays by number'],
    ['0 3 * * 1,3,5', 3, 'Monday, Wednesday, Friday: Friday to Monday'],
    ['0 3 * * 2,4', 5, 'Tuesday and Thursday: Thursday to Tuesday'],
    ['0 3 */2 * *', 2, 'odd days of the month: 29 to 1 (30-day month) is 2, 31 to 1 is 1'],
    ['0 3 1 * *', 31, 'monthly'],
    ['0 3 15 * *', 31, 'monthly mid-month: 15 January to 15 February'],
    ['0 3 1 */3 *', 92, 'quarterly: 1 July to 1 October'],
    ['0 3 1 1,4,7,10 *', 92, 'quarterly as a list'],
    ['0 0 1 1 *', 366, 'yearly, across a leap year'],
    ['0 0 29 2 *', 1461, 'every 29 February'],
    ['0 3 L * *', 31, 'last day of the month'],
  ])('%s → %i (%s)', (cron, days) => {
    expect(cadenceDays(cron)).toBe(days);
  });

  it("follows node-cron's own rule when both day fields are set: both must match (the first Monday of a month)", () => {
    // Vixie cron would run on days 1-7 and every Monday (1 day apart at most); node-cron runs the first Monday only.
    expect(cadenceDays('0 3 1-7 * 1')).toBe(35);
  });

  it('collectorCadence takes the configured schedule, else the default one', () => {
    const cadence = collectorCadence(
      [
        { id: 'a', defaultSchedule: '0 3 * * 1' },
        { id: 'b', defaultSchedule: '0 3 * * *' },
      ],
      { b: { schedule: '0 3 * * 1-5' } },
    );
    expect([cadence('a'), cadence('b'), cadence('unknown')]).toEqual([7, 3, 1]);
  });
});

describe('longest interval between two runs (the daemon: catch-up, overdue streams)', () => {
  it.each([
    ['0 3 * * *', DAY],
    ['30 * * * *', HOUR],
    ['0 9,17 * * *', 16 * HOUR],
    ['0 3 * * 1-5', 3 * DAY],
    ['0 8 * * 1', 7 * DAY],
    ['0 3 1 */3 *', 92 * DAY],
    ['*/10 * * * * *', 10_000],
  ])('%s → %i ms', (cron, ms) => {
    expect(longestIntervalMs(cron)).toBe(ms);
  });
});
