// coverage.csv: one row per control and day of a coverage report, for `coverage --csv` and the export bundle.
import type { CoverageReport } from './coverage.js';
import { toCsv } from './csv.js';

/** The CSV columns: one row per control and day, a manual control once. `gap` is true when some of the day's evidence is missing, a failing day included. */
export const COVERAGE_CSV_COLUMNS = [
  'framework',
  'control',
  'day',
  'state',
  'causes',
  'failing',
  'excepted',
  'gap',
  'failed',
  'judged',
  'severity',
  'reviewed',
];

export function coverageCsv(reports: readonly CoverageReport[]): string {
  const rows = reports.flatMap((report) => [
    ...report.controls.flatMap((control) =>
      control.days.map((d) => ({
        framework: report.framework,
        control: control.id,
        day: d.day,
        state: d.state,
        causes: d.causes.join(' | '),
        failing: d.failing.join(' | '),
        excepted: d.excepted.join(' | '),
        gap: String(d.gap),
        failed: String(d.failed),
        judged: String(d.judged),
        severity: d.severity ?? '',
        reviewed: d.reviewed.join(' | '),
      })),
    ),
    ...report.manual.map((m) => ({
      framework: report.framework,
      control: m.id,
      day: '',
      state: 'manual',
      causes: '',
      failing: '',
      excepted: '',
      gap: '',
      failed: '',
      judged: '',
      severity: '',
      reviewed: '',
    })),
  ]);
  return toCsv(COVERAGE_CSV_COLUMNS, rows);
}
