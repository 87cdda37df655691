// The state of a stream as of a run in PostgreSQL, rebuilt from the delta rows (see sqlite/state.ts).
import { findingKey, resourceKey } from '../run-build.js';
import type { RunRow } from '../run-row.js';
import type { FindingRecord } from '../types.js';
import { StoreError } from '../types.js';
import { firstRow, rows } from './connection.js';
import type { Queryable } from './connection.js';

export async function manifestState(db: Queryable, stream: string, seq: number): Promise<Map<string, string>> {
  const found = await rows<{ type: string; resource_id: string; blob_hash: string | null }>(
    db,
    `SELECT DISTINCT ON (type, resource_id) type, resource_id, blob_hash FROM manifest
     WHERE stream = $1 AND run_seq <= $2 ORDER BY type, resource_id, run_seq DESC`,
    [stream, seq],
  );
  return new Map(found.filter((r) => r.blob_hash !== null).map((r) => [resourceKey(r.type, r.resource_id), r.blob_hash!]));
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

export async function findingState(db: Queryable, stream: string, seq: number): Promise<Map<string, FindingRecord>> {
  const found = await rows<Omit<FindingColumns, 'status'> & { status: FindingRecord['status'] | null }>(
    db,
    `SELECT DISTINCT ON (check_id, resource_id) check_id, resource_id, resource_type, status, severity, message FROM findings
     WHERE stream = $1 AND run_seq <= $2 ORDER BY check_id, resource_id, run_seq DESC`,
    [stream, seq],
  );
  return new Map(found.filter((r): r is FindingColumns => r.status !== null).map((r) => [findingKey(r.check_id, r.resource_id), findingOf(r)]));
}

export async function latestSnapshotSeq(db: Queryable, collector: string, scope: string): Promise<number | null> {
  const row = await firstRow<{ seq: number | null }>(
    db,
    `SELECT max(seq) AS seq FROM runs WHERE collector = $1 AND scope = $2 AND status IN ('ok', 'partial')`,
    [collector, scope],
  );
  return row?.seq ?? null;
}

export async function runRow(db: Queryable, seq: number): Promise<RunRow> {
  const row = await firstRow<RunRow>(db, 'SELECT * FROM runs WHERE seq = $1', [seq]);
  if (!row) throw new StoreError(`no run ${seq} in the store`);
  return row;
}
