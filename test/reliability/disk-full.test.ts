// The disk full during a run, simulated with SQLite's max_page_count on the store's own connection:
// the run fails with an error that says "disk full" and what to do, nothing of it is stored, the
// store verifies, and once there is room again the next run is stored.
import { describe, expect, it } from 'vitest';
import type { SqliteDatabase } from '../../src/store/open-database.js';
import { openStore } from '../../src/store/index.js';
import type { EvidenceStore } from '../../src/store/index.js';
import { tempDbPath } from '../helpers/store-fixtures.js';
import { collectSyntheticDay, expectedDocuments } from '../helpers/synthetic-estate.js';

/** The store's connection: the size limit is a per-connection pragma, as a full volume is per file system. */
function connectionOf(store: EvidenceStore): SqliteDatabase {
  return (store as unknown as { db: SqliteDatabase }).db;
}

describe('disk full during a run', () => {
  it('fails the run with a clear error, stores none of it, and the store verifies', async () => {
    const path = tempDbPath();
    const store = openStore(path);
    for (let day = 0; day < 3; day++) await collectSyntheticDay(store, day, 50);
    const before = await store.stats();
    const db = connectionOf(store);
    const pages = db.pragma('page_count', { simple: true }) as number;
    // Room for a run row, not for 3,000 new documents.
    db.pragma(`max_page_count = ${pages + 4}`);

    const { runs, unrecorded } = await collectSyntheticDay(store, 3, 3000);
    // The run row fits in the pages there are (the evidence did not): a failed run, a visible gap.
    expect(unrecorded).toEqual([]);
    expect(runs[0]).toMatchObject({ status: 'failed', evidenceCount: 0 });
    const message = runs[0]!.error ?? '';
    expect(message).toMatch(/disk full: the evidence store .* could not grow \(SQLITE_FULL: database or disk is full\); nothing of this run was stored/);
    expect(message).toMatch(/Free space on its volume \(or move store\.path to a larger one\) and run again/);

    const after = await store.stats();
    expect(after.blobs).toBe(before.blobs);
    expect(after.manifestRows).toBe(before.manifestRows);
    expect((await store.verify()).problems).toEqual([]);
    const [latest] = await store.latestSnapshots(new Date('2030-01-01'));
    expect(latest!.seq).toBe(3);
    expect((await store.evidenceOf(latest!.seq)).length).toBe(expectedDocuments(50, 2));
    await store.close();

    // Space freed (a new connection has no limit): the next run is stored whole.
    const reopened = openStore(path);
    const next = await collectSyntheticDay(reopened, 4, 3000);
    expect(next.runs[0]).toMatchObject({ status: 'ok', evidenceCount: expectedDocuments(3000, 4) });
    expect((await reopened.verify()).ok).toBe(true);
    await reopened.close();
  });
});
