// Recomputes every hash in the store: each blob against its address, each run's delta digests,
// and the chain from the first run to the last. Reports every problem, the first one first.
import { sha256Hex } from '../canonical.js';
import { decompress } from './blob-codec.js';
import { GENESIS_HASH, eventsDigest, findingsDigest, manifestDigest, runHash, windowsDigest } from './chain.js';
import type { EventRow, FindingRow, ManifestRow, WindowRow } from './chain.js';
import { APPEND_ONLY_TRIGGERS } from './migrations.js';
import type { SqliteDatabase } from './open-database.js';
import { chainFields, streamKey } from './run-row.js';
import type { RunRow } from './run-row.js';
import type { VerifyOptions, VerifyProblem, VerifyReport } from './types.js';

const short = (hash: string) => `sha256:${hash.slice(0, 16)}…`;

export function verifyDatabase(db: SqliteDatabase, options: VerifyOptions = {}): VerifyReport {
  const problems: VerifyProblem[] = [];
  // Evidence problems first: they name the altered record, which is what a reader needs first.
  const blobs = checkBlobs(db, problems);
  const runs = checkRuns(db, problems);
  checkTriggers(db, problems);
  const head = options.head === undefined ? undefined : checkHead(db, options.head, problems);
  return { ok: problems.length === 0, runs, blobs, problems, ...(head ? { head } : {}) };
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

function checkTriggers(db: SqliteDatabase, problems: VerifyProblem[]): void {
  const present = new Map(
    (db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").all() as { name: string; sql: string }[]).map(
      (t) => [t.name, normalise(t.sql)],
    ),
  );
  for (const name of present.keys()) {
    if (!APPEND_ONLY_TRIGGERS.has(name)) {
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
  for (const [name, expected] of APPEND_ONLY_TRIGGERS) {
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

/** Names the first resource a blob belongs to, so a person can find the tampered document. */
function describeBlob(db: SqliteDatabase, hash: string): string {
  const owner = db
    .prepare('SELECT run_seq, type, resource_id FROM manifest WHERE blob_hash = ? ORDER BY run_seq LIMIT 1')
    .get(hash) as { run_seq: number; type: string; resource_id: string } | undefined;
  if (owner) return `evidence ${owner.type} ${owner.resource_id} (blob ${short(hash)}, first stored by run ${owner.run_seq})`;
  const event = db
    .prepare('SELECT run_seq, type, event_id FROM events WHERE blob_hash = ? ORDER BY run_seq LIMIT 1')
    .get(hash) as { run_seq: number; type: string; event_id: string } | undefined;
  if (event) return `event ${event.type} ${event.event_id} (blob ${short(hash)}, stored by run ${event.run_seq})`;
  // Attested files are cited from the run's meta (chained), not from the manifest.
  const citing = db.prepare("SELECT seq, collector, scope FROM runs WHERE meta LIKE ? ORDER BY seq LIMIT 1").get(`%${hash}%`) as
    | { seq: number; collector: string; scope: string }
    | undefined;
  return citing
    ? `file ${short(hash)} attested by run ${citing.seq} (${citing.collector} ${citing.scope})`
    : `blob ${short(hash)} (referenced by no run)`;
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

function checkRuns(db: SqliteDatabase, problems: VerifyProblem[]): number {
  const manifestOf = db.prepare('SELECT type, resource_id, blob_hash FROM manifest WHERE run_seq = ?');
  const findingsOf = db.prepare(
    'SELECT check_id, resource_id, resource_type, status, severity, message FROM findings WHERE run_seq = ?',
  );
  const foreignRows = db.prepare(
    `SELECT 'manifest' AS t FROM manifest WHERE run_seq = @seq AND stream != @stream
     UNION ALL SELECT 'findings' FROM findings WHERE run_seq = @seq AND stream != @stream
     UNION ALL SELECT 'events' FROM events WHERE run_seq = @seq AND stream != @stream
     UNION ALL SELECT 'events' FROM event_windows WHERE run_seq = @seq AND stream != @stream LIMIT 1`,
  );
  const eventsOf = db.prepare('SELECT event_id, blob_hash FROM events WHERE run_seq = ?');
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
    const manifest = (manifestOf.all(row.seq) as { type: string; resource_id: string; blob_hash: string | null }[]).map(
      (m): ManifestRow => [m.type, m.resource_id, m.blob_hash],
    );
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
    const foreign = foreignRows.get({ seq: row.seq, stream: streamKey(row.collector, row.scope) }) as
      | { t: 'manifest' | 'findings' | 'events' }
      | undefined;
    if (foreign) {
      problems.push({
        kind: foreign.t,
        record: name,
        message: `its ${foreign.t} rows were moved to another collector or scope after it was stored`,
      });
    }
    const events = (eventsOf.all(row.seq) as { event_id: string; blob_hash: string }[]).map(
      (e): EventRow => [e.event_id, e.blob_hash],
    );
    const windows = (
      windowsOf.all(row.seq) as { partition: string; from_time: string; to_time: string; complete: number; error: string | null }[]
    ).map((w): WindowRow => [w.partition, w.from_time, w.to_time, w.complete, w.error]);
    if (eventsDigest(events) !== row.events_digest || windowsDigest(windows) !== row.windows_digest) {
      problems.push({
        kind: 'events',
        record: name,
        message: 'its events or event windows were added, removed or changed after it was stored',
      });
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
    if (runHash(chainFields(row)) !== row.hash) {
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
