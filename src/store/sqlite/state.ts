// The state of a stream as of a run, rebuilt from the delta rows: what a new run's delta is taken
// against (the writer) and what a snapshot holds (the readers).
import type { FindingRecord } from '../types.js';
import { StoreError } from '../types.js';
import { findingKey, resourceKey } from '../run-build.js';
import type { SqliteDatabase } from '../open-database.js';
import type { RunRow } from '../run-row.js';

/** type+id → blob hash of every document in the snapshot `seq` of `stream`. */
export function manifestState(db: SqliteDatabase, stream: string, seq: number): Map<string, string> {
  const rows = db
    .prepare(
      `SELECT type, resource_id, blob_hash FROM (
         SELECT type, resource_id, blob_hash,
                row_number() OVER (PARTITION BY type, resource_id ORDER BY run_seq DESC) AS rn
         FROM manifest WHERE stream = ? AND run_seq <= ?)
       WHERE rn = 1 AND blob_hash IS NOT NULL`,
    )
    .all(stream, seq) as { type: string; resource_id: string; blob_hash: string }[];
  return new Map(rows.map((r) => [resourceKey(r.type, r.resource_id), r.blob_hash]));
}

export interface FindingColumns {
  check_id: string;
  resource_id: string;
  resource_type: string;
  status: FindingRecord['status'];
  severity: FindingRecord['severity'];
  message: string;
}

export function findingOf(r: FindingColumns): FindingRecord {
  return { checkId: r.check_id, resourceId: r.resource_id, resourceType: r.resource_type, status: r.status, severity: r.severity, message: r.message };
}

/** checkId+resourceId → finding of every finding in the snapshot `seq` of `stream`. */
export function findingState(db: SqliteDatabase, stream: string, seq: number): Map<string, FindingRecord> {
  const rows = db
    .prepare(
      `SELECT check_id, resource_id, resource_type, status, severity, message FROM (
         SELECT *, row_number() OVER (PARTITION BY check_id, resource_id ORDER BY run_seq DESC) AS rn
         FROM findings WHERE stream = ? AND run_seq <= ?)
       WHERE rn = 1 AND status IS NOT NULL ORDER BY check_id, resource_id`,
    )
    .all(stream, seq) as FindingColumns[];
  return new Map(rows.map((r) => [findingKey(r.check_id, r.resource_id), findingOf(r)]));
}

export function latestSnapshotSeq(db: SqliteDatabase, collector: string, scope: string): number | null {
  const row = db.prepare(`SELECT max(seq) AS seq FROM runs WHERE collector = ? AND scope = ? AND status IN ('ok', 'partial')`).get(collector, scope) as {
    seq: number | null;
  };
  return row.seq;
}

export function runRow(db: SqliteDatabase, seq: number): RunRow {
  const row = db.prepare('SELECT * FROM runs WHERE seq = ?').get(seq) as RunRow | undefined;
  if (!row) throw new StoreError(`no run ${seq} in the store`);
  return row;
}
