// Parsing of CLI option values: each bad value is a one-line usage error naming the flag.
import { CliError } from '../cli-error.js';
import type { FindingStatus, Severity } from '../collector.js';
import type { DigestPeriod } from '../digest/compose.js';
import { previousWeek, weekDays, weekOf } from '../digest/week.js';
import { dayOf } from '../reports/days.js';
import { checkSupportedDay, checkSupportedWeek, parseDayRange } from './period.js';

const MAX_VALID_DAYS = 3650;

/** `90d`, `12w`, `3m` (30-day months) → days. */
export function parseValidFor(value: string): number {
  const match = /^(\d{1,4})([dwm])$/.exec(value.trim());
  const days = match ? Number(match[1]) * { d: 1, w: 7, m: 30 }[match[2] as 'd' | 'w' | 'm'] : NaN;
  if (!(days >= 1 && days <= MAX_VALID_DAYS)) {
    throw new CliError(`--valid-for: expected a duration such as 90d, 12w or 3m (1 day to ${MAX_VALID_DAYS} days), got "${value}"`);
  }
  return days;
}

export function parseIntegerOption(flag: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new CliError(`${flag}: expected a whole number from ${min} to ${max}, got "${value}"`);
  }
  return n;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** `YYYY-MM-DD` (the end of that UTC day) or a full ISO 8601 timestamp. */
export function parseAsOf(flag: string, value: string): Date {
  const date = DATE_ONLY.test(value) ? new Date(`${value}T23:59:59.999Z`) : new Date(value);
  const valid = !Number.isNaN(date.getTime()) && (!DATE_ONLY.test(value) || date.toISOString().startsWith(value));
  if (!valid) throw new CliError(`${flag}: expected a date (YYYY-MM-DD) or an ISO 8601 timestamp, got "${value}"`);
  checkSupportedDay(flag, date, value);
  return date;
}

export const STATUSES: readonly FindingStatus[] = ['pass', 'fail', 'error', 'not_applicable'];
export const SEVERITIES: readonly Severity[] = ['low', 'medium', 'high', 'critical'];
/** The statuses `findings --status` takes: a check's, and `reviewed` for a failing event someone reviewed. */
export const FINDING_STATUSES = [...STATUSES, 'reviewed'] as const;

export function parseChoice<T extends string>(flag: string, value: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(value)) {
    throw new CliError(`${flag}: expected one of ${choices.join(', ')}, got "${value}"`);
  }
  return value as T;
}

/** The digest's period: --week (default: the last complete week in `timeZone`), or --from and --to. */
export function digestPeriod(options: { week?: string; from?: string; to?: string }, timeZone: string, now = new Date()): DigestPeriod {
  if (options.week && (options.from || options.to)) throw new CliError('--week and --from/--to: choose one');
  if (options.from || options.to) {
    const { from, to } = parseDayRange(options.from, options.to);
    return { label: `${from}..${to}`, from, to, timeZone };
  }
  const label = options.week ?? previousWeek(dayOf(now, timeZone));
  checkSupportedWeek('--week', label);
  const days = weekDays(label);
  if (!days) throw new CliError(`--week: expected an ISO week such as ${weekOf(dayOf(now, timeZone)).label}, got "${label}"`);
  return { label, ...days, timeZone };
}
