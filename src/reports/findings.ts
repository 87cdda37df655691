// The findings as `evidence-agent findings` lists them: the current state's findings with their check's
// title and the controls each framework maps them to, filtered, ordered worst first, as a table.
import type { Collector, FindingStatus, Severity } from '../collector.js';
import type { Framework } from '../mapping/load.js';
import type { CurrentFinding } from './current-state.js';
import { reviewLine } from './reviews.js';
import { renderTable } from './table.js';

export const SEVERITY_RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2, critical: 3 };
const STATUS_RANK: Record<FindingStatus | 'reviewed', number> = { fail: 0, error: 1, reviewed: 2, pass: 3, not_applicable: 4 };

/** What a finding shows as: `reviewed` for a failing event someone reviewed (no longer counted as failing). */
export const shownStatus = (f: Pick<CurrentFinding, 'status' | 'review'>): FindingStatus | 'reviewed' =>
  f.status === 'fail' && f.review ? 'reviewed' : f.status;

export interface FindingRow extends CurrentFinding {
  title: string;
  /** Per framework id, the controls it maps the finding's check to. */
  controls: Record<string, string[]>;
}

/** The rows shown: a framework or a control keeps only the findings mapped to it. */
export function findingRows(
  findings: readonly CurrentFinding[],
  parts: { collectors: readonly Collector[]; frameworks: readonly Framework[] },
  filter: { status?: FindingStatus | 'reviewed'; framework?: string; control?: string },
): FindingRow[] {
  const titles = new Map(parts.collectors.flatMap((c) => c.checks.map((check) => [check.id, check.title] as const)));
  return findings
    .map((finding) => ({
      ...finding,
      title: titles.get(finding.checkId) ?? finding.checkId,
      controls: Object.fromEntries(parts.frameworks.map((f) => [f.id, f.controlsByCheck.get(finding.checkId) ?? []])),
    }))
    .filter((f) => !filter.status || shownStatus(f) === filter.status)
    .filter((f) => !filter.framework || Object.values(f.controls).some((ids) => ids.length > 0))
    .filter((f) => !filter.control || Object.values(f.controls).some((ids) => ids.includes(filter.control!)))
    .sort(
      (a, b) =>
        STATUS_RANK[shownStatus(a)] - STATUS_RANK[shownStatus(b)] ||
        SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
        a.checkId.localeCompare(b.checkId) ||
        a.resourceId.localeCompare(b.resourceId),
    );
}

export function findingsTable(rows: readonly FindingRow[]): string {
  return renderTable(
    ['status', 'severity', 'check', 'resource', 'message'],
    rows.map((f) => [
      f.exception ? `fail (excepted: ${f.exception.id})` : f.review ? `reviewed (${reviewLine(f.review).replace('reviewed ', '')})` : f.status,
      f.severity,
      f.checkId,
      f.resourceId,
      f.message,
    ]),
  );
}

/** The counts under the table, and how to close the failing events still open. */
export function findingsSummary(rows: readonly FindingRow[]): string {
  const failing = rows.filter((f) => shownStatus(f) === 'fail').length;
  const excepted = rows.filter((f) => f.exception).length;
  const reviewed = rows.filter((f) => shownStatus(f) === 'reviewed').length;
  const unreviewed = rows.filter((f) => shownStatus(f) === 'fail' && !f.exception && f.occurredAt !== null).length;
  return (
    `\n${rows.length} finding(s), ${failing} failing${excepted ? ` (${excepted} under an accepted exception)` : ''}${reviewed ? `, ${reviewed} reviewed` : ''}.` +
    (unreviewed ? `\n${unreviewed} failing event(s) stay open until reviewed: evidence-agent review <event id> --note "what you found"` : '')
  );
}

/** The failing findings (no exception) at or above `failOn`: what `--fail-on` turns into exit code 1. */
export function breaches(rows: readonly FindingRow[], failOn: Severity | undefined): FindingRow[] {
  return failOn ? rows.filter((f) => shownStatus(f) === 'fail' && !f.exception && SEVERITY_RANK[f.severity] >= SEVERITY_RANK[failOn]) : [];
}
