// Stores written by the agent before hash version 2 (test/fixtures/store/README.md), kept as SQL text so
// the repository holds no database file: each test restores a fresh copy at `path`.
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';

export type LegacyStore = 'real' | 'demo-digest' | 'mixed';

export function restoreLegacyStore(name: LegacyStore, path: string): void {
  const sql = readFileSync(new URL(`../fixtures/store/legacy-${name}.sql`, import.meta.url), 'utf8');
  const db = new Database(path);
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
}
