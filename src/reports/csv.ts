// CSV for auditors' spreadsheets: RFC 4180 quoting (csv-stringify), and cells that a spreadsheet would
// run as a formula (=, +, -, @, tab, CR or NUL first: OWASP ASVS 1.2.10) prefixed with a quote, since
// event fields come from whoever made the call. Every CSV the agent writes goes through here.
import { stringify } from 'csv-stringify/sync';

const FORMULA_START = /^[=+\-@\t\r\0]/;

export function neutralizeFormula(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

export function toCsv(columns: readonly string[], rows: readonly Record<string, string>[]): string {
  return stringify(
    rows.map((row) => columns.map((column) => neutralizeFormula(row[column] ?? ''))),
    { header: true, columns: [...columns], record_delimiter: 'windows' },
  );
}

/** CSV lines (no header) of rows already in column order, defused like toCsv: for files written row by row. */
export function csvLines(rows: readonly (readonly string[])[]): string {
  return stringify(
    rows.map((row) => row.map(neutralizeFormula)),
    { record_delimiter: 'windows' },
  );
}
