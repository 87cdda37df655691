// The doctor's report as a terminal table, the missing permissions after it, and a last line that says
// whether anything is wrong; or as JSON (--json).
import { renderTable } from '../reports/table.js';
import type { DoctorReport } from './run.js';

const MARK = { ok: 'ok', fail: 'FAIL', skip: 'skip' } as const;

export function renderDoctor(report: DoctorReport): string {
  const lines = [
    `evidence-agent doctor${report.config ? `: ${report.config}` : ''}`,
    '',
    renderTable(
      ['STATUS', 'AREA', 'CHECK', 'DETAIL'],
      report.checks.map((c) => [MARK[c.status], c.area, c.check, c.detail]),
    ),
  ];
  if (report.missing.length > 0) {
    lines.push('', 'Missing permissions (grant them as the shipped policy does: config/aws-*-policy.json, collectors/github/README.md):');
    for (const m of report.missing) lines.push(`  ${m.area}: ${m.permissions.join(', ')}`);
  }
  const problems = report.checks.filter((c) => c.status === 'fail').length;
  const skipped = report.checks.filter((c) => c.status === 'skip').length;
  lines.push(
    '',
    problems === 0
      ? `No problem found${skipped > 0 ? ` (${skipped} not checked, see skip)` : ''}. Nothing was written to the store.`
      : `${problems} problem(s). Nothing was written to the store.`,
  );
  return lines.join('\n');
}
