// Copies every row of a store, table by table, between SQLite and PostgreSQL: what `migrate` does, and
// how a PostgreSQL store is verified (its rows copied into a scratch SQLite file that the SQLite store's
// own verify then recomputes, so both stores are checked by the same code and give the same answers).
import type pg from 'pg';
import type { SqliteDatabase } from '../open-database.js';
import { rows } from './connection.js';
import { insertRows } from './copy-rows.js';

/** Every table of a store with its columns and key, in the order a copy writes them (referenced rows first). */
export const STORE_TABLES: readonly { name: string; columns: readonly string[]; key: readonly string[] }[] = [
  { name: 'store_info', columns: ['key', 'value'], key: ['key'] },
  { name: 'store_identity', columns: ['store_id', 'kind', 'created_at', 'legacy_runs', 'upgraded_at', 'hash'], key: ['hash', 'store_id'] },
  { name: 'blobs', columns: ['hash', 'size', 'codec', 'content'], key: ['hash'] },
  {
    name: 'run_intents',
    columns: [
      'id',
      'collector',
      'scope',
      'started_at',
      'pid',
      'host',
      'instance',
      'deadline',
      'agent_version',
      'mapping_version',
      'config_digest',
      'seq',
      'prev_hash',
      'hash',
    ],
    key: ['id'],
  },
  {
    name: 'runs',
    columns: [
      'seq',
      'id',
      'collector',
      'scope',
      'started_at',
      'finished_at',
      'status',
      'error',
      'api_calls',
      'agent_version',
      'mapping_version',
      'config_digest',
      'base_seq',
      'evidence_count',
      'changes',
      'finding_counts',
      'meta',
      'event_counts',
      'manifest_digest',
      'findings_digest',
      'events_digest',
      'windows_digest',
      'prev_hash',
      'hash',
      'hash_version',
      'intent_hash',
      'store_hash',
    ],
    key: ['seq'],
  },
  { name: 'manifest', columns: ['run_seq', 'stream', 'type', 'resource_id', 'blob_hash'], key: ['run_seq', 'type', 'resource_id'] },
  {
    name: 'findings',
    columns: ['run_seq', 'stream', 'check_id', 'resource_id', 'resource_type', 'status', 'severity', 'message'],
    key: ['run_seq', 'check_id', 'resource_id'],
  },
  { name: 'events', columns: ['stream', 'event_id', 'type', 'occurred_at', 'partition', 'flags', 'blob_hash', 'run_seq'], key: ['stream', 'event_id'] },
  { name: 'event_windows', columns: ['run_seq', 'stream', 'partition', 'from_time', 'to_time', 'complete', 'error'], key: ['run_seq', 'partition'] },
  { name: 'http_cache', columns: ['stream', 'key', 'etag', 'codec', 'body', 'updated_at'], key: ['stream', 'key'] },
];

const PAGE = 500;
type Row = Record<string, unknown>;

/** A PostgreSQL table's rows, page by page in key order (keyset paging: memory stays one page). */
export async function* postgresRows(db: pg.Pool | pg.PoolClient, table: (typeof STORE_TABLES)[number]): AsyncIterable<Row[]> {
  const key = table.key.join(', ');
  let after: unknown[] | undefined;
  for (;;) {
    const condition = after ? `WHERE (${key}) > (${table.key.map((_, i) => `$${i + 1}`).join(', ')})` : '';
    const page = await rows<Row>(db, `SELECT ${table.columns.join(', ')} FROM ${table.name} ${condition} ORDER BY ${key} LIMIT ${PAGE}`, after ?? []);
    if (page.length > 0) yield page;
    if (page.length < PAGE) return;
    const last = page.at(-1)!;
    after = table.key.map((column) => last[column]);
  }
}

/** A SQLite table's rows, in pages. */
export function* sqliteRows(db: SqliteDatabase, table: (typeof STORE_TABLES)[number]): Iterable<Row[]> {
  let page: Row[] = [];
  for (const row of db.prepare(`SELECT ${table.columns.join(', ')} FROM ${table.name} ORDER BY ${table.key.join(', ')}`).iterate() as Iterable<Row>) {
    page.push(row);
    if (page.length === PAGE) {
      yield page;
      page = [];
    }
  }
  if (page.length > 0) yield page;
}

/** Copies every row of a PostgreSQL store into a SQLite database of the latest schema with no rows. */
export async function copyPostgresToSqlite(source: pg.Pool | pg.PoolClient, target: SqliteDatabase): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const table of STORE_TABLES) {
    const insert = target.prepare(`INSERT INTO ${table.name} (${table.columns.join(', ')}) VALUES (${table.columns.map((c) => `@${c}`).join(', ')})`);
    const insertPage = target.transaction((page: Row[]) => {
      for (const row of page) insert.run(row);
    });
    let count = 0;
    for await (const page of postgresRows(source, table)) {
      insertPage(page);
      count += page.length;
    }
    counts.set(table.name, count);
  }
  return counts;
}

/** Copies every row of a SQLite store into a PostgreSQL database of the latest schema with no rows, in `client`'s transaction. */
export async function copySqliteToPostgres(source: SqliteDatabase, client: pg.PoolClient): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const table of STORE_TABLES) {
    let count = 0;
    for (const page of sqliteRows(source, table)) {
      await insertRows(client, table.name, page);
      count += page.length;
    }
    counts.set(table.name, count);
  }
  return counts;
}
