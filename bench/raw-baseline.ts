// The bench's yardstick for ingest: the very rows a run wrote (blobs, manifest, findings, the run),
// copied out of the store's file and inserted again with plain better-sqlite3 into the same schema
// (indexes and triggers included, same pragmas), in one transaction, in the same process. The store's
// overhead (canonical JSON, hashing, deltas, chaining) is then a ratio, not a guess. Bench code: the raw
// driver is imported only here and in src/store/ (eslint.config.js).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

const INGEST_TABLES = ['runs', 'blobs', 'manifest', 'findings'] as const;

/** CPU seconds (user + system) to insert the rows of `sourcePath`'s ingest tables into a fresh database of the same schema. */
export function rawInsertSeconds(sourcePath: string): { seconds: number; rows: number } {
  const source = new Database(sourcePath, { readonly: true });
  const schema = source
    .prepare("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY type = 'table' DESC, rowid")
    .pluck()
    .all() as string[];
  // In the order the store inserted them: blobs as the documents came (by manifest row), not sorted by
  // their hash, which would turn the baseline's random B-tree inserts into appends.
  const ordered: Record<string, string> = {
    blobs: `SELECT b.* FROM blobs b LEFT JOIN (SELECT blob_hash, min(run_seq) AS run_seq, min(type || char(0) || resource_id) AS first FROM manifest GROUP BY blob_hash) m
            ON m.blob_hash = b.hash ORDER BY m.run_seq IS NULL, m.run_seq, m.first`,
  };
  let tables: { name: string; rows: unknown[][] }[];
  try {
    tables = INGEST_TABLES.map((name) => ({
      name,
      rows: source
        .prepare(ordered[name] ?? `SELECT * FROM ${name}`)
        .raw()
        .all() as unknown[][],
    })).filter((table) => table.rows.length > 0);
  } finally {
    source.close();
  }

  const dir = mkdtempSync(join(tmpdir(), 'evidence-agent-raw-'));
  const db = new Database(join(dir, 'raw.db'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    for (const sql of schema) db.exec(sql);
    const inserts = tables.map(({ name, rows }) => ({
      rows,
      statement: db.prepare(`INSERT INTO ${name} VALUES (${(rows[0] ?? []).map(() => '?').join(', ')})`),
    }));
    (globalThis as { gc?: () => void }).gc?.();
    const started = process.cpuUsage();
    db.transaction(() => {
      for (const { rows, statement } of inserts) for (const row of rows) statement.run(...row);
    }).immediate();
    const used = process.cpuUsage(started);
    return { seconds: (used.user + used.system) / 1e6, rows: tables.reduce((n, t) => n + t.rows.length, 0) };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
