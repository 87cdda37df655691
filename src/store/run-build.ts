// What a finished run stores, computed the same way by every store implementation: its delta rows
// against the stream's base snapshot, its counts, and its chained row with the hash linking it to the
// run before. Pure: the store reads the base state, calls these, and writes what they return, so SQLite
// and PostgreSQL hold the same rows under the same hashes and `verify` answers alike.
import type { EventItem, EvidenceItem, RunStatus } from '../collector.js';
import { encodeDocument, encodeEvent } from './blob-codec.js';
import { HASH_VERSION, eventsDigest, findingsDigest, manifestDigest, runHash, windowsDigest } from './chain.js';
import type { EventRow, FindingRow, ManifestRow, WindowRow } from './chain.js';
import { chainFields } from './run-row.js';
import type { RunRow } from './run-row.js';
import type { FindingCounts, FindingRecord, RunIntent, RunOutcome, RunRecord } from './types.js';
import { StoreError } from './types.js';

/** Runs whose evidence is a snapshot (a delta of the stream's previous one). */
export const SNAPSHOT_STATUSES: readonly RunStatus[] = ['ok', 'partial'];

/** Past its timeout a run is aborted by the runner; this margin covers recording the abort. */
const DEADLINE_MARGIN_MS = 10 * 60_000;
const DEFAULT_RUN_SPAN_MS = 24 * 3_600_000;

export function resourceKey(type: string, resourceId: string): string {
  return `${type}\u0000${resourceId}`;
}

export function findingKey(checkId: string, resourceId: string): string {
  return `${checkId}\u0000${resourceId}`;
}

/** When an intent is abandoned whatever wrote it: the run's own deadline plus the margin to record its abort. */
export function intentDeadline(start: Pick<RunIntent, 'startedAt' | 'deadline'>): string {
  return new Date((start.deadline?.getTime() ?? start.startedAt.getTime() + DEFAULT_RUN_SPAN_MS) + DEADLINE_MARGIN_MS).toISOString();
}

/** A document or event to store as a blob: its address and canonical JSON. */
export interface NewBlob {
  hash: string;
  canonical: string;
}

/**
 * The manifest rows that differ from the base snapshot (`before`: type+id → blob hash). Every document
 * is handed to `onDocument` (to store its blob, if new) in the order of the run's evidence.
 */
export function manifestDelta(
  before: ReadonlyMap<string, string>,
  evidence: readonly EvidenceItem[],
  onDocument: (blob: NewBlob) => void,
): { rows: ManifestRow[]; changes: RunRecord['changes'] } {
  const rows: ManifestRow[] = [];
  const changes = { added: 0, changed: 0, removed: 0 };
  const seen = new Set<string>();
  for (const item of evidence) {
    const key = resourceKey(item.type, item.resourceId);
    if (seen.has(key)) throw new StoreError(`evidence ${item.type} ${item.resourceId} appears twice in one run`);
    seen.add(key);
    const blob = encodeDocument(item);
    onDocument(blob);
    const previous = before.get(key);
    if (previous === blob.hash) continue;
    rows.push([item.type, item.resourceId, blob.hash]);
    if (previous === undefined) changes.added += 1;
    else changes.changed += 1;
  }
  for (const key of before.keys()) {
    if (seen.has(key)) continue;
    const [type, id] = key.split('\u0000') as [string, string];
    rows.push([type, id, null]);
    changes.removed += 1;
  }
  return { rows, changes };
}

/** The finding rows that differ from the base snapshot's findings; a finding gone is a row with no status. */
export function findingsDelta(before: ReadonlyMap<string, FindingRecord>, findings: readonly FindingRecord[]): FindingRow[] {
  const rows: FindingRow[] = [];
  const seen = new Set<string>();
  for (const f of findings) {
    const key = findingKey(f.checkId, f.resourceId);
    if (seen.has(key)) throw new StoreError(`finding ${f.checkId} on ${f.resourceId} appears twice in one run`);
    seen.add(key);
    const old = before.get(key);
    const same = old && old.status === f.status && old.message === f.message && old.severity === f.severity && old.resourceType === f.resourceType;
    if (!same) rows.push([f.checkId, f.resourceId, f.resourceType, f.status, f.severity, f.message]);
  }
  for (const [key, old] of before) {
    if (!seen.has(key)) rows.push([old.checkId, old.resourceId, old.resourceType, null, old.severity, '']);
  }
  return rows;
}

export function windowRowsOf(outcome: RunOutcome): WindowRow[] {
  const rows = (outcome.windows ?? []).map((w): WindowRow => [w.partition, w.from, w.to, w.complete ? 1 : 0, w.error ?? null]);
  const partitions = new Set<string>();
  for (const [partition, from, to] of rows) {
    if (partitions.has(partition)) throw new StoreError(`the run reports two event windows for ${partition}`);
    partitions.add(partition);
    if (!(Date.parse(from) <= Date.parse(to))) {
      throw new StoreError(`the event window of ${partition} is not a time span (${from} to ${to})`);
    }
  }
  return rows;
}

