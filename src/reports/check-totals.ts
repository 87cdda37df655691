// Per check, how many findings of the latest snapshots are pass, fail, error and n/a: the demo's table.
import type { Collector } from '../collector.js';
import type { FindingRecord } from '../store/types.js';
import { renderTable } from './table.js';

export function checkTotalsTable(collectors: readonly Collector[], findings: readonly FindingRecord[]): string {
  const rows = collectors.flatMap((collector) =>
    collector.checks.map((check) => {
      const own = findings.filter((f) => f.checkId === check.id);
      const count = (status: FindingRecord['status']) => String(own.filter((f) => f.status === status).length);
      return [check.id, check.severity, count('pass'), count('fail'), count('error'), count('not_applicable')];
    }),
  );
  return renderTable(['check', 'severity', 'pass', 'fail', 'error', 'n/a'], rows);
}
