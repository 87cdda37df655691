// `evidence-agent migrate`: every row of a store copied into an empty one of the other engine (SQLite to
// PostgreSQL, or back), then both verified and compared chain for chain: the same runs under the same
// hashes, the same chain of intents, the same identity. A target that holds anything is refused.
import { existsSync, statSync } from 'node:fs';
import { LATEST_SCHEMA_VERSION } from './migrations.js';
import { openDatabase } from './open-database.js';
import type { SqliteDatabase } from './open-database.js';
import { inChainTransaction, isPostgresUrl, redactedUrl, rows } from './postgres/connection.js';
import { copyPostgresToSqlite, copySqliteToPostgres, STORE_TABLES } from './postgres/copy.js';
import { PostgresEvidenceStore } from './postgres/store.js';
import { SqliteEvidenceStore } from './sqlite-store.js';
import type { EvidenceStore } from './types.js';
import { StoreError } from './types.js';

export interface MigrateResult {
  from: string;
  to: string;
  /** Rows copied, per table. */
  rows: Record<string, number>;
  runs: number;
  /** The hash of the last run of both chains (GENESIS for an empty store). */
  head: string | null;
}

function openSqliteSource(path: string): SqliteDatabase {
  if (!existsSync(path)) throw new StoreError(`--from: no evidence store at ${path}`);
  const db = openDatabase(path, { readonly: true });
  const version = (db.prepare('SELECT max(version) FROM schema_migrations').pluck().get() as number | null) ?? 0;
  if (version < LATEST_SCHEMA_VERSION) {
    db.close();
    throw new StoreError(
      `--from: ${path} has schema version ${version}, older than this agent's ${LATEST_SCHEMA_VERSION}: run \`evidence-agent collect\` (or open it once with a writing command) to upgrade it, then migrate`,
    );
  }
  return db;
}

/** Nothing in any table: a target with an identity, a run, a blob or a cached response is someone's store. */
async function refuseNonEmptyPostgres(store: PostgresEvidenceStore): Promise<void> {
  const pool = await store.connected();
  for (const table of STORE_TABLES) {
    const [row] = await rows<{ n: number }>(pool, `SELECT count(*)::int AS n FROM ${table.name}`);
    if (row && row.n > 0) {
      throw new StoreError(
        `--to: ${store.path} is not empty (${row.n} rows in ${table.name}): migrate copies into an empty database only; create a new one (CREATE DATABASE) or pick another`,
      );
    }
  }
}

function refuseExistingFile(path: string): void {
  if (existsSync(path) && statSync(path).size > 0) {
    throw new StoreError(
      `--to: ${path} already exists: migrate copies into a new file only, so no store is overwritten or merged; pick a path that does not exist`,
    );
  }
}

/** Both stores verify, and hold the same chains: every run's seq and hash, every intent's hash, the same identity. */
async function compareChains(source: EvidenceStore, target: EvidenceStore): Promise<{ runs: number; head: string | null }> {
  const [sourceReport, targetReport] = [await source.verify(), await target.verify()];
  if (!sourceReport.ok)
    throw new StoreError(
      `--from: the source store does not verify (${sourceReport.problems[0]?.record}: ${sourceReport.problems[0]?.message}): nothing to trust in a copy of it`,
    );
  if (!targetReport.ok) throw new StoreError(`the copy does not verify (${targetReport.problems[0]?.record}: ${targetReport.problems[0]?.message})`);
  const chain = async (store: EvidenceStore) => (await store.listRuns()).map((run) => `${run.seq}:${run.hash}`);
  const [sourceChain, targetChain] = [await chain(source), await chain(target)];
  const differing = sourceChain.findIndex((link, index) => targetChain[index] !== link);
  if (differing !== -1 || sourceChain.length !== targetChain.length) {
    throw new StoreError(
      `the copy's chain differs from the source's at run ${differing === -1 ? Math.min(sourceChain.length, targetChain.length) + 1 : differing + 1}`,
    );
  }
  const [sourceIdentity, targetIdentity] = [await source.identity(), await target.identity()];
  if (JSON.stringify(sourceIdentity) !== JSON.stringify(targetIdentity)) throw new StoreError("the copy's identity record differs from the source's");
  return { runs: sourceChain.length, head: sourceChain.at(-1)?.split(':')[1] ?? null };
}

/**
 * Copies the store at `from` into the empty store at `to` (one a SQLite path, the other a postgres://
 * URL) and proves the copy: both verify, same chain, same identity.
 */
export async function migrateStore(from: string, to: string): Promise<MigrateResult> {
  if (isPostgresUrl(from) === isPostgresUrl(to)) {
    throw new StoreError('migrate copies between SQLite and PostgreSQL: give one store as a file path and the other as a postgres:// URL');
  }
  if (!isPostgresUrl(from)) {
    const source = openSqliteSource(from);
    const target = PostgresEvidenceStore.open(to, { withoutIdentity: true });
    try {
      await refuseNonEmptyPostgres(target);
      const copied = await inChainTransaction(await target.connected(), (client) => copySqliteToPostgres(source, client));
      source.close();
      const sourceStore = SqliteEvidenceStore.open(from, { readonly: true });
      try {
        return { from, to: target.path, rows: Object.fromEntries(copied), ...(await compareChains(sourceStore, target)) };
      } finally {
        await sourceStore.close();
      }
    } finally {
      if (source.open) source.close();
      await target.close();
    }
  }
  refuseExistingFile(to);
  const source = PostgresEvidenceStore.open(from, { readonly: true });
  try {
    const target = openDatabase(to, { withoutIdentity: true });
    let copied: Map<string, number>;
    try {
      const client = await (await source.connected()).connect();
      try {
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        target.exec('BEGIN');
        copied = await copyPostgresToSqlite(client, target);
        target.exec('COMMIT');
        await client.query('COMMIT');
      } catch (error) {
        if (target.inTransaction) target.exec('ROLLBACK');
        throw error;
      } finally {
        client.release();
      }
    } finally {
      target.close();
    }
    const targetStore = SqliteEvidenceStore.open(to, { readonly: true });
    try {
      return { from: redactedUrl(from), to, rows: Object.fromEntries(copied), ...(await compareChains(source, targetStore)) };
    } finally {
      await targetStore.close();
    }
  } finally {
    await source.close();
  }
}
