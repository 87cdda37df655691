// What a store file is: ours or not (SQLite's application id, or the schema of a store written before
// stores carried it), and, for ours, what kind of evidence it holds: a demo's simulated runs or real
// ones. The kind is recorded once, in a hashed identity record that every run since covers.
import { randomUUID } from 'node:crypto';
import { storeIdentityHash } from './chain.js';
import { StoreFileError } from './store-file.js';
import type { StoreIdentityFields, StoreKind } from './chain.js';
import type { SqliteDatabase } from './sqlite-database.js';
import type { StoreIdentity } from './types.js';

/** `PRAGMA application_id` of an evidence store: "EvAg". */
export const APPLICATION_ID = 0x45764167;
/** The config digest the demo's runs carry; before stores recorded their kind, it was the only mark. */
export const DEMO_CONFIG_DIGEST = 'demo';
/** Tables that identify a store written before stores carried the application id. */
const LEGACY_TABLES = ['schema_migrations', 'store_info', 'blobs', 'runs'];

/**
 * Refuses a file that is not an evidence store before anything is written to it (not even the switch
 * to WAL): an empty database is a new store; anything else must be one of ours.
 */
export function assertEvidenceStore(db: SqliteDatabase, path: string): void {
  const applicationId = db.pragma('application_id', { simple: true }) as number;
  if (applicationId === APPLICATION_ID) return;
  const objects = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
  if (applicationId === 0 && objects.length === 0) return;
  if (applicationId === 0 && LEGACY_TABLES.every((table) => objects.includes(table))) return;
  const what =
    applicationId !== 0
      ? `its SQLite application id is ${applicationId}, another program's`
      : `tables: ${objects.slice(0, 5).join(', ')}${objects.length > 5 ? `, … (${objects.length} tables)` : ''}`;
  throw new StoreFileError(
    `${path} is not an evidence store: it is another application's SQLite database (${what}), left as it is; pass --db (or store.path) the evidence store's file, or a new file to start a store`,
  );
}

interface IdentityRow {
  store_id: string;
  kind: StoreKind;
  created_at: string;
  legacy_runs: number;
  upgraded_at: string | null;
  hash: string;
}

export function identityFieldsOf(row: IdentityRow): StoreIdentityFields {
  return { storeId: row.store_id, kind: row.kind, createdAt: row.created_at, legacyRuns: row.legacy_runs, upgradedAt: row.upgraded_at };
}

function hasTable(db: SqliteDatabase, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

export function identityRows(db: SqliteDatabase): IdentityRow[] | undefined {
  return hasTable(db, 'store_identity') ? (db.prepare('SELECT * FROM store_identity').all() as IdentityRow[]) : undefined;
}

/**
 * The store's identity: the recorded one (`intact` when it matches its hash and is the only one), or,
 * for a store written before stores recorded it, the kind its runs show (any demo run makes it a demo).
 */
export function readIdentity(db: SqliteDatabase): StoreIdentity {
  const rows = identityRows(db);
  if (rows && rows.length > 0) {
    const row = rows[0]!;
    const intact = rows.length === 1 && storeIdentityHash(identityFieldsOf(row)) === row.hash;
    return { storeId: row.store_id, kind: row.kind, createdAt: row.created_at, recorded: true, intact };
  }
  const info = hasTable(db, 'store_info')
    ? new Map((db.prepare('SELECT key, value FROM store_info').all() as { key: string; value: string }[]).map((r) => [r.key, r.value]))
    : new Map<string, string>();
  return {
    storeId: info.get('store_id') ?? '',
    kind: hasTable(db, 'runs') && hasDemoRuns(db) ? 'demo' : 'real',
    createdAt: info.get('created_at') ?? '',
    recorded: false,
    intact: true,
  };
}

function hasDemoRuns(db: SqliteDatabase): boolean {
  return db.prepare('SELECT 1 FROM runs WHERE config_digest = ? LIMIT 1').get(DEMO_CONFIG_DIGEST) !== undefined;
}

/**
 * Records the identity (migration 3): a new store is of the kind asked for (real unless the demo asks);
 * an older store is a demo store when any of its runs is the demo's, else real, and its runs so far
 * keep hash version 1. The file is marked with our application id.
 */
export function recordIdentity(db: SqliteDatabase, requested: StoreKind | undefined, upgrading: boolean, now: Date): void {
  const info = new Map((db.prepare('SELECT key, value FROM store_info').all() as { key: string; value: string }[]).map((r) => [r.key, r.value]));
  const legacyRuns = (db.prepare('SELECT count(*) FROM runs').pluck().get() as number) ?? 0;
  const kind: StoreKind = hasDemoRuns(db) ? 'demo' : legacyRuns > 0 ? 'real' : (requested ?? 'real');
  const fields: StoreIdentityFields = {
    storeId: info.get('store_id') ?? randomUUID(),
    kind,
    createdAt: info.get('created_at') ?? now.toISOString(),
    legacyRuns,
    upgradedAt: upgrading ? now.toISOString() : null,
  };
  db.prepare('INSERT INTO store_identity (store_id, kind, created_at, legacy_runs, upgraded_at, hash) VALUES (?, ?, ?, ?, ?, ?)').run(
    fields.storeId,
    fields.kind,
    fields.createdAt,
    fields.legacyRuns,
    fields.upgradedAt,
    storeIdentityHash(fields),
  );
  db.pragma(`application_id = ${APPLICATION_ID}`);
}
