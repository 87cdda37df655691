// Opens the SQLite file with the pragmas the store relies on and applies pending migrations.
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { migrations } from './migrations.js';
import { StoreError } from './types.js';

export type SqliteDatabase = Database.Database;

export function openDatabase(path: string, options: { readonly?: boolean } = {}): SqliteDatabase {
  if (path !== ':memory:' && !options.readonly) mkdirSync(dirname(path), { recursive: true });
  let db: SqliteDatabase;
  try {
    db = new Database(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  } catch (error) {
    throw new StoreError(`cannot open the evidence store ${path}: ${(error as Error).message}`);
  }
  try {
    db.pragma('busy_timeout = 5000');
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      // FULL: a committed run survives power loss, not only a process crash. Runs are few; the cost is small.
      db.pragma('synchronous = FULL');
      db.pragma('journal_size_limit = 67108864');
    }
    db.pragma('foreign_keys = ON');
    if (!options.readonly) migrate(db);
    else checkSchemaVersion(db);
  } catch (error) {
    db.close();
    if (error instanceof StoreError) throw error;
    throw new StoreError(`cannot use ${path} as an evidence store: ${(error as Error).message}`);
  }
  return db;
}

function currentVersion(db: SqliteDatabase): number {
  const table = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
    .get();
  if (!table) return 0;
  const row = db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number | null };
  return row.v ?? 0;
}

function checkSchemaVersion(db: SqliteDatabase): number {
  const version = currentVersion(db);
  const latest = migrations.at(-1)?.version ?? 0;
  if (version > latest) {
    throw new StoreError(
      `the evidence store has schema version ${version}, newer than this agent knows (${latest}): upgrade evidence-agent`,
    );
  }
  return version;
}

function migrate(db: SqliteDatabase): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)',
  );
  const version = checkSchemaVersion(db);
  for (const migration of migrations) {
    if (migration.version <= version) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)').run(
        migration.version,
        migration.description,
        new Date().toISOString(),
      );
      if (migration.version === 1) {
        const info = db.prepare('INSERT INTO store_info (key, value) VALUES (?, ?)');
        info.run('store_id', randomUUID());
        info.run('created_at', new Date().toISOString());
      }
    })();
  }
}
