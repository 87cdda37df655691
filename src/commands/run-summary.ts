// Short human summaries of runs: one line per run for `collect`, and per-check totals for `demo`.
import type { Collector } from '../collector.js';
import { renderTable } from '../reports/table.js';
import type { FindingRecord, RunRecord } from '../store/types.js';
import { terminalLine } from '../terminal-text.js';

export function runLine(run: RunRecord): string {
  const f = run.findingCounts;
  const base =
    `run ${run.seq} ${run.collector} ${run.scope}: ${run.status}, ${run.apiCalls} API calls, ` +
    `${run.evidenceCount} documents (+${run.changes.added} ~${run.changes.changed} -${run.changes.removed}), ` +
    `findings ${f.pass} pass / ${f.fail} fail / ${f.error} error`;
  return run.error ? `${base}\n  ${run.status === 'partial' ? 'problems' : 'error'}: ${terminalLine(run.error)}` : base;
}

export function checkTotalsTable(
  collectors: readonly Collector[],
  findings: readonly FindingRecord[],
): string {
  const rows = collectors.flatMap((collector) =>
    collector.checks.map((check) => {
      const own = findings.filter((f) => f.checkId === check.id);
      const count = (status: FindingRecord['status']) => String(own.filter((f) => f.status === status).length);
      return [check.id, check.severity, count('pass'), count('fail'), count('error'), count('not_applicable')];
    }),
  );
  return renderTable(['check', 'severity', 'pass', 'fail', 'error', 'n/a'], rows);
}
