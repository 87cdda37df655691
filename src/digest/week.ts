// ISO 8601 weeks (Monday to Sunday): `2026-W47` names the days a digest covers.
const DAY_MS = 86_400_000;
const WEEK = /^(\d{4})-W(\d{2})$/;

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Monday of ISO week 1 of a year: the week holding 4 January. */
function firstMonday(year: number): number {
  const jan4 = Date.UTC(year, 0, 4);
  const weekday = (new Date(jan4).getUTCDay() + 6) % 7; // Monday 0
  return jan4 - weekday * DAY_MS;
}

/** The first and last day of an ISO week label, or undefined when it is not one. */
export function weekDays(label: string): { from: string; to: string } | undefined {
  const match = WEEK.exec(label);
  if (!match) return undefined;
  const year = Number(match[1]);
  const week = Number(match[2]);
  const weeks = weekOf(iso(firstMonday(year + 1) - DAY_MS)).week;
  if (week < 1 || week > weeks) return undefined;
  const monday = firstMonday(year) + (week - 1) * 7 * DAY_MS;
  return { from: iso(monday), to: iso(monday + 6 * DAY_MS) };
}

/** The ISO week (label, year, number) a day (YYYY-MM-DD) belongs to. */
export function weekOf(day: string): { label: string; year: number; week: number } {
  const ms = Date.parse(`${day}T00:00:00Z`);
  const weekday = (new Date(ms).getUTCDay() + 6) % 7;
  const thursday = ms + (3 - weekday) * DAY_MS;
  const year = new Date(thursday).getUTCFullYear();
  const week = Math.floor((thursday - firstMonday(year)) / (7 * DAY_MS)) + 1;
  return { label: `${year}-W${String(week).padStart(2, '0')}`, year, week };
}

/** The last complete ISO week before `today` (YYYY-MM-DD). */
export function previousWeek(today: string): string {
  return weekOf(iso(Date.parse(`${today}T00:00:00Z`) - 7 * DAY_MS)).label;
}
