// The PostgreSQL evidence store: the same rows, hashes and chain as the SQLite store, in a database
// several agents (and an auditor's read-only role) can share. Each role lives in its own file; this
// class connects lazily (openStore stays synchronous) and hands each method to its role.
import { RoleDelegatingStore } from '../role-delegating-store.js';
import type pg from 'pg';
import type { StoreKind } from '../chain.js';
import type { StoreIdentity, StoreStats, VerifyOptions, VerifyReport } from '../types.js';
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

export class PostgresEvidenceStore extends RoleDelegatingStore {
  readonly path: string;
  private readonly pool: pg.Pool;
  private ready: Promise<pg.Pool> | undefined;
  protected readonly runs: PostgresRunReader;
  protected readonly writer: PostgresRunWriter;
  protected readonly snapshots: PostgresSnapshotReader;
  protected readonly events: PostgresEventReader;
  protected readonly cache: PostgresResponseCache;

  private constructor(
    url: string,
    private readonly options: PostgresStoreOptions,
  ) {
    super();
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
