// Recomputes every hash in the store: each blob against its address, each run's delta digests,
// and the chain from the first run to the last. Reports every problem, the first one first.
import { sha256Hex } from '../canonical.js';
import { decodeEvent, decompress } from './blob-codec.js';
import { GENESIS_HASH, HASH_VERSION, eventsDigest, findingsDigest, intentHash, manifestDigest, runHash, storeIdentityHash, windowsDigest } from './chain.js';
import type { EventRow, FindingRow, LegacyEventRow, ManifestRow, WindowRow } from './chain.js';
import { APPLICATION_ID, identityFieldsOf, identityRows } from './identity.js';
import { intentFieldsOf, intentName, intentProblem } from './intents.js';
import type { IntentRow } from './intents.js';
import { appendOnlyTriggers, migrations } from './migrations.js';
import type { SqliteDatabase } from './open-database.js';
import { chainFields, streamKey } from './run-row.js';
import type { RunRow } from './run-row.js';
import type { VerifyOptions, VerifyProblem, VerifyReport } from './types.js';

const short = (hash: string) => `sha256:${hash.slice(0, 16)}…`;

/** What the runs of a store are checked against: its identity record (schema 3 on), or none (older stores). */
interface IdentityCheck {
  hash: string;
  /** Runs stored before the identity was recorded: hash version 1; every later one is version 2. */
  legacyRuns: number;
}

export function verifyDatabase(db: SqliteDatabase, options: VerifyOptions = {}): VerifyReport {
  const problems: VerifyProblem[] = [];
  // A store not yet migrated (read by a reader, which never migrates) is verified under its own version.
  const schemaVersion = (db.prepare('SELECT max(version) FROM schema_migrations').pluck().get() as number | null) ?? 0;
  // Evidence problems first: they name the altered record, which is what a reader needs first.
  const blobs = checkBlobs(db, problems);
  const identity = schemaVersion >= 3 ? checkIdentity(db, problems) : undefined;
  const runs = checkRuns(db, problems, identity);
  if (schemaVersion >= 3) checkIntents(db, problems);
  checkMigrations(db, problems);
  checkTriggers(db, problems, schemaVersion);
  const head = options.head === undefined ? undefined : checkHead(db, options.head, problems);
  return { ok: problems.length === 0, runs, blobs, problems, ...(head ? { head } : {}) };
}

/**
 * The identity record (what the store is, demo or real) matches its hash and is the only one, and the
 * older store_info says the same; every run since covers its hash.
 */
function checkIdentity(db: SqliteDatabase, problems: VerifyProblem[]): IdentityCheck | undefined {
  const rows = identityRows(db) ?? [];
  const [row] = rows;
  if (!row) {
    problems.push({ kind: 'store', record: 'store identity', message: 'is missing: the record of what this store holds (demo or real) was deleted' });
    return undefined;
  }
  const record = `store identity (store ${row.store_id}, ${row.kind}, created ${row.created_at})`;
  if (rows.length > 1) problems.push({ kind: 'store', record, message: `is one of ${rows.length} identity records: a store has one` });
  if (storeIdentityHash(identityFieldsOf(row)) !== row.hash) {
    problems.push({ kind: 'store', record, message: 'its fields do not match its hash: what the store holds (demo or real) was altered' });
  }
  const info = db.prepare('SELECT key, value FROM store_info ORDER BY key').all() as { key: string; value: string }[];
  const expected = [
    { key: 'created_at', value: row.created_at },
    { key: 'store_id', value: row.store_id },
  ];
  if (JSON.stringify(info) !== JSON.stringify(expected)) {
    problems.push({ kind: 'store', record: 'store_info', message: 'differs from the store identity record (store id, creation time)' });
  }
  if (db.pragma('application_id', { simple: true }) !== APPLICATION_ID) {
    problems.push({ kind: 'schema', record: 'application id', message: 'is not the one of an evidence store: the file header was altered' });
  }
  return { hash: row.hash, legacyRuns: row.legacy_runs };
}

