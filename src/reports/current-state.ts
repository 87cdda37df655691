// The current state of the estate: the findings of the latest snapshot of every collector and scope,
// and what they say about each control of a framework.
import { criteriaOf } from '../mapping/control-set.js';
import type { CustomControl } from '../mapping/control-set.js';
import { onlySupports } from '../mapping/load.js';
import type { Framework } from '../mapping/load.js';
import { attestationsOf } from './attestations.js';
import type { AttestationSummary } from './attestations.js';
import type { RunStatus } from '../collector.js';
import type { EvidenceReader, FindingCounts, FindingRecord } from '../store/types.js';
import { exceptionFor } from '../exceptions/apply.js';
import { exceptionsStoredWith } from '../exceptions/schema.js';
import type { AcceptedException } from '../exceptions/schema.js';
import { EventTimes, eventFailures } from './event-findings.js';
import type { EventFailure, EventLifecycle } from './event-findings.js';
import { loadReviews } from './reviews.js';
import type { Review } from './reviews.js';

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
  /** The snapshot that holds it; for an event failure no later snapshot repeats, the run that recorded it. */
  runSeq: number;
  /** When the snapshot that holds this finding was taken (for an event failure: when it was first recorded). */
  observedAt: string;
  /** When its event occurred, for a finding on a stored event (a sign-in, a merged change); else null. */
  occurredAt: string | null;
  /**
   * The review of a failure of an event check, once someone recorded one: until then the failure stays
   * open (failing) in the current state, however many runs later.
   */
  review: Review | null;
  /** For a failure of an event check: when the agent first recorded it (the review's clock starts there). */
  openSince: string | null;
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

/**
 * The findings of the latest snapshot of every stream as of `at` (default: now). With a lifecycle, every
 * failure of its event checks any earlier run recorded is there too, open until reviewed (the run that
 * read an event is soon followed by runs that did not: its failure must not vanish with them).
 */
export async function currentState(store: EvidenceReader, at?: Date, lifecycle?: EventLifecycle): Promise<CurrentState> {
  const snapshots = await store.latestSnapshots(at);
  const latest = await store.latestRuns(at);
  const findings: CurrentFinding[] = [];
  const warnings: string[] = [];
  const reviews = lifecycle ? await loadReviews(store, at) : new Map<string, Review>();
  const open = lifecycle ? await eventFailures(store, lifecycle, reviews, at) : [];
  const failuresOf = new Map<string, EventFailure[]>();
  for (const failure of open) {
    const stream = `${failure.collector}\u0000${failure.scope}`;
    failuresOf.set(stream, [...(failuresOf.get(stream) ?? []), failure]);
  }
  for (const run of latest) {
    const snapshot = snapshots.find((s) => s.collector === run.collector && s.scope === run.scope);
    // A configured scope that failed before it ever resolved, and has resolved since: not a stream of its own.
    const resolvedLater = latest.some((other) => other.collector === run.collector && other.seq > run.seq && other.meta.configuredScope === run.scope);
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
    const snapshotFindings = await store.findingsOf(snapshot.seq);
    const failures = new Map((failuresOf.get(`${snapshot.collector}\u0000${snapshot.scope}`) ?? []).map((f) => [`${f.checkId}\u0000${f.resourceId}`, f]));
    // The event time of the snapshot's findings of event checks (their failures already carry theirs).
    const times = new EventTimes(store, snapshot.collector, snapshot.scope);
    if (lifecycle)
      await times.load(
        snapshotFindings.filter((f) => lifecycle.eventChecks.has(f.checkId) && !failures.has(`${f.checkId}\u0000${f.resourceId}`)).map((f) => f.resourceId),
      );
    for (const finding of snapshotFindings) {
      const failure = failures.get(`${finding.checkId}\u0000${finding.resourceId}`);
      failures.delete(`${finding.checkId}\u0000${finding.resourceId}`);
      findings.push({
        ...finding,
        collector: snapshot.collector,
        scope: snapshot.scope,
        runSeq: snapshot.seq,
        observedAt: snapshot.startedAt,
        occurredAt: failure ? failure.occurredAt : lifecycle?.eventChecks.has(finding.checkId) ? times.of(finding.resourceId) : null,
        review: failure?.review ?? null,
        openSince: failure?.firstRecordedAt ?? null,
        laterRun,
        exception: exceptionFor(finding, exceptions, day) ?? null,
      });
    }
    // Failures of events read by earlier runs: still open (or reviewed), as the run that read them said.
    for (const failure of failures.values()) {
      findings.push({
        checkId: failure.checkId,
        resourceType: failure.resourceType,
        resourceId: failure.resourceId,
        status: failure.status,
        severity: failure.severity,
        message: failure.message,
        collector: failure.collector,
        scope: failure.scope,
        runSeq: failure.runSeq,
        observedAt: failure.firstRecordedAt,
        occurredAt: failure.occurredAt,
        review: failure.review,
        openSince: failure.firstRecordedAt,
        laterRun,
        exception: exceptionFor(failure, exceptions, day) ?? null,
      });
    }
  }
  return { findings, warnings };
}

/** A failure nobody has accepted or reviewed: what `findings --status fail`, controls and the digest count. */
export const isOpenFailure = (f: CurrentFinding) => f.status === 'fail' && !f.exception && !f.review;

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
  /** Findings by status; `reviewed`: failures of event checks someone reviewed (not counted as failing). */
  counts: FindingCounts & { reviewed: number };
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

/** How many controls are in each state. */
export function summarizeControls(statuses: readonly ControlStatus[]): Record<ControlStatus['state'], number> {
  const summary = { passing: 0, failing: 0, error: 0, supported: 0, not_evidenced: 0, manual: 0 };
  for (const s of statuses) summary[s.state] += 1;
  return summary;
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
    const counts = { pass: inForce.length, fail: 0, error: 0, not_applicable: 0, reviewed: 0 };
    let lastEvidencedAt: string | null = null;
    for (const finding of evidence) {
      if (finding.status === 'fail' && finding.review) counts.reviewed += 1;
      else counts[finding.status] += 1;
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
      failing: evidence.filter((f) => f.status === 'fail' && !f.review).map((f) => ({ checkId: f.checkId, resourceId: f.resourceId, message: f.message })),
      ...((control as CustomControl).owner ? { owner: (control as CustomControl).owner } : {}),
      ...(criteriaOf(control).length > 0 ? { criteria: criteriaOf(control) } : {}),
      ...(latest
        ? {
            attestation: {
              control: latest.control,
              attestedBy: latest.attestedBy,
              attestedAt: latest.attestedAt,
              validUntil: latest.validUntil,
              note: latest.note,
            },
          }
        : {}),
    };
  });
}
