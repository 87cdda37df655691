// What a cron schedule means in time, answered by node-cron, the library that runs the daemon's
// schedules: on which days a schedule runs (the reports' cadence: how long a snapshot stays valid) and
// the longest interval between two runs (the daemon: catch-up after downtime, overdue streams). One
// library for both, so a schedule can never run on days the reports do not count, or the reverse.
import { createTask, parse } from 'node-cron';

const DAY_MS = 86_400_000;
/**
 * The calendar probed: four years from the first day of a leap year, and two months more so that a
 * schedule of 29 February meets its next run. Which days a schedule runs on does not depend on the time
 * zone (a Monday is a Monday everywhere), so the probe runs in UTC.
 */
const PROBE_FROM = Date.UTC(2024, 0, 1);
const PROBE_DAYS = 4 * 365 + 1 + 60;

const cadenceCache = new Map<string, number>();

/**
 * The longest stretch, in days, between two consecutive days on which the schedule runs: a daily or
 * hourly schedule 1, weekly 7, weekdays 3 (Friday to Monday), monthly 31, quarterly 92. A snapshot of a
 * collector stays valid for that many days, counting its own.
 */
export function cadenceDays(cron: string): number {
  const cached = cadenceCache.get(cron);
  if (cached !== undefined) return cached;
  const fields = parse(cron);
  // A time of day at which the schedule runs, so that matching a date is only a question of the day.
  const secondOfDay = (Math.min(...fields.hour) * 60 + Math.min(...fields.minute)) * 60 + Math.min(...fields.second);
  const task = createTask(cron, () => undefined, { timezone: 'UTC' });
  let previous: number | null = null;
  let longest = 0;
  try {
    for (let day = 0; day < PROBE_DAYS; day++) {
      if (!task.match(new Date(PROBE_FROM + day * DAY_MS + secondOfDay * 1000))) continue;
      if (previous !== null) longest = Math.max(longest, day - previous);
      previous = day;
    }
  } finally {
    void task.destroy();
  }
  // A schedule that runs once or never in four years: its snapshot is held valid for its own day only.
  const days = longest > 0 ? longest : 1;
  cadenceCache.set(cron, days);
  return days;
}

/**
 * The longest interval between two consecutive runs, in milliseconds: within a day for a schedule that
 * runs every day (an hourly one: an hour; `0 9,17 * * *`: 16 hours overnight), else its cadence in days.
 */
export function longestIntervalMs(cron: string): number {
  const days = cadenceDays(cron);
  if (days > 1) return days * DAY_MS;
  const fields = parse(cron);
  const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
  const times: number[] = [];
  for (const hour of sorted(fields.hour))
    for (const minute of sorted(fields.minute)) for (const second of sorted(fields.second)) times.push(((hour * 60 + minute) * 60 + second) * 1000);
  let longest = times[0]! + DAY_MS - times.at(-1)!;
  for (let i = 1; i < times.length; i++) longest = Math.max(longest, times[i]! - times[i - 1]!);
  return longest;
}
