// Writing runs to SQLite: the intent when a run starts, the run with its delta rows in one transaction
// when it finishes (chained to the run before), and aborted runs for intents whose process died.
import { randomUUID } from 'node:crypto';
import { sha256Hex } from '../../canonical.js';
import { isAbandoned, thisProcess } from '../abandoned.js';
import { COMPRESS_FROM_BYTES, compress } from '../blob-codec.js';
import { GENESIS_HASH } from '../chain.js';
import { appendIntent, intentProblem } from '../intents.js';
import type { IntentRow } from '../intents.js';
import type { SqliteDatabase } from '../open-database.js';
import {
  EMPTY_DELTA,
  SNAPSHOT_STATUSES,
  abandonedOutcome,
  findingsDelta,
  intentDeadline,
  manifestDelta,
  newEventRows,
  runRowOf,
  windowRowsOf,
} from '../run-build.js';
import type { NewBlob, RunDelta } from '../run-build.js';
import { streamKey, toRecord } from '../run-row.js';
import type { RunRow } from '../run-row.js';
import type { RunIntent, RunOutcome, RunRecord, RunStart, RunWriter } from '../types.js';
import { StoreError } from '../types.js';
import { findingState, latestSnapshotSeq, manifestState } from './state.js';

/**
 * A write the disk cannot take (SQLITE_FULL: the volume is full, or the file reached a size limit)
 * gets a message that says so and what to do. SQLite rolled the transaction back: nothing of the run
 * is stored.
 */
function writeError(path: string, error: unknown): unknown {
  if ((error as { code?: unknown }).code !== 'SQLITE_FULL') return error;
  return new StoreError(
    `disk full: the evidence store ${path} could not grow (SQLITE_FULL: database or disk is full); nothing of this run was stored. ` +
      'Free space on its volume (or move store.path to a larger one) and run again; `evidence-agent verify` checks the store',
  );
}

export class SqliteRunWriter implements RunWriter {
  /** The hash of the store's identity record, read at the first run stored: it never changes. */
  private identityHash: string | undefined;

  constructor(
    private readonly path: string,
    private readonly db: SqliteDatabase,
    /** The scope a configured scope last resolved to (a reader's question the recovery asks). */
    private readonly lastResolvedScope: (collector: string, configuredScope: string) => Promise<string | undefined>,
  ) {}

  async startRun(start: RunStart): Promise<RunIntent> {
    const intent: RunIntent = { ...start, id: randomUUID() };
    const owner = thisProcess(intentDeadline(intent));
    const record = this.db.transaction(() =>
      appendIntent(this.db, {
        id: intent.id,
        collector: intent.collector,
        scope: intent.scope,
        started_at: intent.startedAt.toISOString(),
        ...owner,
        agent_version: intent.agentVersion,
        mapping_version: intent.mappingVersion,
        config_digest: intent.configDigest,
      }),
    );
    try {
      record.immediate();
    } catch (error) {
      throw writeError(this.path, error);
    }
    return intent;
  }

  /** The hash of the store's identity record, which every run covers. */
  private storeHash(): string {
    this.identityHash ??= this.db.prepare('SELECT hash FROM store_identity').pluck().get() as string | undefined;
    if (!this.identityHash) throw new StoreError(`${this.path} has no identity record: run \`evidence-agent verify\``);
    return this.identityHash;
  }

  async finishRun(intent: RunIntent, outcome: RunOutcome): Promise<RunRecord> {
    const commit = this.db.transaction(() => this.insertRun(intent, outcome));
    try {
      return toRecord(commit.immediate());
    } catch (error) {
      throw writeError(this.path, error);
    }
  }

