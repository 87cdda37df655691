// Opens the SQLite file with the pragmas the store relies on and applies pending migrations.
import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import type { StoreKind } from './chain.js';
import { assertEvidenceStore } from './identity.js';
import { migrations } from './migrations.js';
import { checkStoreFile, StoreFileError } from './store-file.js';
import { StoreError } from './types.js';

import type { SqliteDatabase } from './sqlite-database.js';

export type { SqliteDatabase };

/** `kind`: what a store created by this opening holds (default real); an existing store keeps its own. */
export function openDatabase(
  path: string,
  options: { readonly?: boolean; kind?: StoreKind; withoutIdentity?: boolean; untouched?: boolean } = {},
): SqliteDatabase {
  if (path !== ':memory:') checkStoreFile(path, options.readonly ? 'read' : 'write');
  if (options.readonly) return openForReading(path, options.untouched === true && !existsSync(`${path}-shm`));
  if (path !== ':memory:') makeFolder(dirname(path));
  const db = connect(path, false);
  try {
    // Before anything is written, even the switch to WAL: a file that is not a store stays as it is.
    assertEvidenceStore(db, path);
    db.pragma('journal_mode = WAL');
    // FULL: a committed run survives power loss, not only a process crash. Runs are few; the cost is small.
    db.pragma('synchronous = FULL');
    db.pragma('journal_size_limit = 67108864');
    migrate(db, options.kind, options.withoutIdentity ?? false);
  } catch (error) {
    db.close();
    throw unusable(path, error);
  }
  return db;
}

function makeFolder(folder: string): void {
  try {
    mkdirSync(folder, { recursive: true });
  } catch (error) {
    throw new StoreFileError(
      `cannot create the folder ${folder} of the evidence store (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): create it writable for the user running the agent, or point --db (or store.path) elsewhere`,
    );
  }
}

/** SQLite's reason, with the file it is about and what to do. */
function unusable(path: string, error: unknown): Error {
  if (error instanceof StoreError) return error;
  const message = (error as Error).message;
  if (/malformed|not a database/i.test(message)) {
    return new StoreError(`${path} is damaged (SQLite: ${message}): restore the store from a backup, then \`evidence-agent verify\``);
  }
  return new StoreError(`cannot use ${path} as an evidence store: ${message}`);
}

/** The store file this process opened last: an error report names the store SQLite found damaged. */
let lastOpened: string | undefined;
export function lastOpenedStorePath(): string | undefined {
  return lastOpened;
}

/** Another connection holds the write lock past the busy timeout: worth trying again, not a fault of the run. */
export function isStoreBusyError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/** SQLite's codes for a file whose pages do not hold what it expects (bytes overwritten or lost). */
export function isDamagedStoreError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB');
}

function connect(path: string, readonly: boolean): SqliteDatabase {
  let db: SqliteDatabase;
  try {
    db = new Database(path, { readonly, fileMustExist: readonly });
  } catch (error) {
    throw new StoreError(`cannot open the evidence store ${path}: ${(error as Error).message}`);
  }
  lastOpened = path;
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  return db;
}

/**
 * Readers open the file read-only. A WAL database still needs its -shm file, which SQLite cannot
 * create in a directory the reader may not write (an auditor's read-only copy or mount): then the
 * reader works on a private copy of the database (and its -wal), which verifies the same bytes. So does
 * a reader that must leave nothing next to the file (`privateCopy`).
 */
function openForReading(path: string, privateCopy = false): SqliteDatabase {
  try {
    if (privateCopy) throw new Error('unable to open: read from a private copy, leaving nothing next to the file');
    const db = connect(path, true);
    try {
      assertEvidenceStore(db, path);
      checkSchemaVersion(db);
      return db;
    } catch (error) {
      db.close();
      throw error;
    }
  } catch (error) {
    if (!/readonly|unable to open|cannot open/i.test((error as Error).message)) throw unusable(path, error);
    const folder = mkdtempSync(join(tmpdir(), 'evidence-agent-read-'));
    process.once('exit', () => rmSync(folder, { recursive: true, force: true }));
    const copy = join(folder, basename(path));
    copyFileSync(path, copy);
    if (existsSync(`${path}-wal`)) copyFileSync(`${path}-wal`, `${copy}-wal`);
    const db = connect(copy, true);
    lastOpened = path;
    try {
      assertEvidenceStore(db, path);
      checkSchemaVersion(db);
    } catch (error) {
      db.close();
      throw unusable(path, error);
    }
    return db;
  }
}

function currentVersion(db: SqliteDatabase): number {
  const table = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  if (!table) return 0;
  const row = db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number | null };
  return row.v ?? 0;
}

function checkSchemaVersion(db: SqliteDatabase): number {
  const version = currentVersion(db);
  const latest = migrations.at(-1)?.version ?? 0;
  if (version > latest) {
    throw new StoreError(`the evidence store has schema version ${version}, newer than this agent knows (${latest}): upgrade evidence-agent`);
  }
  return version;
}

/** `withoutIdentity`: a new store that is a copy's target gets no identity (nor store_info) of its own. */
function migrate(db: SqliteDatabase, kind: StoreKind | undefined, withoutIdentity: boolean): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const version = checkSchemaVersion(db);
  const context = { kind, fromVersion: version, now: new Date(), withoutIdentity: withoutIdentity && version === 0 };
  for (const migration of migrations) {
    if (migration.version <= version) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      migration.upgrade?.(db, context);
      db.prepare('INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)').run(
        migration.version,
        migration.description,
        new Date().toISOString(),
      );
      if (migration.version === 1 && !context.withoutIdentity) {
        const info = db.prepare('INSERT INTO store_info (key, value) VALUES (?, ?)');
        info.run('store_id', randomUUID());
        info.run('created_at', new Date().toISOString());
      }
    })();
  }
}
