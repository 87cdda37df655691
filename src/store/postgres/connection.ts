// Connecting to the PostgreSQL store: a pool, the schema created or brought up to date (once, under an
// advisory lock, whichever agent gets there first), the identity recorded when the store is new.
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type pg from 'pg';
import { storeIdentityHash } from '../chain.js';
import type { StoreIdentityFields, StoreKind } from '../chain.js';
import { StoreError } from '../types.js';
import { POSTGRES_MIGRATIONS } from './schema.js';

/** node-postgres, loaded when a PostgreSQL store is first opened: a SQLite agent's every command starts without it. */
const loadPg = (): typeof pg => createRequire(import.meta.url)('pg') as typeof pg;

/** Advisory lock keys (pg_advisory_xact_lock): appends to the chains, and schema changes. */
export const CHAIN_LOCK = 0x45764167_01;
const SCHEMA_LOCK = 0x45764167_02;

export type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

/** Rows of a query, typed by the caller. */
export async function rows<T>(db: Queryable, sql: string, params: unknown[] = []): Promise<T[]> {
  return (await db.query(sql, params)).rows as T[];
}

export async function firstRow<T>(db: Queryable, sql: string, params: unknown[] = []): Promise<T | undefined> {
  return (await rows<T>(db, sql, params))[0];
}

/** True for a postgres:// (or postgresql://) store location. */
export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/** The URL without its password: what is printed and logged as the store's location. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

/**
 * The pool. The URL carries no credentials (the config refuses URLs with user:password@): node-postgres
 * takes the role and password from libpq's PGUSER and PGPASSWORD, or a ~/.pgpass file.
 */
export function createPool(url: string, readonly: boolean): pg.Pool {
  // A reader cannot write even by mistake: every transaction of its sessions is read-only.
  const pool = new (loadPg().Pool)({
    connectionString: url,
    max: 4,
    ...(readonly ? { options: '-c default_transaction_read_only=on' } : {}),
  });
  // An idle client's error (the server restarted) must not crash the process: the next query reports it.
  pool.on('error', () => undefined);
  return pool;
}

/** Runs `fn` in a transaction holding the chain lock: appends to the chain of runs and of intents are serialised in the database. */
export async function inChainTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [CHAIN_LOCK]);
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

async function hasTable(db: Queryable, name: string): Promise<boolean> {
  return (await firstRow(db, 'SELECT 1 FROM pg_tables WHERE schemaname = current_schema() AND tablename = $1', [name])) !== undefined;
}

/**
 * Creates the schema (or applies the migrations it lacks) and, in a new store, the identity record.
 * A reader only checks that the schema is there: it never writes. `withoutIdentity`: the target of a
 * migration, which copies the identity of the store it copies.
 */
export async function prepareDatabase(
  pool: pg.Pool,
  location: string,
  options: { readonly: boolean; kind?: StoreKind; withoutIdentity?: boolean },
): Promise<void> {
  if (options.readonly) {
    if (!(await hasTable(pool, 'schema_migrations'))) {
      throw new StoreError(
        `${location} holds no evidence store (no schema_migrations table): run \`evidence-agent collect\` (or migrate) with store.url set to create one`,
      );
    }
    return;
  }
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
    const exists = await hasTable(client, 'schema_migrations');
    if (!exists) {
      const foreign = await rows<{ tablename: string }>(
        client,
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename IN ('runs', 'blobs') ",
      );
      if (foreign.length > 0)
        throw new StoreError(
          `${location} already has tables named ${foreign.map((t) => t.tablename).join(', ')} that are not an evidence store: use a database of its own`,
        );
      await client.query(`CREATE TABLE schema_migrations (version integer PRIMARY KEY, description text NOT NULL, applied_at text NOT NULL)`);
    }
    const applied = new Set((await rows<{ version: number }>(client, 'SELECT version FROM schema_migrations')).map((r) => r.version));
    const now = new Date().toISOString();
    for (const migration of POSTGRES_MIGRATIONS) {
      if (applied.has(migration.version)) continue;
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version, description, applied_at) VALUES ($1, $2, $3)', [
        migration.version,
        migration.description,
        now,
      ]);
    }
    if (!exists && !options.withoutIdentity) await recordIdentity(client, options.kind ?? 'real', now);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

async function recordIdentity(client: pg.PoolClient, kind: StoreKind, now: string): Promise<void> {
  const fields: StoreIdentityFields = { storeId: randomUUID(), kind, createdAt: now, legacyRuns: 0, upgradedAt: null };
  await client.query('INSERT INTO store_info (key, value) VALUES ($1, $2), ($3, $4)', ['store_id', fields.storeId, 'created_at', fields.createdAt]);
  await client.query('INSERT INTO store_identity (store_id, kind, created_at, legacy_runs, upgraded_at, hash) VALUES ($1, $2, $3, $4, $5, $6)', [
    fields.storeId,
    fields.kind,
    fields.createdAt,
    fields.legacyRuns,
    fields.upgradedAt,
    storeIdentityHash(fields),
  ]);
}
