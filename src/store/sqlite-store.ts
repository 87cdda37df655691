// The SQLite evidence store: one file, one transaction per run, content-addressed blobs, delta manifests
// and findings, every run hash-chained to the one before it. Each role lives in its own file under
// sqlite/; this class opens the file and hands each method to the role that does it.
import type { CachedResponse, EventItem, EventWindow, EvidenceItem } from '../collector.js';
import type { ChainedRunFields, StoreKind } from './chain.js';
import { readIdentity } from './identity.js';
import { openDatabase } from './open-database.js';
import type { SqliteDatabase } from './open-database.js';
import { SqliteEventReader } from './sqlite/event-reader.js';
import { SqliteResponseCache } from './sqlite/response-cache.js';
import { SqliteRunReader } from './sqlite/run-reader.js';
import { SqliteRunWriter } from './sqlite/run-writer.js';
import { SqliteSnapshotReader } from './sqlite/snapshot-reader.js';
import { verifyDatabase } from './verify.js';
import type {
  DigestRows,
  EvidenceStore,
  FindingRecord,
  RecordedFinding,
  RunFilter,
  RunIntent,
  RunOutcome,
  RunRecord,
  RunStart,
  SnapshotEntry,
  StoreIdentity,
  StoreStats,
  VerifyOptions,
  VerifyReport,
} from './types.js';

export class SqliteEvidenceStore implements EvidenceStore {
  private readonly runs: SqliteRunReader;
  private readonly writer: SqliteRunWriter;
  private readonly snapshots: SqliteSnapshotReader;
  private readonly events: SqliteEventReader;
  private readonly cache: SqliteResponseCache;

  private constructor(
    readonly path: string,
    private readonly db: SqliteDatabase,
    private readonly readonly: boolean,
  ) {
    this.runs = new SqliteRunReader(db);
    this.writer = new SqliteRunWriter(path, db, (collector, scope) => this.runs.lastResolvedScope(collector, scope));
    this.snapshots = new SqliteSnapshotReader(db);
    this.events = new SqliteEventReader(db);
    this.cache = new SqliteResponseCache(db, readonly);
  }

  /**
   * Read-only stores (the read commands, verify) never migrate or checkpoint the file they read.
   * `kind`: what a store created now holds (default real); an existing store keeps the kind it recorded.
   */
  static open(path: string, options: { readonly?: boolean; kind?: StoreKind; untouched?: boolean } = {}): SqliteEvidenceStore {
    const readonly = options.readonly ?? false;
    return new SqliteEvidenceStore(path, openDatabase(path, { readonly, ...(options.kind ? { kind: options.kind } : {}), ...(options.untouched ? { untouched: true } : {}) }), readonly);
  }

  async identity(): Promise<StoreIdentity> {
    return readIdentity(this.db);
  }

  // Writing runs (sqlite/run-writer.ts).
  startRun(start: RunStart): Promise<RunIntent> {
    return this.writer.startRun(start);
  }
  finishRun(intent: RunIntent, outcome: RunOutcome): Promise<RunRecord> {
    return this.writer.finishRun(intent, outcome);
  }
  recoverAbandonedRuns(now: Date): Promise<RunRecord[]> {
    return this.writer.recoverAbandonedRuns(now);
  }

  // Reading runs (sqlite/run-reader.ts).
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

  // Reading snapshots (sqlite/snapshot-reader.ts).
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

  // Reading events (sqlite/event-reader.ts).
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

  // The response cache (sqlite/response-cache.ts).
  cachedResponse(collector: string, scope: string, key: string): Promise<CachedResponse | undefined> {
    return this.cache.cachedResponse(collector, scope, key);
  }
  cacheResponse(collector: string, scope: string, key: string, value: CachedResponse): Promise<void> {
    return this.cache.cacheResponse(collector, scope, key, value);
  }

  // Verifying (verify.ts).
  async verify(options: VerifyOptions = {}): Promise<VerifyReport> {
    return verifyDatabase(this.db, options);
  }

  async stats(): Promise<StoreStats> {
    const count = (table: string) => (this.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    const pageCount = this.db.pragma('page_count', { simple: true }) as number;
    const pageSize = this.db.pragma('page_size', { simple: true }) as number;
    return {
      runs: count('runs'),
      blobs: count('blobs'),
      manifestRows: count('manifest'),
      findingRows: count('findings'),
      fileBytes: pageCount * pageSize,
    };
  }

  async close(): Promise<void> {
    if (this.db.open) {
      if (!this.readonly) this.db.pragma('wal_checkpoint(TRUNCATE)');
      this.db.close();
    }
  }
}
