// Reading snapshots from SQLite: documents, findings and cited files as of a run, rebuilt from the deltas.
import type { EvidenceItem } from '../../collector.js';
import { decodeDocument, decompress } from '../blob-codec.js';
import type { SqliteDatabase } from '../open-database.js';
import { SNAPSHOT_STATUSES, byCheckThenResource, compareText, findingKey } from '../run-build.js';
import { streamKey } from '../run-row.js';
import type { FindingRecord, RecordedFinding, SnapshotEntry, SnapshotReader } from '../types.js';
import { StoreError } from '../types.js';
import { findingOf, findingState, manifestState, runRow } from './state.js';
import type { FindingColumns } from './state.js';

type BlobRow = { codec: string; content: Buffer };

export class SqliteSnapshotReader implements SnapshotReader {
  /**
   * Per stream, the findings state findingsOf read last, its Map in (check, resource) order: a period is
   * read day by day across the streams, so one slot for all of them would be rebuilt at every call.
   */
  private readonly lastFindingStates = new Map<string, { seq: number; state: Map<string, FindingRecord>; sorted: boolean }>();

  constructor(private readonly db: SqliteDatabase) {}

  async documentOf(seq: number, type: string, resourceId: string): Promise<EvidenceItem | undefined> {
    const run = runRow(this.db, seq);
    if (!SNAPSHOT_STATUSES.includes(run.status)) return undefined;
    const row = this.db
      .prepare(
        `SELECT b.codec, b.content FROM manifest m LEFT JOIN blobs b ON b.hash = m.blob_hash
         WHERE m.stream = ? AND m.type = ? AND m.resource_id = ? AND m.run_seq <= ?
         ORDER BY m.run_seq DESC LIMIT 1`,
      )
      .get(streamKey(run.collector, run.scope), type, resourceId, seq) as { codec: string | null; content: Buffer | null } | undefined;
    // No row, or the latest row is a removal (no blob).
    if (!row?.codec || !row.content) return undefined;
    return decodeDocument(decompress(row.codec, row.content).toString('utf8'));
  }

  async evidenceOf(seq: number): Promise<EvidenceItem[]> {
    const items: EvidenceItem[] = [];
    for (const entry of await this.snapshotEntries(seq)) items.push(await this.storedDocument(entry.blobHash));
    return items;
  }

  async snapshotEntries(seq: number): Promise<SnapshotEntry[]> {
    const run = runRow(this.db, seq);
    if (!SNAPSHOT_STATUSES.includes(run.status)) return [];
    const entries: SnapshotEntry[] = [];
    for (const [key, blobHash] of manifestState(this.db, streamKey(run.collector, run.scope), seq)) {
      const [type, resourceId] = key.split('\u0000') as [string, string];
      entries.push({ type, resourceId, blobHash });
    }
    // By type, then id: a total order, so the same snapshot always lists (and exports) the same way.
    return entries.sort((a, b) => compareText(a.type, b.type) || compareText(a.resourceId, b.resourceId));
  }

  async storedDocument(blobHash: string): Promise<EvidenceItem> {
    const blob = this.db.prepare('SELECT codec, content FROM blobs WHERE hash = ?').get(blobHash) as BlobRow | undefined;
    if (!blob) throw new StoreError(`blob ${blobHash} referenced by a snapshot is missing: run verify`);
    return decodeDocument(decompress(blob.codec, blob.content).toString('utf8'));
  }

  async fileBytes(sha256: string): Promise<Buffer | undefined> {
    const blob = this.db.prepare('SELECT codec, content FROM blobs WHERE hash = ?').get(sha256) as BlobRow | undefined;
    return blob ? decompress(blob.codec, blob.content) : undefined;
  }

