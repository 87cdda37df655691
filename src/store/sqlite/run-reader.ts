// Reading runs from SQLite: the chain's records, by filter, by seq, and the latest per stream.
import type { SqliteDatabase } from '../open-database.js';
import { chainFields, streamKey, toRecord } from '../run-row.js';
import type { RunRow } from '../run-row.js';
import type { ChainedRunFields } from '../chain.js';
import type { DigestRows, RunFilter, RunReader, RunRecord } from '../types.js';
import { digestRowsOf } from '../digest-rows.js';
import type { StoredEventRow, StoredFindingRow } from '../digest-rows.js';

export class SqliteRunReader implements RunReader {
  constructor(private readonly db: SqliteDatabase) {}

  async listRuns(filter: RunFilter = {}): Promise<RunRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.collector) {
      where.push('collector = ?');
      params.push(filter.collector);
    }
    if (filter.scope) {
      where.push('scope = ?');
      params.push(filter.scope);
    }
    if (filter.from) {
      where.push('started_at >= ?');
      params.push(filter.from.toISOString());
    }
    if (filter.to) {
      where.push('started_at < ?');
      params.push(filter.to.toISOString());
    }
    const sql = `SELECT * FROM runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq${
      filter.limit ? ` DESC LIMIT ${Math.max(0, Math.floor(filter.limit))}` : ''
    }`;
    const rows = (this.db.prepare(sql).all(...params) as RunRow[]).map(toRecord);
    return filter.limit ? rows.reverse() : rows;
  }

  async getRun(seq: number): Promise<RunRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM runs WHERE seq = ?').get(seq) as RunRow | undefined;
    return row && toRecord(row);
  }

  async latestSnapshots(at: Date = new Date()): Promise<RunRecord[]> {
    return this.latestPerStream(at, "status IN ('ok', 'partial') AND");
  }

  async latestRuns(at: Date = new Date()): Promise<RunRecord[]> {
    return this.latestPerStream(at, '');
  }

  private latestPerStream(at: Date, condition: string): RunRecord[] {
    const rows = this.db
      .prepare(
        `SELECT r.* FROM runs r
         JOIN (SELECT collector, scope, max(seq) AS seq FROM runs
               WHERE ${condition} started_at <= ? GROUP BY collector, scope) latest
           ON latest.seq = r.seq
         ORDER BY r.collector, r.scope`,
      )
      .all(at.toISOString()) as RunRow[];
    return rows.map(toRecord);
  }

  async lastResolvedScope(collector: string, configuredScope: string): Promise<string | undefined> {
    const row = this.db
      .prepare(
        `SELECT scope FROM runs WHERE collector = ? AND json_extract(meta, '$.configuredScope') = ?
         ORDER BY seq DESC LIMIT 1`,
      )
      .get(collector, configuredScope) as { scope: string } | undefined;
    return row?.scope;
  }

  async chainedRuns(fromSeq: number, toSeq: number): Promise<{ fields: ChainedRunFields; hash: string }[]> {
    const rows = this.db.prepare('SELECT * FROM runs WHERE seq BETWEEN ? AND ? ORDER BY seq').all(fromSeq, toSeq) as RunRow[];
    return rows.map((row) => ({ fields: chainFields(row), hash: row.hash }));
  }

  async eventStoredBy(collector: string, scope: string, eventId: string): Promise<{ runSeq: number; blobHash: string } | undefined> {
    const row = this.db.prepare('SELECT run_seq, blob_hash FROM events WHERE stream = ? AND event_id = ?').get(streamKey(collector, scope), eventId) as
      { run_seq: number; blob_hash: string } | undefined;
    return row ? { runSeq: row.run_seq, blobHash: row.blob_hash } : undefined;
  }

  async digestRows(seq: number): Promise<DigestRows | undefined> {
    // SELECT *: a store not migrated yet has no hash_version column (its runs are all version 1).
    const run = this.db.prepare('SELECT * FROM runs WHERE seq = ?').get(seq) as RunRow | undefined;
    if (!run) return undefined;
    const events = this.db.prepare(`${EVENT_ROWS} WHERE run_seq = ? ORDER BY event_id`).all(seq) as StoredEventRow[];
    const findings = this.db.prepare(`${FINDING_ROWS} WHERE run_seq = ? ORDER BY check_id, resource_id`).all(seq) as StoredFindingRow[];
    return digestRowsOf(run.hash_version ?? 1, events, findings);
  }
}

const EVENT_ROWS = 'SELECT event_id, type, occurred_at, partition, flags, blob_hash FROM events';
const FINDING_ROWS = 'SELECT check_id, resource_id, resource_type, status, severity, message FROM findings';
