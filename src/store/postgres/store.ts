// The PostgreSQL evidence store: the same rows, hashes and chain as the SQLite store, in a database
// several agents (and an auditor's read-only role) can share. Each role lives in its own file; this
// class connects lazily (openStore stays synchronous) and hands each method to its role.
import type pg from 'pg';
import type { CachedResponse, EventItem, EventWindow, EvidenceItem } from '../../collector.js';
import type { ChainedRunFields, StoreKind } from '../chain.js';
import type {
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
} from '../types.js';
import { createPool, prepareDatabase, redactedUrl, rows } from './connection.js';
import { PostgresEventReader } from './event-reader.js';
import { readIdentity } from './identity.js';
import { PostgresResponseCache } from './response-cache.js';
import { PostgresRunReader } from './run-reader.js';
import { PostgresRunWriter } from './run-writer.js';
import { PostgresSnapshotReader } from './snapshot-reader.js';
import { verifyPostgres } from './verify.js';

export interface PostgresStoreOptions {
  readonly?: boolean;
  kind?: StoreKind;
  /** The target of a migration: the schema without an identity of its own (the copy brings it). */
  withoutIdentity?: boolean;
}

export class PostgresEvidenceStore implements EvidenceStore {
  readonly path: string;
  private readonly pool: pg.Pool;
  private ready: Promise<pg.Pool> | undefined;
  private readonly runs: PostgresRunReader;
  private readonly writer: PostgresRunWriter;
  private readonly snapshots: PostgresSnapshotReader;
  private readonly events: PostgresEventReader;
  private readonly cache: PostgresResponseCache;

  private constructor(
    url: string,
    private readonly options: PostgresStoreOptions,
  ) {
    this.path = redactedUrl(url);
    this.pool = createPool(url, options.readonly ?? false);
    const pool = () => this.connected();
    this.runs = new PostgresRunReader(pool);
    this.writer = new PostgresRunWriter(this.path, pool, (collector, scope) => this.runs.lastResolvedScope(collector, scope));
    this.snapshots = new PostgresSnapshotReader(pool);
    this.events = new PostgresEventReader(pool);
    this.cache = new PostgresResponseCache(pool, options.readonly ?? false);
  }

  /** Opens the store at `url`; the connection and the schema are made at the first call. */
  static open(url: string, options: PostgresStoreOptions = {}): PostgresEvidenceStore {
    return new PostgresEvidenceStore(url, options);
  }

  /** The pool once the schema is in place (created or checked once, at the first call). */
  connected(): Promise<pg.Pool> {
    this.ready ??= prepareDatabase(this.pool, this.path, { readonly: this.options.readonly ?? false, ...this.options }).then(() => this.pool);
    return this.ready;
  }

  async identity(): Promise<StoreIdentity> {
    return readIdentity(await this.connected());
  }

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

  async verify(options: VerifyOptions = {}): Promise<VerifyReport> {
    return verifyPostgres(await this.connected(), options);
  }

  async stats(): Promise<StoreStats> {
    const pool = await this.connected();
    const [counts] = await rows<{ runs: number; blobs: number; manifest: number; findings: number; bytes: string }>(
      pool,
      `SELECT (SELECT count(*)::int FROM runs) AS runs, (SELECT count(*)::int FROM blobs) AS blobs,
              (SELECT count(*)::int FROM manifest) AS manifest, (SELECT count(*)::int FROM findings) AS findings,
              (SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE n.nspname = current_schema() AND c.relkind = 'r')::text AS bytes`,
    );
    return { runs: counts!.runs, blobs: counts!.blobs, manifestRows: counts!.manifest, findingRows: counts!.findings, fileBytes: Number(counts!.bytes) };
  }

  private closed = false;

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}
