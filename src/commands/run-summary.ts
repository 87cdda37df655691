// Short human summaries of runs: one line per run for `collect`.
import type { RunRecord } from '../store/types.js';
import { terminalLine } from '../terminal-text.js';

export function runLine(run: RunRecord): string {
  const f = run.findingCounts;
  const base =
    `run ${run.seq} ${run.collector} ${run.scope}: ${run.status}, ${run.apiCalls} API calls, ` +
    `${run.evidenceCount} documents (+${run.changes.added} ~${run.changes.changed} -${run.changes.removed}), ` +
    `findings ${f.pass} pass / ${f.fail} fail / ${f.error} error`;
  return run.error ? `${base}\n  ${run.status === 'partial' ? 'problems' : 'error'}: ${terminalLine(run.error)}` : base;
}
