// Parsing of CLI option values: each bad value is a one-line usage error naming the flag.
import { CliError } from '../cli-error.js';
import type { FindingStatus, Severity } from '../collector.js';
import { documentForStdout, terminalLine, terminalText } from '../terminal-text.js';
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

// Every printer of the command line goes through terminal-text.ts: text from the APIs (titles, names,
// errors) never sends a control character to the terminal.

/** A JSON document: exact into a file or a pipe, its control characters shown on a terminal (still the same JSON). */
export function printJson(value: unknown): void {
  process.stdout.write(documentForStdout(`${JSON.stringify(value, null, 2)}\n`));
}

/** A CSV (or other) document: exact into a file or a pipe, its control characters shown on a terminal. */
export function printDocument(text: string): void {
  process.stdout.write(documentForStdout(text));
}

export function print(text: string): void {
  process.stdout.write(`${terminalText(text)}\n`);
}

/** One line on stderr, `evidence-agent: <line>`. */
export function printError(line: string): void {
  process.stderr.write(`evidence-agent: ${terminalLine(line)}\n`);
}

/** Stale or missing snapshots: above the table in text, on stderr with --json (stdout stays pure JSON). */
export function printWarnings(warnings: readonly string[], json: boolean | undefined): void {
  for (const warning of warnings) {
    if (json) printError(`warning: ${warning}`);
    else print(`warning: ${terminalLine(warning)}`);
  }
  if (warnings.length > 0 && !json) print('');
}
