// Versioned schema migrations, applied in order inside one transaction each.
// Never edit a shipped migration: add a new one.
import type { StoreKind } from './chain.js';
import { chainOpenIntents } from './intents.js';
import { APPLICATION_ID, recordIdentity } from './identity.js';
import type { SqliteDatabase } from './sqlite-database.js';

export interface MigrationContext {
  /** The kind a new store is created as (the demo asks for a demo store). */
  kind: StoreKind | undefined;
  /** The schema version the file had before this opening: 0 for a new store. */
  fromVersion: number;
  /** A copy's target (migrate, verify of a PostgreSQL store): the copy brings the identity of its source. */
  withoutIdentity?: boolean;
  now: Date;
}

export interface Migration {
  version: number;
  description: string;
  sql: string;
  /** Data steps SQL cannot do (hashing), run after `sql` in the same transaction. */
  upgrade?: (db: SqliteDatabase, context: MigrationContext) => void;
}

/** The append-only tables, by the schema version that made them so. */
const APPEND_ONLY_TABLES: readonly (readonly [table: string, since: number])[] = [
  ['blobs', 1],
  ['runs', 1],
  ['manifest', 1],
  ['findings', 1],
  ['events', 1],
  ['event_windows', 1],
  ['run_intents', 3],
  ['store_identity', 3],
];

function triggersOf(table: string): [string, string][] {
  return (['UPDATE', 'DELETE'] as const).map((operation) => {
    const name = `${table}_no_${operation.toLowerCase()}`;
    const verb = operation === 'UPDATE' ? 'UPDATE of' : 'DELETE from';
    return [
      name,
      `CREATE TRIGGER ${name} BEFORE ${operation} ON ${table} ` + `BEGIN SELECT RAISE(ABORT, 'evidence store is append-only: ${verb} ${table} refused'); END`,
    ];
  });
}

/** The statement of each append-only trigger a store of `schemaVersion` has, by name: verify compares them. */
export function appendOnlyTriggers(schemaVersion: number): ReadonlyMap<string, string> {
  return new Map(APPEND_ONLY_TABLES.filter(([, since]) => since <= schemaVersion).flatMap(([table]) => triggersOf(table)));
}

function createTriggers(tables: readonly string[]): string {
  return tables.flatMap((table) => triggersOf(table).map(([, sql]) => `${sql};`)).join('\n');
}

