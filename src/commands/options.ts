// Parsing of CLI option values: each bad value is a one-line usage error naming the flag.
import { CliError } from '../cli-error.js';
import type { FindingStatus, Severity } from '../collector.js';
import { checkSupportedDay } from './period.js';

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

export function parseChoice<T extends string>(flag: string, value: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(value)) {
    throw new CliError(`${flag}: expected one of ${choices.join(', ')}, got "${value}"`);
  }
  return value as T;
}
