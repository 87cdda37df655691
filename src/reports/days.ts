// Calendar days in the configured time zone: coverage is counted per day as the auditor's calendar
// has them, so a day starts at local midnight (23 or 25 hours long across a DST change).
const DAY_MS = 86_400_000;

const HOUR_MS = 3_600_000;
const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** The day (YYYY-MM-DD) an instant falls on in `timeZone`. */
export function dayOf(instant: Date, timeZone: string): string {
  let format = dayFormats.get(timeZone);
  if (!format) {
    // en-CA formats as YYYY-MM-DD.
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormats.set(timeZone, format);
  }
  return format.format(instant);
}

const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/** Milliseconds `timeZone` is ahead of UTC at `instant`. */
function offsetAt(instant: number, timeZone: string): number {
  let format = offsetFormats.get(timeZone);
  if (!format) {
    // Built once per zone: a formatter costs far more than the formatting (coverage asks per day and stream).
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    offsetFormats.set(timeZone, format);
  }
  const parts = format.formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return local - Math.floor(instant / 1000) * 1000;
}

/** The instant local midnight starts `day` (YYYY-MM-DD) in `timeZone`. */
export function startOfDay(day: string, timeZone: string): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const guess = Date.UTC(y, m - 1, d);
  let start = guess - offsetAt(guess, timeZone);
  // Around a DST change the offset at the guess may differ from the offset at midnight itself.
  start = guess - offsetAt(start, timeZone);
  // Where the clocks change at midnight, local midnight is skipped (the day starts at 01:00) or comes
  // twice: then the day starts at its first instant, found by bisection near the estimate.
  if (dayOf(new Date(start), timeZone) !== day || dayOf(new Date(start - 1), timeZone) === day) {
    let before = start - 3 * HOUR_MS; // in the day before
    let within = start + 3 * HOUR_MS; // in the day itself
    while (within - before > 1) {
      const middle = Math.floor((before + within) / 2);
      if (dayOf(new Date(middle), timeZone) >= day) within = middle;
      else before = middle;
    }
    start = within;
  }
  return new Date(start);
}

/** Every day from `first` to `last` inclusive (YYYY-MM-DD). */
export function daysBetween(first: string, last: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${first}T00:00:00Z`); t <= Date.parse(`${last}T00:00:00Z`); t += DAY_MS) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
}

export function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
}
