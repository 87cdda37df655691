// The current state of the estate: the findings of the latest snapshot of every collector and scope,
// and what they say about each control of a framework.
import { criteriaOf } from '../mapping/control-set.js';
import type { CustomControl } from '../mapping/control-set.js';
import { onlySupports } from '../mapping/load.js';
import type { Framework } from '../mapping/load.js';
import { attestationsOf } from './attestations.js';
import type { AttestationSummary } from './attestations.js';
import type { RunStatus } from '../collector.js';
import type { EvidenceStore, FindingCounts, FindingRecord } from '../store/types.js';
import { exceptionFor } from '../exceptions/apply.js';
import { exceptionsStoredWith } from '../exceptions/schema.js';
import type { AcceptedException } from '../exceptions/schema.js';

/** A run newer than the snapshot shown, that failed or was aborted: the snapshot is stale. */
export interface LaterRun {
  seq: number;
  startedAt: string;
  status: RunStatus;
  error: string | null;
}

export interface CurrentFinding extends FindingRecord {
  collector: string;
  scope: string;
  runSeq: number;
  /** When the snapshot that holds this finding was taken. */
  observedAt: string;
  /** Set when the latest run of this collector and scope failed after this snapshot. */
  laterRun: LaterRun | null;
  /** A failing finding an exception in force at the snapshot covers: still failing, but accepted. */
  exception: AcceptedException | null;
}

export interface CurrentState {
  findings: CurrentFinding[];
  /** One line per collector and scope whose latest run did not produce a snapshot. */
  warnings: string[];
}

export async function currentState(store: EvidenceStore, at?: Date): Promise<CurrentState> {
  const snapshots = await store.latestSnapshots(at);
  const latest = await store.latestRuns(at);
  const findings: CurrentFinding[] = [];
  const warnings: string[] = [];
  for (const run of latest) {
    const snapshot = snapshots.find((s) => s.collector === run.collector && s.scope === run.scope);
    // A configured scope that failed before it ever resolved, and has resolved since: not a stream of its own.
    const resolvedLater = latest.some(
      (other) => other.collector === run.collector && other.seq > run.seq && other.meta.configuredScope === run.scope,
    );
    if (!snapshot && resolvedLater) continue;
    const stale = snapshot && snapshot.seq !== run.seq;
    if (!snapshot || stale) {
      warnings.push(
        `${run.collector} ${run.scope}: the latest run (run ${run.seq}, ${run.startedAt}) ${run.status}` +
          `${run.error ? ` (${run.error})` : ''}; ` +
          (snapshot ? `showing the snapshot of run ${snapshot.seq} (${snapshot.startedAt})` : 'no snapshot to show yet'),
      );
    }
    if (!snapshot) continue;
    const laterRun = stale ? { seq: run.seq, startedAt: run.startedAt, status: run.status, error: run.error } : null;
    // The exceptions stored with the snapshot, judged on the day of the report (an expiry takes effect by itself).
    const exceptions = await exceptionsStoredWith(store, snapshot.seq);
    const day = (at ?? new Date()).toISOString().slice(0, 10);
    for (const finding of await store.findingsOf(snapshot.seq)) {
      findings.push({
        ...finding,
        collector: snapshot.collector,
        scope: snapshot.scope,
        runSeq: snapshot.seq,
        observedAt: snapshot.startedAt,
        laterRun,
        exception: exceptionFor(finding, exceptions, day) ?? null,
      });
    }
  }
  return { findings, warnings };
}

/**
 * `supported`: nothing fails, but the passing evidence comes only from checks that support the control
 * without evidencing it (mappings' `supports`): it needs manual evidence (an attestation) too.
 */
export type ControlState = 'passing' | 'failing' | 'error' | 'supported' | 'not_evidenced' | 'manual';

export interface ControlStatus {
  framework: string;
  id: string;
  title: string;
  group: string;
  checks: string[];
  /** Those of `checks` that only support the control (absent: none). */
  supportingChecks?: string[];
  state: ControlState;
  counts: FindingCounts;
  /** Latest snapshot time among the findings that evidence it. */
  lastEvidencedAt: string | null;
  /** True when a collector behind it failed after the snapshot shown: the state may be out of date. */
  stale: boolean;
  failing: { checkId: string; resourceId: string; message: string }[];
  /** Custom controls: who owns it and what it is mapped to. */
  owner?: string;
  criteria?: string[];
  /** Latest attestation of the control (or of a criterion it is mapped to) and until when it counts. */
  attestation?: { control: string; attestedBy: string; attestedAt: string; validUntil: string; note: string };
}

/**
 * What each control's evidence says now: its checks' findings, and the attestations of the control (or of
 * the criteria it is mapped to) still in their window; an expired attestation evidences nothing.
 */
export function controlStatuses(
  framework: Framework,
  findings: readonly CurrentFinding[],
  attestations: readonly AttestationSummary[] = [],
  now: Date = new Date(),
): ControlStatus[] {
  const byCheck = new Map<string, CurrentFinding[]>();
  for (const finding of findings) {
    const list = byCheck.get(finding.checkId) ?? [];
    list.push(finding);
    byCheck.set(finding.checkId, list);
  }
  return framework.controls.map((control) => {
    const checks = framework.checksByControl.get(control.id) ?? [];
    const evidence = checks.flatMap((check) => byCheck.get(check) ?? []);
    const supporting = checks.filter((check) => onlySupports(framework, control.id, check));
    const evidencing = evidence.filter((finding) => !supporting.includes(finding.checkId));
    const attested = attestationsOf(attestations, [control.id, ...criteriaOf(control)]);
    const inForce = attested.filter((a) => Date.parse(a.validUntil) > now.getTime());
    const latest = [...attested].sort((a, b) => a.validUntil.localeCompare(b.validUntil)).at(-1);
    const counts: FindingCounts = { pass: inForce.length, fail: 0, error: 0, not_applicable: 0 };
    let lastEvidencedAt: string | null = null;
    for (const finding of evidence) {
      counts[finding.status] += 1;
      if (!lastEvidencedAt || finding.observedAt > lastEvidencedAt) lastEvidencedAt = finding.observedAt;
    }
    for (const a of inForce) if (!lastEvidencedAt || a.attestedAt > lastEvidencedAt) lastEvidencedAt = a.attestedAt;
    const state: ControlState =
      checks.length === 0 && attested.length === 0
        ? 'manual'
        : evidence.length + inForce.length === 0
          ? 'not_evidenced'
          : counts.fail > 0
            ? 'failing'
            : counts.error > 0
              ? 'error'
              : evidencing.length + inForce.length === 0
                ? 'supported'
                : 'passing';
    return {
      framework: framework.id,
      id: control.id,
      title: control.title,
      group: control.group,
      checks,
      ...(supporting.length > 0 ? { supportingChecks: supporting } : {}),
      state,
      counts,
      lastEvidencedAt,
      stale: evidence.some((f) => f.laterRun !== null),
      failing: evidence
        .filter((f) => f.status === 'fail')
        .map((f) => ({ checkId: f.checkId, resourceId: f.resourceId, message: f.message })),
      ...((control as CustomControl).owner ? { owner: (control as CustomControl).owner } : {}),
      ...(criteriaOf(control).length > 0 ? { criteria: criteriaOf(control) } : {}),
      ...(latest ? { attestation: { control: latest.control, attestedBy: latest.attestedBy, attestedAt: latest.attestedAt, validUntil: latest.validUntil, note: latest.note } } : {}),
    };
  });
}
