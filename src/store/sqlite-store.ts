// The SQLite evidence store: one file, one transaction per run, content-addressed blobs, delta manifests
// and findings, every run hash-chained to the one before it. Each role lives in its own file under
// sqlite/; this class opens the file and hands each method to the role that does it.
import type { StoreKind } from './chain.js';
import { readIdentity } from './identity.js';
import { openDatabase } from './open-database.js';
import type { SqliteDatabase } from './open-database.js';
import { SqliteEventReader } from './sqlite/event-reader.js';
import { SqliteResponseCache } from './sqlite/response-cache.js';
import { SqliteRunReader } from './sqlite/run-reader.js';
import { SqliteRunWriter } from './sqlite/run-writer.js';
import { SqliteSnapshotReader } from './sqlite/snapshot-reader.js';
import { RoleDelegatingStore } from './role-delegating-store.js';
import { verifyDatabase } from './verify.js';
import type { StoreIdentity, StoreStats, VerifyOptions, VerifyReport } from './types.js';

export class SqliteEvidenceStore extends RoleDelegatingStore {
  protected readonly runs: SqliteRunReader;
  protected readonly writer: SqliteRunWriter;
  protected readonly snapshots: SqliteSnapshotReader;
  protected readonly events: SqliteEventReader;
  protected readonly cache: SqliteResponseCache;

  private constructor(
    readonly path: string,
    private readonly db: SqliteDatabase,
    private readonly readonly: boolean,
  ) {
    super();
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
    return new SqliteEvidenceStore(
      path,
      openDatabase(path, { readonly, ...(options.kind ? { kind: options.kind } : {}), ...(options.untouched ? { untouched: true } : {}) }),
      readonly,
    );
  }

  async identity(): Promise<StoreIdentity> {
    return readIdentity(this.db);
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
