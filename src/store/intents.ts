// Run intents, chained: each intent (what will run, on which host and process, until when) is hashed
// with the hash of the intent before it, and kept after its run. A run's hash covers its intent's, so an
// intent edited, removed from the middle or written without the chain never passes for a run's start.
import { GENESIS_HASH, intentHash } from './chain.js';
import type { ChainedIntentFields } from './chain.js';
import type { SqliteDatabase } from './sqlite-database.js';

export interface IntentRow {
  seq: number;
  id: string;
  collector: string;
  scope: string;
  started_at: string;
  pid: number;
  host: string;
  instance: string;
  deadline: string;
  agent_version: string;
  mapping_version: string;
  config_digest: string;
  prev_hash: string;
  hash: string;
}

export type NewIntent = Omit<IntentRow, 'seq' | 'prev_hash' | 'hash'>;

export function intentFieldsOf(row: IntentRow): ChainedIntentFields {
  return {
    seq: row.seq,
    id: row.id,
    collector: row.collector,
    scope: row.scope,
    startedAt: row.started_at,
    pid: row.pid,
    host: row.host,
    instance: row.instance,
    deadline: row.deadline,
    agentVersion: row.agent_version,
    mappingVersion: row.mapping_version,
    configDigest: row.config_digest,
    prevHash: row.prev_hash,
  };
}

/** How an intent is named to a person: its id, stream and start. */
export function intentName(row: Pick<IntentRow, 'id' | 'collector' | 'scope' | 'started_at' | 'seq'>): string {
  return `run intent ${row.id} (${row.collector} ${row.scope}, started ${row.started_at}${row.seq === null ? '' : `, intent ${row.seq}`})`;
}

function lastIntent(db: SqliteDatabase): { seq: number; hash: string } | undefined {
  return db.prepare('SELECT seq, hash FROM run_intents WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined;
}

/** Appends an intent to the chain; the caller holds the write transaction. */
export function appendIntent(db: SqliteDatabase, intent: NewIntent): IntentRow {
  const last = lastIntent(db);
  const row: IntentRow = { ...intent, seq: (last?.seq ?? 0) + 1, prev_hash: last?.hash ?? GENESIS_HASH, hash: '' };
  row.hash = intentHash(intentFieldsOf(row));
  db.prepare(
    `INSERT INTO run_intents (id, collector, scope, started_at, pid, host, instance, deadline, agent_version,
       mapping_version, config_digest, seq, prev_hash, hash)
     VALUES (@id, @collector, @scope, @started_at, @pid, @host, @instance, @deadline, @agent_version,
       @mapping_version, @config_digest, @seq, @prev_hash, @hash)`,
  ).run(row);
  return row;
}

/** Migration 3: the intents an older store had open (runs a crash cut short) join the chain as they were. */
export function chainOpenIntents(db: SqliteDatabase): void {
  const open = db.prepare('SELECT * FROM run_intents WHERE seq IS NULL ORDER BY started_at, id').all() as IntentRow[];
  const update = db.prepare('UPDATE run_intents SET seq = @seq, prev_hash = @prev_hash, hash = @hash WHERE id = @id');
  let last = lastIntent(db);
  for (const intent of open) {
    const row: IntentRow = { ...intent, seq: (last?.seq ?? 0) + 1, prev_hash: last?.hash ?? GENESIS_HASH, hash: '' };
    row.hash = intentHash(intentFieldsOf(row));
    update.run(row);
    last = row;
  }
}

/** Why an intent cannot be trusted (its fields do not match its hash, or it does not link), or null. */
export function intentProblem(db: SqliteDatabase, row: IntentRow): string | null {
  if (row.seq === null || row.hash === null || row.prev_hash === null) return 'it is not in the chain of intents (written outside the agent)';
  if (intentHash(intentFieldsOf(row)) !== row.hash) return 'its fields do not match its hash: the intent was altered';
  const before =
    row.seq === 1
      ? GENESIS_HASH
      : (db
          .prepare('SELECT hash FROM run_intents WHERE seq = ?')
          .pluck()
          .get(row.seq - 1) as string | undefined);
  if (before !== row.prev_hash) return 'it does not chain to the intent before it';
  return null;
}