  private insertRun(intent: RunIntent, outcome: RunOutcome): RunRow {
    // The run's hash covers the hash of the intent that started it, as stored in the chain of intents.
    const intentHash = this.db.prepare('SELECT hash FROM run_intents WHERE id = ?').pluck().get(intent.id) as string | null | undefined;
    if (!intentHash) throw new StoreError(`run intent ${intent.id} is not in the store: a run is stored only after its start was recorded (startRun)`);
    const scope = outcome.resolvedScope ?? intent.scope;
    const last = this.db.prepare('SELECT seq, hash FROM runs ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined;
    const isSnapshot = SNAPSHOT_STATUSES.includes(outcome.status);
    const base = isSnapshot ? latestSnapshotSeq(this.db, intent.collector, scope) : null;
    const delta = isSnapshot ? this.delta(streamKey(intent.collector, scope), base, outcome) : EMPTY_DELTA;
    const row = runRowOf(intent, outcome, delta, {
      seq: (last?.seq ?? 0) + 1,
      prevHash: last?.hash ?? GENESIS_HASH,
      baseSeq: base,
      intentHash,
      storeHash: this.storeHash(),
    });
    this.insertRows(row, delta);
    return row;
  }

  /** The run's delta rows against the base snapshot, writing the blobs they reference. */
  private delta(stream: string, base: number | null, outcome: RunOutcome): RunDelta {
    const hasBlob = this.db.prepare('SELECT 1 FROM blobs WHERE hash = ?').pluck();
    const insertBlob = this.db.prepare('INSERT INTO blobs (hash, size, codec, content) VALUES (?, ?, ?, ?) ON CONFLICT (hash) DO NOTHING');
    const storeBlob = ({ hash, canonical }: NewBlob): void => {
      const blob = compress(canonical);
      insertBlob.run(hash, Buffer.byteLength(canonical), blob.codec, blob.content);
    };
    const { rows: manifestRows, changes } = manifestDelta(base === null ? new Map() : manifestState(this.db, stream, base), outcome.evidence, (blob) => {
      // A small blob is stored as it is, so the conflict clause alone skips a known one; a large one is
      // looked up first to spare deflating a document already stored.
      if (blob.canonical.length < COMPRESS_FROM_BYTES || !hasBlob.get(blob.hash)) storeBlob(blob);
    });
    const findingRows = findingsDelta(base === null ? new Map() : findingState(this.db, stream, base), outcome.findings);
    const windowRows = windowRowsOf(outcome);
    const known = this.db.prepare('SELECT 1 FROM events WHERE stream = ? AND event_id = ?').pluck();
    const eventRows = newEventRows(
      outcome.events ?? [],
      windowRows,
      (eventId) => known.get(stream, eventId) !== undefined,
      (blob) => {
        if (!hasBlob.get(blob.hash)) storeBlob(blob);
      },
    );
    return { manifestRows, changes, findingRows, windowRows, eventRows, fileHashes: this.storeFiles(outcome.files ?? []) };
  }

  /**
   * Cited files as blobs addressed by the SHA-256 of their bytes (verify re-hashes them like documents);
   * their hashes go into the run's meta, which the chain covers, so a missing file is found too.
   */
  private storeFiles(files: readonly Buffer[]): string[] {
    const insertBlob = this.db.prepare('INSERT INTO blobs (hash, size, codec, content) VALUES (?, ?, ?, ?) ON CONFLICT (hash) DO NOTHING');
    const hashes = new Set<string>();
    for (const bytes of files) {
      const hash = sha256Hex(bytes);
      const blob = compress(bytes);
      insertBlob.run(hash, bytes.length, blob.codec, blob.content);
      hashes.add(hash);
    }
    return [...hashes].sort();
  }

  private insertRows(row: RunRow, delta: RunDelta): void {
    const { seq } = row;
    const stream = streamKey(row.collector, row.scope);
    this.db
      .prepare(
        `INSERT INTO runs (seq, id, collector, scope, started_at, finished_at, status, error, api_calls, agent_version,
           mapping_version, config_digest, base_seq, evidence_count, changes, finding_counts, meta, event_counts,
           manifest_digest, findings_digest, events_digest, windows_digest, prev_hash, hash, hash_version, intent_hash, store_hash)
         VALUES (@seq, @id, @collector, @scope, @started_at, @finished_at, @status, @error, @api_calls, @agent_version,
           @mapping_version, @config_digest, @base_seq, @evidence_count, @changes, @finding_counts, @meta, @event_counts,
           @manifest_digest, @findings_digest, @events_digest, @windows_digest, @prev_hash, @hash, @hash_version, @intent_hash, @store_hash)`,
      )
      .run(row);
    const insertManifest = this.db.prepare('INSERT INTO manifest (run_seq, stream, type, resource_id, blob_hash) VALUES (?, ?, ?, ?, ?)');
    for (const [type, id, hash] of delta.manifestRows) insertManifest.run(seq, stream, type, id, hash);
    const insertFinding = this.db.prepare(
      `INSERT INTO findings (run_seq, stream, check_id, resource_id, resource_type, status, severity, message)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const [checkId, id, type, status, severity, message] of delta.findingRows) {
      insertFinding.run(seq, stream, checkId, id, type, status, severity, message);
    }
    const insertEvent = this.db.prepare(
      `INSERT INTO events (stream, event_id, type, occurred_at, partition, flags, blob_hash, run_seq)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const [eventId, type, occurredAt, partition, flags, hash] of delta.eventRows) {
      insertEvent.run(stream, eventId, type, occurredAt, partition, flags, hash, seq);
    }
    const insertWindow = this.db.prepare(
      `INSERT INTO event_windows (run_seq, stream, partition, from_time, to_time, complete, error)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const [partition, from, to, complete, error] of delta.windowRows) {
      insertWindow.run(seq, stream, partition, from, to, complete, error);
    }
  }

  async recoverAbandonedRuns(now: Date): Promise<RunRecord[]> {
    const intents = this.db
      .prepare('SELECT * FROM run_intents i WHERE NOT EXISTS (SELECT 1 FROM runs r WHERE r.id = i.id) ORDER BY started_at')
      .all() as IntentRow[];
    const recovered: RunRecord[] = [];
    for (const intent of intents) {
      if (!isAbandoned(intent, now)) continue;
      // Only an intent the chain vouches for becomes a run: one written or changed outside the agent
      // stays as it is, and verify names it.
      if (intentProblem(this.db, intent) !== null) continue;
      const resolvedScope = await this.lastResolvedScope(intent.collector, intent.scope);
      const start: RunIntent = {
        id: intent.id,
        collector: intent.collector,
        scope: intent.scope,
        startedAt: new Date(intent.started_at),
        agentVersion: intent.agent_version,
        mappingVersion: intent.mapping_version,
        configDigest: intent.config_digest,
      };
      recovered.push(await this.finishRun(start, abandonedOutcome(intent, now, resolvedScope)));
    }
    return recovered;
  }
}