export const migrations: Migration[] = [
  {
    version: 1,
    description: 'blobs, runs, manifest and findings deltas, event population and windows, run intents, append-only triggers',
    sql: `
CREATE TABLE store_info (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

-- Evidence documents, content-addressed: sha256 of the canonical JSON, stored deflated.
CREATE TABLE blobs (
  hash    TEXT PRIMARY KEY,
  size    INTEGER NOT NULL,
  codec   TEXT NOT NULL,
  content BLOB NOT NULL
) WITHOUT ROWID;

-- One row per finished run, in chain order (seq).
CREATE TABLE runs (
  seq             INTEGER PRIMARY KEY,
  id              TEXT NOT NULL UNIQUE,
  collector       TEXT NOT NULL,
  scope           TEXT NOT NULL,
  started_at      TEXT NOT NULL,
  finished_at     TEXT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('ok','partial','failed','aborted')),
  error           TEXT,
  api_calls       INTEGER NOT NULL,
  agent_version   TEXT NOT NULL,
  mapping_version TEXT NOT NULL,
  config_digest   TEXT NOT NULL,
  base_seq        INTEGER REFERENCES runs(seq),
  evidence_count  INTEGER NOT NULL,
  changes         TEXT NOT NULL,
  finding_counts  TEXT NOT NULL,
  meta            TEXT NOT NULL,
  event_counts    TEXT NOT NULL,
  manifest_digest TEXT NOT NULL,
  findings_digest TEXT NOT NULL,
  events_digest   TEXT NOT NULL,
  windows_digest  TEXT NOT NULL,
  prev_hash       TEXT NOT NULL,
  hash            TEXT NOT NULL UNIQUE
);
CREATE INDEX runs_by_stream ON runs (collector, scope, seq);
CREATE INDEX runs_by_start ON runs (started_at);

-- Snapshot deltas: a row only where a document was added, changed (new blob) or removed (NULL blob)
-- since the base snapshot. An unchanged estate adds no rows.
CREATE TABLE manifest (
  run_seq     INTEGER NOT NULL REFERENCES runs(seq),
  stream      TEXT NOT NULL,
  type        TEXT NOT NULL,
  resource_id TEXT NOT NULL,
  blob_hash   TEXT REFERENCES blobs(hash),
  PRIMARY KEY (run_seq, type, resource_id)
) WITHOUT ROWID;
CREATE INDEX manifest_by_resource ON manifest (stream, type, resource_id, run_seq);

-- Findings deltas, same principle: a row when a finding appears, changes, or goes (NULL status).
CREATE TABLE findings (
  run_seq       INTEGER NOT NULL REFERENCES runs(seq),
  stream        TEXT NOT NULL,
  check_id      TEXT NOT NULL,
  resource_id   TEXT NOT NULL,
  resource_type TEXT NOT NULL,
  status        TEXT CHECK (status IS NULL OR status IN ('pass','fail','not_applicable','error')),
  severity      TEXT NOT NULL,
  message       TEXT NOT NULL,
  PRIMARY KEY (run_seq, check_id, resource_id)
) WITHOUT ROWID;
CREATE INDEX findings_by_key ON findings (stream, check_id, resource_id, run_seq);

-- Log events, each stored once per stream by its id (the run that first stored it owns the row); the
-- document is a blob like any evidence. Together they are the population an auditor samples from.
CREATE TABLE events (
  stream      TEXT NOT NULL,
  event_id    TEXT NOT NULL,
  type        TEXT NOT NULL,
  occurred_at TEXT NOT NULL,
  partition   TEXT NOT NULL,
  flags       TEXT,
  blob_hash   TEXT NOT NULL REFERENCES blobs(hash),
  run_seq     INTEGER NOT NULL REFERENCES runs(seq),
  PRIMARY KEY (stream, event_id)
) WITHOUT ROWID;
CREATE INDEX events_by_time ON events (stream, occurred_at);
CREATE INDEX events_by_run ON events (run_seq);

-- The time each run read events for, per partition: [from, to). Incomplete windows are holes.
CREATE TABLE event_windows (
  run_seq   INTEGER NOT NULL REFERENCES runs(seq),
  stream    TEXT NOT NULL,
  partition TEXT NOT NULL,
  from_time TEXT NOT NULL,
  to_time   TEXT NOT NULL,
  complete  INTEGER NOT NULL CHECK (complete IN (0, 1)),
  error     TEXT,
  PRIMARY KEY (run_seq, partition)
) WITHOUT ROWID;
CREATE INDEX event_windows_by_stream ON event_windows (stream, partition, to_time);

-- Runs in progress. Mutable on purpose: not evidence, only a marker to find runs a crash cut short.
CREATE TABLE run_intents (
  id              TEXT PRIMARY KEY,
  collector       TEXT NOT NULL,
  scope           TEXT NOT NULL,
  started_at      TEXT NOT NULL,
  pid             INTEGER NOT NULL,
  host            TEXT NOT NULL,
  instance        TEXT NOT NULL,
  deadline        TEXT NOT NULL,
  agent_version   TEXT NOT NULL,
  mapping_version TEXT NOT NULL,
  config_digest   TEXT NOT NULL
) WITHOUT ROWID;
${createTriggers(APPEND_ONLY_TABLES.filter(([, since]) => since === 1).map(([table]) => table))}
`,
  },
  {
    version: 2,
    description: 'conditional-request cache (ETag and body per stream and request), outside the chain',
    sql: `
-- A cache, not evidence: rows are replaced when a resource changes, so no append-only trigger.
CREATE TABLE http_cache (
  stream     TEXT NOT NULL,
  key        TEXT NOT NULL,
  etag       TEXT NOT NULL,
  codec      TEXT NOT NULL,
  body       BLOB NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (stream, key)
) WITHOUT ROWID;
`,
  },
  {
    version: 3,
    description: 'hash version 2: every event column, run intents chained and kept, the store identity (demo or real) recorded and covered by every run',
    sql: `
ALTER TABLE runs ADD COLUMN hash_version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE runs ADD COLUMN intent_hash TEXT;
ALTER TABLE runs ADD COLUMN store_hash TEXT;

-- Run intents become a chain of their own, kept after their run: who started which run, where, when.
ALTER TABLE run_intents ADD COLUMN seq INTEGER;
ALTER TABLE run_intents ADD COLUMN prev_hash TEXT;
ALTER TABLE run_intents ADD COLUMN hash TEXT;

-- What the store is, recorded once: a demo's simulated runs or real evidence. Every later run covers its hash.
CREATE TABLE store_identity (
  store_id    TEXT NOT NULL,
  kind        TEXT NOT NULL CHECK (kind IN ('demo', 'real')),
  created_at  TEXT NOT NULL,
  legacy_runs INTEGER NOT NULL,
  upgraded_at TEXT,
  hash        TEXT NOT NULL
);
`,
    upgrade: (db, context) => {
      // Intents open when an older store is upgraded (a run cut short) join the chain as they are.
      chainOpenIntents(db);
      db.exec('CREATE UNIQUE INDEX run_intents_by_seq ON run_intents (seq)');
      if (context.withoutIdentity) db.pragma(`application_id = ${APPLICATION_ID}`);
      else recordIdentity(db, context.kind, context.fromVersion > 0, context.now);
      db.exec(createTriggers(['run_intents', 'store_identity']));
    },
  },
];

/** The schema version this agent writes. */
export const LATEST_SCHEMA_VERSION = migrations.at(-1)!.version;

/** The append-only triggers of a store of the latest schema. */
export const APPEND_ONLY_TRIGGERS: ReadonlyMap<string, string> = appendOnlyTriggers(LATEST_SCHEMA_VERSION);
