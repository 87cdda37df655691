// The bench's yardstick for ingest: the same rows inserted with plain better-sqlite3 (one prepared
// INSERT in one transaction, WAL), in the same process, so the store's overhead is a ratio, not a guess.
// Lives here because nothing outside src/store/ imports better-sqlite3.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/** Rows per second. */
export function rawInsertRate(rows: readonly { id: string; json: string }[]): number {
  const dir = mkdtempSync(join(tmpdir(), 'evidence-agent-raw-'));
  const db = new Database(join(dir, 'raw.db'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('CREATE TABLE evidence (id TEXT PRIMARY KEY, json TEXT NOT NULL) WITHOUT ROWID');
    const insert = db.prepare('INSERT INTO evidence (id, json) VALUES (?, ?)');
    const started = performance.now();
    db.transaction(() => {
      for (const row of rows) insert.run(row.id, row.json);
    })();
    return rows.length / ((performance.now() - started) / 1000);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
