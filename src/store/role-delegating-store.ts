// The part every engine's store shares: each method handed to the role object that does it (writing runs,
// reading runs, snapshots and events, the response cache). An engine supplies the roles and its own
// identity, verify, stats and close.
import type { CachedResponse, EventItem, EventWindow, EvidenceItem } from '../collector.js';
import type { ChainedRunFields } from './chain.js';
import type {
  DigestRows,
  EventReader,
  EvidenceStore,
  FindingRecord,
  RecordedFinding,
  ResponseCache,
  RunFilter,
  RunIntent,
  RunOutcome,
  RunReader,
  RunRecord,
  RunStart,
  RunWriter,
  SnapshotEntry,
  SnapshotReader,
  StoreIdentity,
  StoreStats,
  VerifyOptions,
  VerifyReport,
} from './types.js';

export abstract class RoleDelegatingStore implements EvidenceStore {
  protected abstract readonly writer: RunWriter;
  protected abstract readonly runs: RunReader;
  protected abstract readonly snapshots: SnapshotReader;
  protected abstract readonly events: EventReader;
  protected abstract readonly cache: ResponseCache;

  abstract readonly path: string;
  abstract identity(): Promise<StoreIdentity>;
  abstract verify(options?: VerifyOptions): Promise<VerifyReport>;
  abstract stats(): Promise<StoreStats>;
  abstract close(): Promise<void>;

  startRun(start: RunStart): Promise<RunIntent> {
    return this.writer.startRun(start);
  }
  finishRun(intent: RunIntent, outcome: RunOutcome): Promise<RunRecord> {
    return this.writer.finishRun(intent, outcome);
  }
  recoverAbandonedRuns(now: Date): Promise<RunRecord[]> {
    return this.writer.recoverAbandonedRuns(now);
  }

  listRuns(filter?: RunFilter): Promise<RunRecord[]> {
    return this.runs.listRuns(filter);
  }
  getRun(seq: number): Promise<RunRecord | undefined> {
    return this.runs.getRun(seq);
  }
  latestSnapshots(at?: Date): Promise<RunRecord[]> {
    return this.runs.latestSnapshots(at);
  }
  latestRuns(at?: Date): Promise<RunRecord[]> {
    return this.runs.latestRuns(at);
  }
  lastResolvedScope(collector: string, configuredScope: string): Promise<string | undefined> {
    return this.runs.lastResolvedScope(collector, configuredScope);
  }
  chainedRuns(fromSeq: number, toSeq: number): Promise<{ fields: ChainedRunFields; hash: string }[]> {
    return this.runs.chainedRuns(fromSeq, toSeq);
  }
  eventStoredBy(collector: string, scope: string, eventId: string): Promise<{ runSeq: number; blobHash: string } | undefined> {
    return this.runs.eventStoredBy(collector, scope, eventId);
  }
  digestRows(seq: number): Promise<DigestRows | undefined> {
    return this.runs.digestRows(seq);
  }

  documentOf(seq: number, type: string, resourceId: string): Promise<EvidenceItem | undefined> {
    return this.snapshots.documentOf(seq, type, resourceId);
  }
  evidenceOf(seq: number): Promise<EvidenceItem[]> {
    return this.snapshots.evidenceOf(seq);
  }
  snapshotEntries(seq: number): Promise<SnapshotEntry[]> {
    return this.snapshots.snapshotEntries(seq);
  }
  storedDocument(blobHash: string): Promise<EvidenceItem> {
    return this.snapshots.storedDocument(blobHash);
  }
  findingsOf(seq: number): Promise<FindingRecord[]> {
    return this.snapshots.findingsOf(seq);
  }
  failingSince(seq: number): Promise<Map<string, string>> {
    return this.snapshots.failingSince(seq);
  }
  recordedFindings(collector: string, scope: string, checkIds: readonly string[], range?: { fromSeq?: number; toSeq?: number }): Promise<RecordedFinding[]> {
    return this.snapshots.recordedFindings(collector, scope, checkIds, range);
  }
  fileBytes(sha256: string): Promise<Buffer | undefined> {
    return this.snapshots.fileBytes(sha256);
  }

  watermarks(collector: string, scope: string): Promise<Record<string, string>> {
    return this.events.watermarks(collector, scope);
  }
  windowsOf(seq: number): Promise<EventWindow[]> {
    return this.events.windowsOf(seq);
  }
  streamWindows(collector: string, scope: string, from: Date, to: Date): Promise<EventWindow[]> {
    return this.events.streamWindows(collector, scope, from, to);
  }
  eventsOf(collector: string, scope: string, from: Date, to: Date): Promise<EventItem[]> {
    return this.events.eventsOf(collector, scope, from, to);
  }
  eventsById(collector: string, scope: string, eventIds: readonly string[]): Promise<EventItem[]> {
    return this.events.eventsById(collector, scope, eventIds);
  }
  iterateEvents(collector: string, scope: string, from: Date, to: Date): AsyncIterable<EventItem> {
    return this.events.iterateEvents(collector, scope, from, to);
  }

  cachedResponse(collector: string, scope: string, key: string): Promise<CachedResponse | undefined> {
    return this.cache.cachedResponse(collector, scope, key);
  }
  cacheResponse(collector: string, scope: string, key: string, value: CachedResponse): Promise<void> {
    return this.cache.cacheResponse(collector, scope, key, value);
  }

  // Verifying (verify.ts).
}
