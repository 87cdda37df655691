// The store interface. Nothing outside src/store/ imports better-sqlite3; methods are async so a
// networked backend (PostgreSQL, planned) fits behind the same interface.
import type { ChainedRunFields, StoreKind } from './chain.js';

export type { StoreKind } from './chain.js';

/** What a store is: recorded when it was created (or upgraded), else inferred from its runs. */
export interface StoreIdentity {
  storeId: string;
  kind: StoreKind;
  createdAt: string;
  /** False for a store written before stores recorded their kind (the kind is then inferred from its runs). */
  recorded: boolean;
  /** False when the recorded identity does not match its hash: written outside the agent. */
  intact: boolean;
}
import type { CachedResponse, EventItem, EventWindow, EvidenceItem, FindingStatus, RunStatus, Severity } from '../collector.js';

/** What is known when a run starts. */
export interface RunStart {
  collector: string;
  /** Configured scope (account id, org); the collector may resolve it at run time. */
  scope: string;
  startedAt: Date;
  agentVersion: string;
  mappingVersion: string;
  configDigest: string;
  /**
   * When the run will have been aborted by its timeout at the latest: an intent still open after
   * this is abandoned, whichever host or pid wrote it. Default: a day after the start.
   */
  deadline?: Date;
}

/** A started run, recorded so that a crash before it finishes is found and recorded as aborted. */
export interface RunIntent extends RunStart {
  id: string;
}

export interface FindingRecord {
  checkId: string;
  resourceType: string;
  resourceId: string;
  status: FindingStatus;
  severity: Severity;
  message: string;
}

/** A finding as a run's delta recorded it (it appeared or changed in that run). */
export interface RecordedFinding extends FindingRecord {
  runSeq: number;
  /** When the run that recorded it started. */
  runStartedAt: string;
}

/** What a run produced. For failed and aborted runs evidence and findings are empty. */
export interface RunOutcome {
  finishedAt: Date;
  status: RunStatus;
  error: string | null;
  apiCalls: number;
  /** The scope actually collected when it differs from the configured one. */
  resolvedScope?: string;
  evidence: EvidenceItem[];
  findings: FindingRecord[];
  /** Log events read (event collectors); each is stored once per stream by its id. */
  events?: EventItem[];
  /** The windows those events cover, per partition; required for every partition with events. */
  windows?: EventWindow[];
  /** Files cited by the evidence (attestations): stored as blobs addressed by the SHA-256 of their bytes. */
  files?: Buffer[];
  meta: Record<string, unknown>;
}

export interface EventCounts {
  /** Events the run read. */
  read: number;
  /** Of those, events no earlier run of the stream had stored. */
  stored: number;
  /** Windows that could not be read in full: recorded holes. */
  incompleteWindows: number;
}

export interface FindingCounts {
  pass: number;
  fail: number;
  error: number;
  not_applicable: number;
}

export interface RunRecord {
  seq: number;
  id: string;
  collector: string;
  scope: string;
  startedAt: string;
  finishedAt: string;
  status: RunStatus;
  error: string | null;
  apiCalls: number;
  agentVersion: string;
  mappingVersion: string;
  configDigest: string;
  /** The previous snapshot (ok or partial run) of the same collector and scope this one is a delta of. */
  baseSeq: number | null;
  evidenceCount: number;
  /** Evidence documents added, changed and removed since the base snapshot. */
  changes: { added: number; changed: number; removed: number };
  findingCounts: FindingCounts;
  meta: Record<string, unknown>;
  eventCounts: EventCounts;
  prevHash: string;
  hash: string;
}

export interface RunFilter {
  collector?: string;
  scope?: string;
  /** Only runs started at or after this instant. */
  from?: Date;
  /** Only runs started before this instant. */
  to?: Date;
  limit?: number;
}

export interface VerifyProblem {
  /** What kind of record failed: blob, run, manifest, findings, events, run intent, store identity, schema. */
  kind: 'blob' | 'run' | 'manifest' | 'findings' | 'events' | 'intent' | 'store' | 'schema';
  /** The record, named so a person can find it (run seq and id, blob hash and resource). */
  record: string;
  message: string;
}

export interface VerifyReport {
  ok: boolean;
  runs: number;
  blobs: number;
  problems: VerifyProblem[];
  /** With `head`: where the chain head kept earlier sits in the chain now (absent: it is not there). */
  head?: { seq: number; runsAfter: number };
}

export interface VerifyOptions {
  /**
   * A run hash kept outside the store (an earlier verify, a signed bundle's last run): the chain alone
   * cannot show its newest runs cut off; this hash can, since it must still be in the chain.
   */
  head?: string;
}

export interface StoreStats {
  runs: number;
  blobs: number;
  manifestRows: number;
  findingRows: number;
  fileBytes: number;
}

