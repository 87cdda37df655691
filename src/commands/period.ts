// A period on the command line: --from and --to as days (both inclusive) or ISO timestamps. A period
// is at most MAX_PERIOD_DAYS long: an audit period is a year, a typo (2206 for 2026) is not.
import { CliError } from '../cli-error.js';

/** Three years (with a leap day): room for a Type II period and its look-backs, not a decade. */
export const MAX_PERIOD_DAYS = 3 * 365 + 1;

/**
 * The days a flag may name. Stored times are ISO 8601 with four-digit years, and a report looks past its
 * period (the next day's start in the configured zone, expiries, SLAs): far from year 9999, and after the
 * Unix epoch, before which nothing the agent collects happened (two-digit years also read as 19xx there).
 */
export const FIRST_DAY = '1970-01-01';
export const LAST_DAY = '2999-12-31';

/** Refuses a day (or an instant, by its UTC day) outside FIRST_DAY..LAST_DAY, naming the flag. */
export function checkSupportedDay(flag: string, date: Date, value: string): void {
  const day = date.toISOString().slice(0, 10);
  // A year past 9999 is written "+010000-…": below "1970" as text, so refused too.
  if (!/^\d{4}-/.test(day) || day < FIRST_DAY || day > LAST_DAY) {
    throw new CliError(`${flag}: expected a date from ${FIRST_DAY} to ${LAST_DAY}, got "${value}"`);
  }
}

/** An ISO week label's year must be one of the supported days' years (0050-W01 would be read as 1950). */
export function checkSupportedWeek(flag: string, label: string): void {
  const year = Number(/^(\d{4})-W\d{2}$/.exec(label)?.[1] ?? Number.NaN);
  if (Number.isInteger(year) && (year < Number(FIRST_DAY.slice(0, 4)) || year > Number(LAST_DAY.slice(0, 4)))) {
    throw new CliError(`${flag}: expected an ISO week of a year from ${FIRST_DAY.slice(0, 4)} to ${LAST_DAY.slice(0, 4)}, got "${label}"`);
  }
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

function parseInstant(flag: string, value: string, endOfDay: boolean): Date {
  const dateOnly = DATE_ONLY.test(value);
  const date = dateOnly ? new Date(`${value}T00:00:00.000Z`) : new Date(value);
  if (Number.isNaN(date.getTime()) || (dateOnly && !date.toISOString().startsWith(value))) {
    throw new CliError(`${flag}: expected a date (YYYY-MM-DD) or an ISO 8601 timestamp, got "${value}"`);
  }
  checkSupportedDay(flag, date, value);
  // A day given as the end includes that whole day.
  return dateOnly && endOfDay ? new Date(date.getTime() + DAY_MS) : date;
}

/** [from, to): `to` defaults to now; a day as `to` means up to the end of that day. */
export function parsePeriod(fromValue: string, toValue: string | undefined, now: Date): { from: Date; to: Date } {
  const from = parseInstant('--from', fromValue, false);
  const to = toValue === undefined ? now : parseInstant('--to', toValue, true);
  if (to <= from) throw new CliError(`--to: expected a time after --from (${from.toISOString()}), got "${toValue ?? now.toISOString()}"`);
  if (to.getTime() - from.getTime() > MAX_PERIOD_DAYS * DAY_MS) {
    throw new CliError(
      `--from: the period from ${fromValue} to ${toValue ?? 'now'} is longer than ${MAX_PERIOD_DAYS} days (3 years); split it into shorter periods`,
    );
  }
  return { from, to };
}

/** --from and --to as days, both inclusive: `to` on or after `from`, at most MAX_PERIOD_DAYS days. */
export function parseDayRange(fromValue: string | undefined, toValue: string | undefined): { from: string; to: string } {
  const from = parseDay('--from', fromValue);
  const to = parseDay('--to', toValue);
  if (to < from) throw new CliError(`--to: expected a day on or after --from (${from}), got "${to}"`);
  const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS + 1;
  if (days > MAX_PERIOD_DAYS) {
    throw new CliError(`--from: the period ${from} to ${to} is ${days} days, longer than ${MAX_PERIOD_DAYS} (3 years); split it into shorter periods`);
  }
  return { from, to };
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function parseDay(flag: string, value: string | undefined): string {
  if (!value) throw new CliError(`${flag}: required (a day, YYYY-MM-DD)`);
  if (!DAY.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)) || new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value) {
    throw new CliError(`${flag}: expected a day (YYYY-MM-DD), got "${value}"`);
  }
  checkSupportedDay(flag, new Date(`${value}T00:00:00Z`), value);
  return value;
}