  async recordedFindings(
    collector: string,
    scope: string,
    checkIds: readonly string[],
    range: { fromSeq?: number; toSeq?: number } = {},
  ): Promise<RecordedFinding[]> {
    if (checkIds.length === 0) return [];
    const rows = this.db
      .prepare(
        `SELECT f.run_seq, r.started_at, f.check_id, f.resource_id, f.resource_type, f.status, f.severity, f.message
         FROM findings f JOIN runs r ON r.seq = f.run_seq
         WHERE f.stream = ? AND f.check_id IN (${checkIds.map(() => '?').join(', ')}) AND f.run_seq >= ? AND f.run_seq <= ? AND f.status IS NOT NULL
         ORDER BY f.run_seq, f.check_id, f.resource_id`,
      )
      .all(streamKey(collector, scope), ...checkIds, range.fromSeq ?? 0, range.toSeq ?? Number.MAX_SAFE_INTEGER) as (FindingColumns & {
      run_seq: number;
      started_at: string;
    })[];
    return rows.map((r) => ({ runSeq: r.run_seq, runStartedAt: r.started_at, ...findingOf(r) }));
  }

  async failingSince(seq: number): Promise<Map<string, string>> {
    const run = runRow(this.db, seq);
    const rows = this.db
      .prepare(
        `SELECT f.check_id, f.resource_id, f.status, r.started_at FROM findings f JOIN runs r ON r.seq = f.run_seq
         WHERE f.stream = ? AND f.run_seq <= ? ORDER BY f.check_id, f.resource_id, f.run_seq`,
      )
      .all(streamKey(run.collector, run.scope), seq) as { check_id: string; resource_id: string; status: string | null; started_at: string }[];
    const since = new Map<string, string>();
    for (const row of rows) {
      const key = findingKey(row.check_id, row.resource_id);
      // A delta row that keeps failing (a changed message) continues the streak.
      if (row.status === 'fail') {
        if (!since.has(key)) since.set(key, row.started_at);
      } else since.delete(key);
    }
    return since;
  }

  async findingsOf(seq: number): Promise<FindingRecord[]> {
    const run = runRow(this.db, seq);
    if (!SNAPSHOT_STATUSES.includes(run.status)) return [];
    const stream = streamKey(run.collector, run.scope);
    // A period is read run after run of a stream (coverage, export): the state of the previous run read
    // plus the deltas since is a few hundred rows a day, where rebuilding it is every row up to `seq`.
    const last = this.lastFindingStates.get(stream);
    let state: Map<string, FindingRecord>;
    let sorted = true;
    if (last && last.seq <= seq) {
      // Updated in place: what callers hold is the arrays returned, never this Map.
      state = last.state;
      sorted = last.sorted;
      for (const row of this.findingRowsBetween(stream, last.seq, seq)) {
        const key = findingKey(row.checkId, row.resourceId);
        if (row.status === null) state.delete(key);
        else {
          if (!state.has(key)) sorted = false;
          state.set(key, row as FindingRecord);
        }
      }
    } else {
      state = findingState(this.db, stream, seq);
      sorted = false; // SQLite orders by UTF-8 bytes, the report by UTF-16 units: sort once here
    }
    let records = [...state.values()];
    if (!sorted) {
      records = records.sort(byCheckThenResource);
      state = new Map(records.map((r) => [findingKey(r.checkId, r.resourceId), r]));
    }
    this.lastFindingStates.set(stream, { seq, state, sorted: true });
    return records;
  }

  /**
   * The finding delta rows of `stream`'s runs after `afterSeq` up to `seq`, oldest run first. The `+`
   * keeps SQLite on the primary key's run_seq range: on the stream index it reads the stream's every row.
   */
  private findingRowsBetween(stream: string, afterSeq: number, seq: number): (Omit<FindingRecord, 'status'> & { status: FindingRecord['status'] | null })[] {
    const rows = this.db
      .prepare(
        `SELECT check_id, resource_id, resource_type, status, severity, message FROM findings
         WHERE run_seq > ? AND run_seq <= ? AND +stream = ? ORDER BY run_seq`,
      )
      .all(afterSeq, seq, stream) as (Omit<FindingColumns, 'status'> & { status: FindingRecord['status'] | null })[];
    return rows.map((r) => ({
      checkId: r.check_id,
      resourceId: r.resource_id,
      resourceType: r.resource_type,
      status: r.status,
      severity: r.severity,
      message: r.message,
    }));
  }
}