export interface EvidenceStore {
  readonly path: string;
  /** What the store is (demo or real evidence), as recorded in its identity record. */
  identity(): Promise<StoreIdentity>;
  /** Records that a run started; the intent disappears when finishRun commits. */
  startRun(start: RunStart): Promise<RunIntent>;
  /** Stores the run, its evidence and its findings in one transaction and chains it. */
  finishRun(intent: RunIntent, outcome: RunOutcome): Promise<RunRecord>;
  /** Runs whose process died before they finished, recorded now as `aborted` runs. */
  recoverAbandonedRuns(now: Date): Promise<RunRecord[]>;
  listRuns(filter?: RunFilter): Promise<RunRecord[]>;
  getRun(seq: number): Promise<RunRecord | undefined>;
  /** The latest snapshot (ok or partial run) of every collector and scope, as of `at` (default: now). */
  latestSnapshots(at?: Date): Promise<RunRecord[]>;
  /** The latest run (any status) of every collector and scope, as of `at` (default: now). */
  latestRuns(at?: Date): Promise<RunRecord[]>;
  /**
   * The scope a configured scope last resolved to (an empty account entry resolves to the account
   * id at run time), so a failed run is filed under the same stream as the successful ones.
   */
  lastResolvedScope(collector: string, configuredScope: string): Promise<string | undefined>;
  /** Per partition, the end of the last complete event window of a stream: where reading resumes. */
  watermarks(collector: string, scope: string): Promise<Record<string, string>>;
  /** The event windows a run recorded. */
  windowsOf(seq: number): Promise<EventWindow[]>;
  /** A cached response of a stream (see HttpCache): not evidence, replaced freely, not in the chain. */
  cachedResponse(collector: string, scope: string, key: string): Promise<CachedResponse | undefined>;
  cacheResponse(collector: string, scope: string, key: string, value: CachedResponse): Promise<void>;
  /** The windows of a stream's runs that overlap [from, to), every partition, ordered by partition and start. */
  streamWindows(collector: string, scope: string, from: Date, to: Date): Promise<EventWindow[]>;
  /** The events of a stream that occurred in [from, to), oldest first (the population). */
  eventsOf(collector: string, scope: string, from: Date, to: Date): Promise<EventItem[]>;
  /**
   * The stored events of a stream with these ids (those it holds), read from their stored documents:
   * when an event a finding names occurred.
   */
  eventsById(collector: string, scope: string, eventIds: readonly string[]): Promise<EventItem[]>;
  /**
   * Every finding of these checks that a stream's runs recorded in their deltas (when it appeared or
   * changed; removals left out), runs `fromSeq` to `toSeq`, oldest run first. An event check's findings
   * are those of the events each run read: this is every one of them, however many runs ago.
   */
  recordedFindings(collector: string, scope: string, checkIds: readonly string[], range?: { fromSeq?: number; toSeq?: number }): Promise<RecordedFinding[]>;
  /** The same events one at a time, for populations too large to hold (an export of a long period). */
  iterateEvents(collector: string, scope: string, from: Date, to: Date): AsyncIterable<EventItem>;
  /** The runs seq in [fromSeq, toSeq] as the chain hashes them (an export lets them be re-checked offline). */
  chainedRuns(fromSeq: number, toSeq: number): Promise<{ fields: ChainedRunFields; hash: string }[]>;
  /** One document of a snapshot (as of that run), without rebuilding the rest. */
  documentOf(seq: number, type: string, resourceId: string): Promise<EvidenceItem | undefined>;
  /** The full evidence of a snapshot, rebuilt from the deltas. */
  evidenceOf(seq: number): Promise<EvidenceItem[]>;
  /**
   * What evidenceOf returns, without the documents: type, id and the SHA-256 of the stored document, in
   * the same order. With `storedDocument`, a reader takes the documents one at a time, and one it has
   * seen (same hash) not at all.
   */
  snapshotEntries(seq: number): Promise<SnapshotEntry[]>;
  storedDocument(blobHash: string): Promise<EvidenceItem>;
  /**
   * For each finding failing in snapshot `seq`: when its current failing streak began (the start of the
   * run whose delta first showed it failing), keyed `checkId\u0000resourceId`.
   */
  failingSince(seq: number): Promise<Map<string, string>>;
  /** The bytes of a stored file (see RunOutcome.files), by the SHA-256 of its content. */
  fileBytes(sha256: string): Promise<Buffer | undefined>;
  /** The full findings of a snapshot, rebuilt from the deltas. */
  findingsOf(seq: number): Promise<FindingRecord[]>;
  verify(options?: VerifyOptions): Promise<VerifyReport>;
  stats(): Promise<StoreStats>;
  close(): Promise<void>;
}

export class StoreError extends Error {
  override name = 'StoreError';
}

export interface SnapshotEntry {
  type: string;
  resourceId: string;
  /** SHA-256 of the document's canonical JSON, as stored. */
  blobHash: string;
}