/**
 * The events no earlier run of the stream stored (`isKnown`), as chain rows; each new one's blob is
 * handed to `onBlob`. Every event must fall in a window the run reports for its partition: an event
 * outside any read window would be a population nobody can say is complete.
 */
export function newEventRows(
  events: readonly EventItem[],
  windows: readonly WindowRow[],
  isKnown: (eventId: string) => boolean,
  onBlob: (blob: NewBlob) => void,
): EventRow[] {
  const partitions = new Set(windows.map(([partition]) => partition));
  const seen = new Set<string>();
  const rows: EventRow[] = [];
  for (const item of events) {
    if (!partitions.has(item.partition)) {
      throw new StoreError(`event ${item.eventId} is in partition ${item.partition}, for which the run reports no window`);
    }
    if (seen.has(item.eventId)) continue;
    seen.add(item.eventId);
    if (isKnown(item.eventId)) continue;
    const blob = encodeEvent(item);
    onBlob(blob);
    rows.push([item.eventId, item.type, item.occurredAt, item.partition, item.flags?.length ? JSON.stringify(item.flags) : null, blob.hash]);
  }
  return rows;
}

/** The delta rows of a run, as its hash covers them. */
export interface RunDelta {
  manifestRows: ManifestRow[];
  changes: RunRecord['changes'];
  findingRows: FindingRow[];
  windowRows: WindowRow[];
  eventRows: EventRow[];
  /** SHA-256 of every file the run cites, stored as blobs. */
  fileHashes: string[];
}

export const EMPTY_DELTA: RunDelta = {
  manifestRows: [],
  changes: { added: 0, changed: 0, removed: 0 },
  findingRows: [],
  windowRows: [],
  eventRows: [],
  fileHashes: [],
};

/** Where the run goes in the chain and what its hash covers besides its own fields. */
export interface ChainPosition {
  seq: number;
  prevHash: string;
  baseSeq: number | null;
  intentHash: string;
  storeHash: string;
}

/** The run's stored row, hashed into the chain. */
export function runRowOf(intent: RunIntent, outcome: RunOutcome, delta: RunDelta, at: ChainPosition): RunRow {
  const isSnapshot = SNAPSHOT_STATUSES.includes(outcome.status);
  const findingCounts: FindingCounts = { pass: 0, fail: 0, error: 0, not_applicable: 0 };
  for (const finding of isSnapshot ? outcome.findings : []) findingCounts[finding.status] += 1;
  const meta = delta.fileHashes.length > 0 ? { ...outcome.meta, files: delta.fileHashes } : outcome.meta;
  const row: RunRow = {
    seq: at.seq,
    id: intent.id,
    collector: intent.collector,
    scope: outcome.resolvedScope ?? intent.scope,
    started_at: intent.startedAt.toISOString(),
    finished_at: outcome.finishedAt.toISOString(),
    status: outcome.status,
    error: outcome.error,
    api_calls: outcome.apiCalls,
    agent_version: intent.agentVersion,
    mapping_version: intent.mappingVersion,
    config_digest: intent.configDigest,
    base_seq: at.baseSeq,
    evidence_count: isSnapshot ? outcome.evidence.length : 0,
    changes: JSON.stringify(delta.changes),
    finding_counts: JSON.stringify(findingCounts),
    meta: JSON.stringify(meta),
    event_counts: JSON.stringify({
      read: isSnapshot ? (outcome.events?.length ?? 0) : 0,
      stored: delta.eventRows.length,
      incompleteWindows: delta.windowRows.filter((w) => w[3] === 0).length,
    }),
    manifest_digest: manifestDigest(delta.manifestRows),
    findings_digest: findingsDigest(delta.findingRows),
    events_digest: eventsDigest(delta.eventRows),
    windows_digest: windowsDigest(delta.windowRows),
    prev_hash: at.prevHash,
    hash: '',
    hash_version: HASH_VERSION,
    intent_hash: at.intentHash,
    store_hash: at.storeHash,
  };
  row.hash = runHash(chainFields(row));
  return row;
}

/** The aborted run recorded for an intent whose process died: what recoverAbandonedRuns stores. */
export function abandonedOutcome(intent: { pid: number; host: string; scope: string }, now: Date, resolvedScope: string | undefined): RunOutcome {
  return {
    finishedAt: now,
    status: 'aborted',
    error: `the agent process (pid ${intent.pid} on ${intent.host}) ended before the run finished; recorded when the store was next opened`,
    apiCalls: 0,
    resolvedScope,
    evidence: [],
    findings: [],
    meta: { recovered: true, ...(resolvedScope ? { configuredScope: intent.scope } : {}) },
  };
}

/** Snapshot entries and findings in one total order (UTF-16 units), whatever order the database returns. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function byCheckThenResource(a: FindingRecord, b: FindingRecord): number {
  return compareText(a.checkId, b.checkId) || compareText(a.resourceId, b.resourceId);
}
