// The current state of the estate: the findings of the latest snapshot of every collector and scope,
// and what they say about each control of a framework.
import type { Framework } from '../mapping/load.js';
import type { EvidenceStore, FindingCounts, FindingRecord } from '../store/types.js';

export interface CurrentFinding extends FindingRecord {
  collector: string;
  scope: string;
  runSeq: number;
  /** When the snapshot that holds this finding was taken. */
  observedAt: string;
}

export async function currentFindings(store: EvidenceStore, at?: Date): Promise<CurrentFinding[]> {
  const snapshots = await store.latestSnapshots(at);
  const all: CurrentFinding[] = [];
  for (const run of snapshots) {
    for (const finding of await store.findingsOf(run.seq)) {
      all.push({ ...finding, collector: run.collector, scope: run.scope, runSeq: run.seq, observedAt: run.startedAt });
    }
  }
  return all;
}

export type ControlState = 'passing' | 'failing' | 'error' | 'not_evidenced' | 'manual';

export interface ControlStatus {
  framework: string;
  id: string;
  title: string;
  group: string;
  checks: string[];
  state: ControlState;
  counts: FindingCounts;
  /** Latest snapshot time among the findings that evidence it. */
  lastEvidencedAt: string | null;
  failing: { checkId: string; resourceId: string; message: string }[];
}

export function controlStatuses(framework: Framework, findings: readonly CurrentFinding[]): ControlStatus[] {
  const byCheck = new Map<string, CurrentFinding[]>();
  for (const finding of findings) {
    const list = byCheck.get(finding.checkId) ?? [];
    list.push(finding);
    byCheck.set(finding.checkId, list);
  }
  return framework.controls.map((control) => {
    const checks = framework.checksByControl.get(control.id) ?? [];
    const evidence = checks.flatMap((check) => byCheck.get(check) ?? []);
    const counts: FindingCounts = { pass: 0, fail: 0, error: 0, not_applicable: 0 };
    let lastEvidencedAt: string | null = null;
    for (const finding of evidence) {
      counts[finding.status] += 1;
      if (!lastEvidencedAt || finding.observedAt > lastEvidencedAt) lastEvidencedAt = finding.observedAt;
    }
    const state: ControlState =
      checks.length === 0
        ? 'manual'
        : evidence.length === 0
          ? 'not_evidenced'
          : counts.fail > 0
            ? 'failing'
            : counts.error > 0
              ? 'error'
              : 'passing';
    return {
      framework: framework.id,
      id: control.id,
      title: control.title,
      group: control.group,
      checks,
      state,
      counts,
      lastEvidencedAt,
      failing: evidence
        .filter((f) => f.status === 'fail')
        .map((f) => ({ checkId: f.checkId, resourceId: f.resourceId, message: f.message })),
    };
  });
}