/** Every intent matches its hash and links to the one before it. */
function checkIntents(db: SqliteDatabase, problems: VerifyProblem[]): void {
  for (const row of db.prepare('SELECT * FROM run_intents ORDER BY seq, id').iterate() as Iterable<IntentRow>) {
    const problem = intentProblem(db, row);
    if (problem !== null) problems.push({ kind: 'intent', record: intentName(row), message: problem });
  }
}

/** The migrations recorded are the shipped ones, in order: a store claims no schema it does not have. */
function checkMigrations(db: SqliteDatabase, problems: VerifyProblem[]): void {
  const rows = db.prepare('SELECT version, description FROM schema_migrations ORDER BY version').all() as { version: number; description: string }[];
  rows.forEach((row, index) => {
    const shipped = migrations.find((m) => m.version === row.version);
    if (row.version !== index + 1 || shipped?.description !== row.description) {
      problems.push({
        kind: 'schema',
        record: `schema migration ${row.version}`,
        message: 'is not the migration this agent shipped under that number: the database was modified outside the agent',
      });
    }
  });
}

/**
 * A chain that verifies may still have lost its newest runs (deleted with the triggers dropped): only
 * a head kept elsewhere shows it, because that run must still be in the chain.
 */
function checkHead(db: SqliteDatabase, head: string, problems: VerifyProblem[]): VerifyReport['head'] {
  const hash = head.replace(/^sha256:/, '');
  const found = db.prepare('SELECT seq FROM runs WHERE hash = ?').get(hash) as { seq: number } | undefined;
  if (!found) {
    const last = db.prepare('SELECT seq FROM runs ORDER BY seq DESC LIMIT 1').get() as { seq: number } | undefined;
    problems.push({
      kind: 'run',
      record: `chain head ${short(hash)}`,
      message: `is not in the store (its chain now ends at run ${last?.seq ?? 0}): runs were cut off the end of the chain, or the chain was rewritten`,
    });
    return undefined;
  }
  const after = db.prepare('SELECT count(*) AS n FROM runs WHERE seq > ?').get(found.seq) as { n: number };
  return { seq: found.seq, runsAfter: after.n };
}

const normalise = (sql: string) => sql.replace(/\s+/g, ' ').trim();

