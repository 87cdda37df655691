// A period on the command line: --from and --to as days (UTC, both inclusive) or ISO timestamps.
import { CliError } from '../cli-error.js';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

function parseInstant(flag: string, value: string, endOfDay: boolean): Date {
  const dateOnly = DATE_ONLY.test(value);
  const date = dateOnly ? new Date(`${value}T00:00:00.000Z`) : new Date(value);
  if (Number.isNaN(date.getTime()) || (dateOnly && !date.toISOString().startsWith(value))) {
    throw new CliError(`${flag}: expected a date (YYYY-MM-DD) or an ISO 8601 timestamp, got "${value}"`);
  }
  // A day given as the end includes that whole day.
  return dateOnly && endOfDay ? new Date(date.getTime() + DAY_MS) : date;
}

/** [from, to): `to` defaults to now; a day as `to` means up to the end of that day. */
export function parsePeriod(fromValue: string, toValue: string | undefined, now: Date): { from: Date; to: Date } {
  const from = parseInstant('--from', fromValue, false);
  const to = toValue === undefined ? now : parseInstant('--to', toValue, true);
  if (to <= from) throw new CliError(`--to: expected a time after --from (${from.toISOString()}), got "${toValue ?? now.toISOString()}"`);
  return { from, to };
}
