// The PostgreSQL store's schema: the SQLite store's tables and columns, so rows copy across unchanged
// and hash alike. Text is COLLATE "C" (byte order, as SQLite compares), integers are int4 (node-postgres
// returns them as numbers, as the hashes need), blobs bytea. Append-only is enforced in the database:
// a trigger refuses UPDATE, DELETE and TRUNCATE on every evidence table, whoever the role; deployments
// also revoke those privileges from the agent's role (docs/deploy.md).

/** The tables that only ever grow, in the order a copy writes them (referenced rows first). */
export const APPEND_ONLY_TABLES = ['store_info', 'store_identity', 'blobs', 'run_intents', 'runs', 'manifest', 'findings', 'events', 'event_windows'] as const;

const T = 'text COLLATE "C"';

/** The function every append-only trigger runs: its body is checked by verify. */
export const APPEND_ONLY_FUNCTION_BODY = `
BEGIN
  RAISE EXCEPTION 'evidence store is append-only: % refused', CASE TG_OP WHEN 'UPDATE' THEN 'UPDATE of ' WHEN 'DELETE' THEN 'DELETE from ' ELSE 'TRUNCATE of ' END || TG_TABLE_NAME;
END
`;

export function appendOnlyTriggerNames(): Map<string, string> {
  return new Map(APPEND_ONLY_TABLES.flatMap((table) => [[`${table}_append_only`, table] as const, [`${table}_no_truncate`, table] as const]));
}

function triggers(): string {
  return APPEND_ONLY_TABLES.map(
    (table) =>
      `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION evidence_append_only();\n` +
      `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION evidence_append_only();`,
  ).join('\n');
}

export interface PostgresMigration {
  version: number;
  description: string;
  sql: string;
}

export const POSTGRES_MIGRATIONS: PostgresMigration[] = [
  {
    version: 1,
    description: 'the SQLite store schema version 3 (blobs, runs, deltas, events, chained intents, store identity, response cache), append-only triggers',
    sql: `
CREATE TABLE store_info (key ${T} PRIMARY KEY, value ${T} NOT NULL);
CREATE TABLE store_identity (
  store_id ${T} NOT NULL, kind ${T} NOT NULL CHECK (kind IN ('demo', 'real')), created_at ${T} NOT NULL,
  legacy_runs integer NOT NULL, upgraded_at ${T}, hash ${T} NOT NULL
);
CREATE UNIQUE INDEX store_identity_one ON store_identity ((true));
CREATE TABLE blobs (hash ${T} PRIMARY KEY, size integer NOT NULL, codec ${T} NOT NULL, content bytea NOT NULL);
CREATE TABLE run_intents (
  id ${T} PRIMARY KEY, collector ${T} NOT NULL, scope ${T} NOT NULL, started_at ${T} NOT NULL, pid integer NOT NULL,
  host ${T} NOT NULL, instance ${T} NOT NULL, deadline ${T} NOT NULL, agent_version ${T} NOT NULL,
  mapping_version ${T} NOT NULL, config_digest ${T} NOT NULL, seq integer UNIQUE, prev_hash ${T}, hash ${T}
);
CREATE TABLE runs (
  seq integer PRIMARY KEY, id ${T} NOT NULL UNIQUE, collector ${T} NOT NULL, scope ${T} NOT NULL,
  started_at ${T} NOT NULL, finished_at ${T} NOT NULL,
  status ${T} NOT NULL CHECK (status IN ('ok','partial','failed','aborted')), error ${T}, api_calls integer NOT NULL,
  agent_version ${T} NOT NULL, mapping_version ${T} NOT NULL, config_digest ${T} NOT NULL,
  base_seq integer REFERENCES runs(seq), evidence_count integer NOT NULL, changes ${T} NOT NULL,
  finding_counts ${T} NOT NULL, meta ${T} NOT NULL, event_counts ${T} NOT NULL, manifest_digest ${T} NOT NULL,
  findings_digest ${T} NOT NULL, events_digest ${T} NOT NULL, windows_digest ${T} NOT NULL, prev_hash ${T} NOT NULL,
  hash ${T} NOT NULL UNIQUE, hash_version integer NOT NULL DEFAULT 1, intent_hash ${T}, store_hash ${T}
);
CREATE INDEX runs_by_stream ON runs (collector, scope, seq);
CREATE INDEX runs_by_start ON runs (started_at);
CREATE TABLE manifest (
  run_seq integer NOT NULL REFERENCES runs(seq), stream ${T} NOT NULL, type ${T} NOT NULL, resource_id ${T} NOT NULL,
  blob_hash ${T} REFERENCES blobs(hash), PRIMARY KEY (run_seq, type, resource_id)
);
CREATE INDEX manifest_by_resource ON manifest (stream, type, resource_id, run_seq);
CREATE TABLE findings (
  run_seq integer NOT NULL REFERENCES runs(seq), stream ${T} NOT NULL, check_id ${T} NOT NULL, resource_id ${T} NOT NULL,
  resource_type ${T} NOT NULL, status ${T} CHECK (status IS NULL OR status IN ('pass','fail','not_applicable','error')),
  severity ${T} NOT NULL, message ${T} NOT NULL, PRIMARY KEY (run_seq, check_id, resource_id)
);
CREATE INDEX findings_by_key ON findings (stream, check_id, resource_id, run_seq);
CREATE TABLE events (
  stream ${T} NOT NULL, event_id ${T} NOT NULL, type ${T} NOT NULL, occurred_at ${T} NOT NULL, partition ${T} NOT NULL,
  flags ${T}, blob_hash ${T} NOT NULL REFERENCES blobs(hash), run_seq integer NOT NULL REFERENCES runs(seq),
  PRIMARY KEY (stream, event_id)
);
CREATE INDEX events_by_time ON events (stream, occurred_at);
CREATE INDEX events_by_run ON events (run_seq);
CREATE TABLE event_windows (
  run_seq integer NOT NULL REFERENCES runs(seq), stream ${T} NOT NULL, partition ${T} NOT NULL, from_time ${T} NOT NULL,
  to_time ${T} NOT NULL, complete integer NOT NULL CHECK (complete IN (0, 1)), error ${T}, PRIMARY KEY (run_seq, partition)
);
CREATE INDEX event_windows_by_stream ON event_windows (stream, partition, to_time);
-- A cache, not evidence: rows are replaced when a resource changes, so no append-only trigger.
CREATE TABLE http_cache (
  stream ${T} NOT NULL, key ${T} NOT NULL, etag ${T} NOT NULL, codec ${T} NOT NULL, body bytea NOT NULL,
  updated_at ${T} NOT NULL, PRIMARY KEY (stream, key)
);
CREATE FUNCTION evidence_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$${APPEND_ONLY_FUNCTION_BODY}$fn$;
${triggers()}
`,
  },
];

export const POSTGRES_SCHEMA_VERSION = POSTGRES_MIGRATIONS.at(-1)!.version;