function checkTriggers(db: SqliteDatabase, problems: VerifyProblem[], schemaVersion: number): void {
  const expectedTriggers = appendOnlyTriggers(schemaVersion);
  const present = new Map(
    (db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").all() as { name: string; sql: string }[]).map((t) => [t.name, normalise(t.sql)]),
  );
  for (const name of present.keys()) {
    if (!expectedTriggers.has(name)) {
      problems.push({
        kind: 'schema',
        record: `trigger ${name}`,
        message: 'is not part of the store schema: the database was modified outside the agent',
      });
    }
  }
  const views = db.prepare("SELECT name FROM sqlite_master WHERE type = 'view'").pluck().all() as string[];
  for (const view of views) {
    problems.push({
      kind: 'schema',
      record: `view ${view}`,
      message: 'is not part of the store schema: the database was modified outside the agent',
    });
  }
  for (const [name, expected] of expectedTriggers) {
    const actual = present.get(name);
    if (actual === undefined || actual !== normalise(expected)) {
      problems.push({
        kind: 'schema',
        record: `trigger ${name}`,
        message: `append-only trigger is ${actual === undefined ? 'missing' : 'altered'}: the database was modified outside the agent`,
      });
    }
  }
}

/**
 * A version-2 run was started by an intent in the chain of intents (its hash is the one the run covers,
 * and it says the same collector, start, versions and config) and belongs to this store (it covers the
 * hash of the store's identity record).
 */
function checkRunProvenance(row: RunRow, intent: IntentRow | undefined, identity: IdentityCheck, name: string, problems: VerifyProblem[]): void {
  if (!intent) {
    problems.push({ kind: 'intent', record: name, message: 'the intent that started it is missing from the chain of intents' });
  } else if (intentHash(intentFieldsOf(intent)) !== row.intent_hash) {
    problems.push({
      kind: 'intent',
      record: name,
      message: `the intent that started it is not the one its hash covers (${intentName(intent)}): who started the run was altered`,
    });
  } else {
    const fields = intentFieldsOf(intent);
    const differing = (
      [
        ['collector', row.collector, fields.collector],
        ['start', row.started_at, fields.startedAt],
        ['agent version', row.agent_version, fields.agentVersion],
        ['mapping version', row.mapping_version, fields.mappingVersion],
        ['config digest', row.config_digest, fields.configDigest],
      ] as const
    ).find(([, ran, intended]) => ran !== intended);
    if (differing) {
      problems.push({ kind: 'intent', record: name, message: `its ${differing[0]} is not the one of the intent that started it (${intentName(intent)})` });
    }
  }
  if (row.store_hash !== identity.hash) {
    problems.push({
      kind: 'store',
      record: name,
      message: "it does not cover this store's identity record: it was written into another store, or the identity was replaced",
    });
  }
}

/** Names the first resource a blob belongs to, so a person can find the tampered document. */
function describeBlob(db: SqliteDatabase, hash: string): string {
  const owner = db.prepare('SELECT run_seq, type, resource_id FROM manifest WHERE blob_hash = ? ORDER BY run_seq LIMIT 1').get(hash) as
    { run_seq: number; type: string; resource_id: string } | undefined;
  if (owner) return `evidence ${owner.type} ${owner.resource_id} (blob ${short(hash)}, first stored by run ${owner.run_seq})`;
  const event = db.prepare('SELECT run_seq, type, event_id FROM events WHERE blob_hash = ? ORDER BY run_seq LIMIT 1').get(hash) as
    { run_seq: number; type: string; event_id: string } | undefined;
  if (event) return `event ${event.type} ${event.event_id} (blob ${short(hash)}, stored by run ${event.run_seq})`;
  // Attested files are cited from the run's meta (chained), not from the manifest.
  const citing = db.prepare('SELECT seq, collector, scope FROM runs WHERE meta LIKE ? ORDER BY seq LIMIT 1').get(`%${hash}%`) as
    { seq: number; collector: string; scope: string } | undefined;
  return citing ? `file ${short(hash)} attested by run ${citing.seq} (${citing.collector} ${citing.scope})` : `blob ${short(hash)} (referenced by no run)`;
}

/** The hashes of the files a run cites (attestations), from its chained meta. */
function filesOf(row: RunRow): string[] {
  try {
    const files = (JSON.parse(row.meta) as { files?: unknown }).files;
    return Array.isArray(files) ? files.filter((f): f is string => typeof f === 'string') : [];
  } catch {
    return [];
  }
}

function checkBlobs(db: SqliteDatabase, problems: VerifyProblem[]): number {
  let count = 0;
  const rows = db.prepare('SELECT hash, size, codec, content FROM blobs ORDER BY hash').iterate() as Iterable<{
    hash: string;
    size: number;
    codec: string;
    content: Buffer;
  }>;
  for (const blob of rows) {
    count += 1;
    let text: Buffer;
    try {
      text = decompress(blob.codec, blob.content);
    } catch (error) {
      problems.push({
        kind: 'blob',
        record: describeBlob(db, blob.hash),
        message: `stored bytes are corrupt (${(error as Error).message})`,
      });
      continue;
    }
    if (sha256Hex(text) !== blob.hash || text.length !== blob.size) {
      problems.push({
        kind: 'blob',
        record: describeBlob(db, blob.hash),
        message: 'content does not match its SHA-256 address: the document was altered',
      });
    }
  }
  return count;
}

interface StoredEventRow {
  event_id: string;
  type: string;
  occurred_at: string;
  partition: string;
  flags: string | null;
  blob_hash: string;
  codec: string | null;
  content: Buffer | null;
}

/**
 * An event row is an index of its stored document (which holds its id, type, time, partition and
 * flags): a column that says otherwise was altered, whatever hash version the run has.
 */
function eventRowProblem(event: StoredEventRow): string | null {
  if (event.codec === null || event.content === null) return null; // a missing blob is reported on its own
  let stored: ReturnType<typeof decodeEvent>;
  try {
    stored = decodeEvent(decompress(event.codec, event.content).toString('utf8'));
  } catch {
    return null; // a corrupt blob is reported on its own
  }
  const expected: [string, unknown][] = [
    ['event_id', stored.eventId],
    ['type', stored.type],
    ['occurred_at', stored.occurredAt],
    ['partition', stored.partition],
    ['flags', stored.flags?.length ? JSON.stringify(stored.flags) : null],
  ];
  const differing = expected.find(([column, value]) => event[column as keyof StoredEventRow] !== value);
  return differing
    ? `its event ${event.event_id} says ${differing[0]} ${JSON.stringify(event[differing[0] as keyof StoredEventRow])}, its stored document ${JSON.stringify(differing[1])}: the event row was altered`
    : null;
}

function checkRuns(db: SqliteDatabase, problems: VerifyProblem[], identity: IdentityCheck | undefined): number {
  const manifestOf = db.prepare('SELECT type, resource_id, blob_hash FROM manifest WHERE run_seq = ?');
  const findingsOf = db.prepare('SELECT check_id, resource_id, resource_type, status, severity, message FROM findings WHERE run_seq = ?');
  const foreignRows = db.prepare(
    `SELECT 'manifest' AS t FROM manifest WHERE run_seq = @seq AND stream != @stream
     UNION ALL SELECT 'findings' FROM findings WHERE run_seq = @seq AND stream != @stream
     UNION ALL SELECT 'events' FROM events WHERE run_seq = @seq AND stream != @stream
     UNION ALL SELECT 'events' FROM event_windows WHERE run_seq = @seq AND stream != @stream LIMIT 1`,
  );
  const eventsOf = db.prepare(
    `SELECT e.event_id, e.type, e.occurred_at, e.partition, e.flags, e.blob_hash, b.codec, b.content
     FROM events e LEFT JOIN blobs b ON b.hash = e.blob_hash WHERE e.run_seq = ?`,
  );
  const intentOf = db.prepare('SELECT * FROM run_intents WHERE id = ?');
  const windowsOf = db.prepare('SELECT partition, from_time, to_time, complete, error FROM event_windows WHERE run_seq = ?');
  const missingBlobs = db.prepare(
    `SELECT m.type, m.resource_id, m.blob_hash FROM manifest m LEFT JOIN blobs b ON b.hash = m.blob_hash
     WHERE m.run_seq = @seq AND m.blob_hash IS NOT NULL AND b.hash IS NULL
     UNION ALL SELECT e.type, e.event_id, e.blob_hash FROM events e LEFT JOIN blobs b ON b.hash = e.blob_hash
     WHERE e.run_seq = @seq AND b.hash IS NULL LIMIT 1`,
  );
  const hasBlob = db.prepare('SELECT 1 FROM blobs WHERE hash = ?').pluck();
  let previousHash = GENESIS_HASH;
  let previousSeq = 0;
  let count = 0;
  for (const row of db.prepare('SELECT * FROM runs ORDER BY seq').iterate() as Iterable<RunRow>) {
    count += 1;
    const name = `run ${row.seq} (${row.collector} ${row.scope}, started ${row.started_at}, id ${row.id})`;
    if (row.seq !== previousSeq + 1) {
      problems.push({
        kind: 'run',
        record: name,
        message: `runs ${previousSeq + 1}..${row.seq - 1} are missing from the chain`,
      });
    }
    if (row.prev_hash !== previousHash) {
      problems.push({ kind: 'run', record: name, message: 'does not chain to the run before it (prev_hash differs)' });
    }
    const manifest = (manifestOf.all(row.seq) as { type: string; resource_id: string; blob_hash: string | null }[]).map((m): ManifestRow => [
      m.type,
      m.resource_id,
      m.blob_hash,
    ]);
    if (manifestDigest(manifest) !== row.manifest_digest) {
      problems.push({
        kind: 'manifest',
        record: name,
        message: 'its evidence manifest rows were added, removed or changed after it was stored',
      });
    }
    const findings = (
      findingsOf.all(row.seq) as {
        check_id: string;
        resource_id: string;
        resource_type: string;
        status: string | null;
        severity: string;
        message: string;
      }[]
    ).map((f): FindingRow => [f.check_id, f.resource_id, f.resource_type, f.status, f.severity, f.message]);
    if (findingsDigest(findings) !== row.findings_digest) {
      problems.push({
        kind: 'findings',
        record: name,
        message: 'its findings were added, removed or changed after it was stored',
      });
    }
    const foreign = foreignRows.get({ seq: row.seq, stream: streamKey(row.collector, row.scope) }) as { t: 'manifest' | 'findings' | 'events' } | undefined;
    if (foreign) {
      problems.push({
        kind: foreign.t,
        record: name,
        message: `its ${foreign.t} rows were moved to another collector or scope after it was stored`,
      });
    }
    const version = row.hash_version ?? 1;
    const storedEvents = eventsOf.all(row.seq) as StoredEventRow[];
    const events = storedEvents.map((e): EventRow | LegacyEventRow =>
      version === 1 ? [e.event_id, e.blob_hash] : [e.event_id, e.type, e.occurred_at, e.partition, e.flags, e.blob_hash],
    );
    const windows = (windowsOf.all(row.seq) as { partition: string; from_time: string; to_time: string; complete: number; error: string | null }[]).map(
      (w): WindowRow => [w.partition, w.from_time, w.to_time, w.complete, w.error],
    );
    const eventProblem = storedEvents.map(eventRowProblem).find((p) => p !== null);
    if (eventsDigest(events) !== row.events_digest || windowsDigest(windows) !== row.windows_digest) {
      problems.push({
        kind: 'events',
        record: name,
        message: eventProblem ?? 'its events or event windows were added, removed or changed after it was stored',
      });
    } else if (eventProblem) {
      problems.push({ kind: 'events', record: name, message: eventProblem });
    }
    const missing = missingBlobs.get({ seq: row.seq }) as { type: string; resource_id: string; blob_hash: string } | undefined;
    if (missing) {
      problems.push({
        kind: 'manifest',
        record: name,
        message: `evidence ${missing.type} ${missing.resource_id} points to blob ${short(missing.blob_hash)}, which is missing`,
      });
    }
    for (const file of filesOf(row)) {
      if (!hasBlob.get(file)) {
        problems.push({ kind: 'manifest', record: name, message: `its file ${short(file)} (an attested file) is missing` });
      }
    }
    const expectedVersion = identity === undefined || row.seq <= identity.legacyRuns ? 1 : HASH_VERSION;
    if (version !== expectedVersion) {
      problems.push({
        kind: 'run',
        record: name,
        message: `it has hash version ${version} where the chain has version ${expectedVersion}: the run row was altered`,
      });
    } else if (version > 1) {
      checkRunProvenance(row, intentOf.get(row.id) as IntentRow | undefined, identity!, name, problems);
    }
    let fieldsMatch: boolean;
    try {
      fieldsMatch = runHash(chainFields(row)) === row.hash;
    } catch {
      fieldsMatch = false; // a JSON column that no longer parses
    }
    if (!fieldsMatch) {
      problems.push({ kind: 'run', record: name, message: 'its fields do not match its hash: the run row was altered' });
    }
    previousHash = row.hash;
    previousSeq = row.seq;
  }
  const orphans = db
    .prepare(
      `SELECT 'manifest' AS t, run_seq FROM manifest WHERE run_seq NOT IN (SELECT seq FROM runs)
       UNION ALL SELECT 'findings', run_seq FROM findings WHERE run_seq NOT IN (SELECT seq FROM runs)
       UNION ALL SELECT 'events', run_seq FROM events WHERE run_seq NOT IN (SELECT seq FROM runs)
       UNION ALL SELECT 'events', run_seq FROM event_windows WHERE run_seq NOT IN (SELECT seq FROM runs) LIMIT 1`,
    )
    .get() as { t: 'manifest' | 'findings' | 'events'; run_seq: number } | undefined;
  if (orphans) {
    problems.push({
      kind: orphans.t,
      record: `${orphans.t} rows of run ${orphans.run_seq}`,
      message: 'belong to a run that is not in the store (the run was deleted)',
    });
  }
  return count;
}
