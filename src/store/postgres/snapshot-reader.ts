// Reading snapshots from PostgreSQL (see sqlite/snapshot-reader.ts): documents, findings and cited files
// as of a run, rebuilt from the deltas, in the same order as the SQLite store returns them.
import type pg from 'pg';
import type { EvidenceItem } from '../../collector.js';
import { decodeDocument, decompress } from '../blob-codec.js';
import { SNAPSHOT_STATUSES, byCheckThenResource, compareText, findingKey } from '../run-build.js';
import { streamKey } from '../run-row.js';
import type { FindingRecord, RecordedFinding, SnapshotEntry, SnapshotReader } from '../types.js';
import { StoreError } from '../types.js';
import { firstRow, rows } from './connection.js';
import { findingOf, findingState, manifestState, runRow } from './state.js';
import type { FindingColumns } from './state.js';

type BlobRow = { codec: string; content: Buffer };

export class PostgresSnapshotReader implements SnapshotReader {
  constructor(private readonly pool: () => Promise<pg.Pool>) {}

  async documentOf(seq: number, type: string, resourceId: string): Promise<EvidenceItem | undefined> {
    const pool = await this.pool();
    const run = await runRow(pool, seq);
    if (!SNAPSHOT_STATUSES.includes(run.status)) return undefined;
    const row = await firstRow<{ codec: string | null; content: Buffer | null }>(
      pool,
      `SELECT b.codec, b.content FROM manifest m LEFT JOIN blobs b ON b.hash = m.blob_hash
       WHERE m.stream = $1 AND m.type = $2 AND m.resource_id = $3 AND m.run_seq <= $4
       ORDER BY m.run_seq DESC LIMIT 1`,
      [streamKey(run.collector, run.scope), type, resourceId, seq],
    );
    if (!row?.codec || !row.content) return undefined;
    return decodeDocument(decompress(row.codec, row.content).toString('utf8'));
  }

  async evidenceOf(seq: number): Promise<EvidenceItem[]> {
    const items: EvidenceItem[] = [];
    for (const entry of await this.snapshotEntries(seq)) items.push(await this.storedDocument(entry.blobHash));
    return items;
  }

  async snapshotEntries(seq: number): Promise<SnapshotEntry[]> {
    const pool = await this.pool();
    const run = await runRow(pool, seq);
    if (!SNAPSHOT_STATUSES.includes(run.status)) return [];
    const entries: SnapshotEntry[] = [];
    for (const [key, blobHash] of await manifestState(pool, streamKey(run.collector, run.scope), seq)) {
      const [type, resourceId] = key.split('\u0000') as [string, string];
      entries.push({ type, resourceId, blobHash });
    }
    return entries.sort((a, b) => compareText(a.type, b.type) || compareText(a.resourceId, b.resourceId));
  }

  async storedDocument(blobHash: string): Promise<EvidenceItem> {
    const blob = await firstRow<BlobRow>(await this.pool(), 'SELECT codec, content FROM blobs WHERE hash = $1', [blobHash]);
    if (!blob) throw new StoreError(`blob ${blobHash} referenced by a snapshot is missing: run verify`);
    return decodeDocument(decompress(blob.codec, blob.content).toString('utf8'));
  }

  async fileBytes(sha256: string): Promise<Buffer | undefined> {
    const blob = await firstRow<BlobRow>(await this.pool(), 'SELECT codec, content FROM blobs WHERE hash = $1', [sha256]);
    return blob ? decompress(blob.codec, blob.content) : undefined;
  }

  async recordedFindings(
    collector: string,
    scope: string,
    checkIds: readonly string[],
    range: { fromSeq?: number; toSeq?: number } = {},
  ): Promise<RecordedFinding[]> {
    if (checkIds.length === 0) return [];
    const found = await rows<FindingColumns & { run_seq: number; started_at: string }>(
      await this.pool(),
      `SELECT f.run_seq, r.started_at, f.check_id, f.resource_id, f.resource_type, f.status, f.severity, f.message
       FROM findings f JOIN runs r ON r.seq = f.run_seq
       WHERE f.stream = $1 AND f.check_id = ANY($2) AND f.run_seq >= $3 AND f.run_seq <= $4 AND f.status IS NOT NULL
       ORDER BY f.run_seq, f.check_id, f.resource_id`,
      [streamKey(collector, scope), [...checkIds], range.fromSeq ?? 0, Math.min(range.toSeq ?? 2 ** 31 - 1, 2 ** 31 - 1)],
    );
    return found.map((r) => ({ runSeq: r.run_seq, runStartedAt: r.started_at, ...findingOf(r) }));
  }

  async failingSince(seq: number): Promise<Map<string, string>> {
    const pool = await this.pool();
    const run = await runRow(pool, seq);
    const found = await rows<{ check_id: string; resource_id: string; status: string | null; started_at: string }>(
      pool,
      `SELECT f.check_id, f.resource_id, f.status, r.started_at FROM findings f JOIN runs r ON r.seq = f.run_seq
       WHERE f.stream = $1 AND f.run_seq <= $2 ORDER BY f.check_id, f.resource_id, f.run_seq`,
      [streamKey(run.collector, run.scope), seq],
    );
    const since = new Map<string, string>();
    for (const row of found) {
      const key = findingKey(row.check_id, row.resource_id);
      // A delta row that keeps failing (a changed message) continues the streak.
      if (row.status === 'fail') {
        if (!since.has(key)) since.set(key, row.started_at);
      } else since.delete(key);
    }
    return since;
  }

  async findingsOf(seq: number): Promise<FindingRecord[]> {
    const pool = await this.pool();
    const run = await runRow(pool, seq);
    if (!SNAPSHOT_STATUSES.includes(run.status)) return [];
    // The database orders by bytes, the reports by UTF-16 units: sorted here, as the SQLite store does.
    return [...(await findingState(pool, streamKey(run.collector, run.scope), seq)).values()].sort(byCheckThenResource);
  }
}
