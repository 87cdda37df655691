// The SQLite evidence store: one transaction per run, content-addressed blobs, delta manifests and
// findings, every run hash-chained to the one before it.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { sha256Hex } from '../canonical.js';
import type { CachedResponse, EventItem, EventWindow, EvidenceItem, RunStatus } from '../collector.js';
import { COMPRESS_FROM_BYTES, compress, decodeDocument, decodeEvent, decompress, encodeDocument, encodeEvent } from './blob-codec.js';
import { GENESIS_HASH, HASH_VERSION, eventsDigest, findingsDigest, manifestDigest, runHash, windowsDigest } from './chain.js';
import type { StoreKind } from './chain.js';
import { readIdentity } from './identity.js';
import { appendIntent, intentProblem } from './intents.js';
import type { IntentRow } from './intents.js';
import { chainFields, streamKey, toRecord } from './run-row.js';
import type { RunRow } from './run-row.js';
import type { ChainedRunFields, EventRow, FindingRow, ManifestRow, WindowRow } from './chain.js';
import { openDatabase } from './open-database.js';
import type { SqliteDatabase } from './open-database.js';
import { verifyDatabase } from './verify.js';
import type {
  EvidenceStore,
  FindingCounts,
  FindingRecord,
  RecordedFinding,
  RunFilter,
  RunIntent,
  RunOutcome,
  RunRecord,
  RunStart,
  StoreStats,
  VerifyOptions,
  VerifyReport,
  SnapshotEntry,
  StoreIdentity,
} from './types.js';
import { StoreError } from './types.js';

/** Tells this process apart from an earlier one with the same pid (a restarted container is pid 1 again). */
const PROCESS_INSTANCE = randomUUID();
/** Past its timeout a run is aborted by the runner; this margin covers recording the abort. */
const DEADLINE_MARGIN_MS = 10 * 60_000;
const DEFAULT_RUN_SPAN_MS = 24 * 3_600_000;

const SNAPSHOT_STATUSES: readonly RunStatus[] = ['ok', 'partial'];


function resourceKey(type: string, resourceId: string): string {
  return `${type}\u0000${resourceId}`;
}

function findingKey(checkId: string, resourceId: string): string {
  return `${checkId}\u0000${resourceId}`;
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * An intent is abandoned when the process that wrote it is gone: past its deadline (whatever wrote
 * it: a new container has a new hostname, and pids are reused after a reboot); before that, on this
 * host, when its pid is dead or is ours but from an earlier process (a restarted container is pid 1
 * again). Another host's intent before its deadline may be a live run on a shared volume: left alone.
 */
function isAbandoned(intent: IntentRow, now: Date): boolean {
  if (intent.instance === PROCESS_INSTANCE) return false;
  if (now.getTime() > Date.parse(intent.deadline)) return true;
  if (intent.host !== hostname()) return false;
  return intent.pid === process.pid || !isProcessAlive(intent.pid);
}

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

function windowRowsOf(outcome: RunOutcome): WindowRow[] {
  const rows = (outcome.windows ?? []).map(
    (w): WindowRow => [w.partition, w.from, w.to, w.complete ? 1 : 0, w.error ?? null],
  );
  const partitions = new Set<string>();
  for (const [partition, from, to] of rows) {
    if (partitions.has(partition)) throw new StoreError(`the run reports two event windows for ${partition}`);
    partitions.add(partition);
    if (!(Date.parse(from) <= Date.parse(to))) {
      throw new StoreError(`the event window of ${partition} is not a time span (${from} to ${to})`);
    }
  }
  return rows;
}

export class SqliteEvidenceStore implements EvidenceStore {
  /**
   * Per stream, the findings state findingsOf read last, its Map in (check, resource) order: a period is
   * read day by day across the streams, so one slot for all of them would be rebuilt at every call.
   */
  private readonly lastFindingStates = new Map<string, { seq: number; state: Map<string, FindingRecord>; sorted: boolean }>();
  /** The hash of the store's identity record, read at the first run stored: it never changes. */
  private identityHash: string | undefined;

  private constructor(
    readonly path: string,
    private readonly db: SqliteDatabase,
    private readonly readonly: boolean,
  ) {}

  /**
   * Read-only stores (the read commands, verify) never migrate or checkpoint the file they read.
   * `kind`: what a store created now holds (default real); an existing store keeps the kind it recorded.
   */
  static open(path: string, options: { readonly?: boolean; kind?: StoreKind; untouched?: boolean } = {}): SqliteEvidenceStore {
    const readonly = options.readonly ?? false;
    return new SqliteEvidenceStore(path, openDatabase(path, { readonly, ...(options.kind ? { kind: options.kind } : {}), ...(options.untouched ? { untouched: true } : {}) }), readonly);
  }

  async identity(): Promise<StoreIdentity> {
    return readIdentity(this.db);
  }

  async startRun(start: RunStart): Promise<RunIntent> {
    const intent: RunIntent = { ...start, id: randomUUID() };
    const record = this.db.transaction(() =>
      appendIntent(this.db, {
        id: intent.id,
        collector: intent.collector,
        scope: intent.scope,
        started_at: intent.startedAt.toISOString(),
        pid: process.pid,
        host: hostname(),
        instance: PROCESS_INSTANCE,
        deadline: new Date(
          (intent.deadline?.getTime() ?? intent.startedAt.getTime() + DEFAULT_RUN_SPAN_MS) + DEADLINE_MARGIN_MS,
        ).toISOString(),
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
    const stream = streamKey(intent.collector, scope);
    const isSnapshot = SNAPSHOT_STATUSES.includes(outcome.status);
    const last = this.db.prepare('SELECT seq, hash FROM runs ORDER BY seq DESC LIMIT 1').get() as
      | { seq: number; hash: string }
      | undefined;
    const seq = (last?.seq ?? 0) + 1;
    const base = isSnapshot ? this.latestSnapshotSeq(intent.collector, scope) : null;

    const { rows: manifestRows, changes } = isSnapshot
      ? this.manifestDelta(stream, base, outcome.evidence)
      : { rows: [], changes: { added: 0, changed: 0, removed: 0 } };
    const findingRows = isSnapshot ? this.findingsDelta(stream, base, outcome.findings) : [];
    const windowRows = isSnapshot ? windowRowsOf(outcome) : [];
    const eventRows = isSnapshot ? this.newEvents(stream, outcome.events ?? [], windowRows) : [];
    const findingCounts: FindingCounts = { pass: 0, fail: 0, error: 0, not_applicable: 0 };
    for (const finding of isSnapshot ? outcome.findings : []) findingCounts[finding.status] += 1;
    const fileHashes = isSnapshot ? this.storeFiles(outcome.files ?? []) : [];
    const meta = fileHashes.length > 0 ? { ...outcome.meta, files: fileHashes } : outcome.meta;

    const row: RunRow = {
      seq,
      id: intent.id,
      collector: intent.collector,
      scope,
      started_at: intent.startedAt.toISOString(),
      finished_at: outcome.finishedAt.toISOString(),
      status: outcome.status,
      error: outcome.error,
      api_calls: outcome.apiCalls,
      agent_version: intent.agentVersion,
      mapping_version: intent.mappingVersion,
      config_digest: intent.configDigest,
      base_seq: base,
      evidence_count: isSnapshot ? outcome.evidence.length : 0,
      changes: JSON.stringify(changes),
      finding_counts: JSON.stringify(findingCounts),
      meta: JSON.stringify(meta),
      event_counts: JSON.stringify({
        read: isSnapshot ? (outcome.events?.length ?? 0) : 0,
        stored: eventRows.length,
        incompleteWindows: windowRows.filter((w) => w[3] === 0).length,
      }),
      manifest_digest: manifestDigest(manifestRows),
      findings_digest: findingsDigest(findingRows),
      events_digest: eventsDigest(eventRows),
      windows_digest: windowsDigest(windowRows),
      prev_hash: last?.hash ?? GENESIS_HASH,
      hash: '',
      hash_version: HASH_VERSION,
      intent_hash: intentHash,
      store_hash: this.storeHash(),
    };
    row.hash = runHash(chainFields(row));

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
    const insertManifest = this.db.prepare(
      'INSERT INTO manifest (run_seq, stream, type, resource_id, blob_hash) VALUES (?, ?, ?, ?, ?)',
    );
    for (const [type, id, hash] of manifestRows) insertManifest.run(seq, stream, type, id, hash);
    const insertFinding = this.db.prepare(
      `INSERT INTO findings (run_seq, stream, check_id, resource_id, resource_type, status, severity, message)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const [checkId, id, type, status, severity, message] of findingRows) {
      insertFinding.run(seq, stream, checkId, id, type, status, severity, message);
    }
    const insertEvent = this.db.prepare(
      `INSERT INTO events (stream, event_id, type, occurred_at, partition, flags, blob_hash, run_seq)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const [eventId, type, occurredAt, partition, flags, hash] of eventRows) {
      insertEvent.run(stream, eventId, type, occurredAt, partition, flags, hash, seq);
    }
    const insertWindow = this.db.prepare(
      `INSERT INTO event_windows (run_seq, stream, partition, from_time, to_time, complete, error)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const [partition, from, to, complete, error] of windowRows) {
      insertWindow.run(seq, stream, partition, from, to, complete, error);
    }
    return row;
  }

  /**
   * Cited files as blobs addressed by the SHA-256 of their bytes (verify re-hashes them like documents);
   * their hashes go into the run's meta, which the chain covers, so a missing file is found too.
   */
  private storeFiles(files: readonly Buffer[]): string[] {
    const insertBlob = this.db.prepare(
      'INSERT INTO blobs (hash, size, codec, content) VALUES (?, ?, ?, ?) ON CONFLICT (hash) DO NOTHING',
    );
    const hashes = new Set<string>();
    for (const bytes of files) {
      const hash = sha256Hex(bytes);
      const blob = compress(bytes);
      insertBlob.run(hash, bytes.length, blob.codec, blob.content);
      hashes.add(hash);
    }
    return [...hashes].sort();
  }

  /**
   * The events no earlier run of the stream stored (their blobs written now), as chain rows. Every
   * event must fall in a window the run reports for its partition: an event outside any read window
   * would be a population nobody can say is complete.
   */
  private newEvents(
    stream: string,
    events: readonly EventItem[],
    windows: readonly WindowRow[],
  ): EventRow[] {
    const partitions = new Set(windows.map(([partition]) => partition));
    const known = this.db.prepare('SELECT 1 FROM events WHERE stream = ? AND event_id = ?').pluck();
    const hasBlob = this.db.prepare('SELECT 1 FROM blobs WHERE hash = ?').pluck();
    const insertBlob = this.db.prepare(
      'INSERT INTO blobs (hash, size, codec, content) VALUES (?, ?, ?, ?) ON CONFLICT (hash) DO NOTHING',
    );
    const seen = new Set<string>();
    const rows: EventRow[] = [];
    for (const item of events) {
      if (!partitions.has(item.partition)) {
        throw new StoreError(`event ${item.eventId} is in partition ${item.partition}, for which the run reports no window`);
      }
      if (seen.has(item.eventId)) continue;
      seen.add(item.eventId);
      if (known.get(stream, item.eventId)) continue;
      const { hash, canonical } = encodeEvent(item);
      if (!hasBlob.get(hash)) {
        const blob = compress(canonical);
        insertBlob.run(hash, Buffer.byteLength(canonical), blob.codec, blob.content);
      }
      rows.push(eventRowOf(item, hash));
    }
    return rows;
  }

  /** Writes new blobs and returns the manifest rows that differ from the base snapshot. */
  private manifestDelta(
    stream: string,
    base: number | null,
    evidence: readonly EvidenceItem[],
  ): { rows: ManifestRow[]; changes: RunRecord['changes'] } {
    const before = base === null ? new Map<string, string>() : this.manifestState(stream, base);
    const hasBlob = this.db.prepare('SELECT 1 FROM blobs WHERE hash = ?').pluck();
    const insertBlob = this.db.prepare(
      'INSERT INTO blobs (hash, size, codec, content) VALUES (?, ?, ?, ?) ON CONFLICT (hash) DO NOTHING',
    );
    const rows: ManifestRow[] = [];
    const changes = { added: 0, changed: 0, removed: 0 };
    const seen = new Set<string>();
    for (const item of evidence) {
      const key = resourceKey(item.type, item.resourceId);
      if (seen.has(key)) throw new StoreError(`evidence ${item.type} ${item.resourceId} appears twice in one run`);
      seen.add(key);
      const { hash, canonical } = encodeDocument(item);
      // A small blob is stored as it is, so the conflict clause alone skips a known one; a large one is
      // looked up first to spare deflating a document already stored.
      if (canonical.length < COMPRESS_FROM_BYTES || !hasBlob.get(hash)) {
        const blob = compress(canonical);
        insertBlob.run(hash, Buffer.byteLength(canonical), blob.codec, blob.content);
      }
      const previous = before.get(key);
      if (previous === hash) continue;
      rows.push([item.type, item.resourceId, hash]);
      if (previous === undefined) changes.added += 1;
      else changes.changed += 1;
    }
    for (const key of before.keys()) {
      if (seen.has(key)) continue;
      const [type, id] = key.split('\u0000') as [string, string];
      rows.push([type, id, null]);
      changes.removed += 1;
    }
    return { rows, changes };
  }

  private findingsDelta(stream: string, base: number | null, findings: readonly FindingRecord[]): FindingRow[] {
    const before = base === null ? new Map<string, FindingRecord>() : this.findingState(stream, base);
    const rows: FindingRow[] = [];
    const seen = new Set<string>();
    for (const f of findings) {
      const key = findingKey(f.checkId, f.resourceId);
      if (seen.has(key)) throw new StoreError(`finding ${f.checkId} on ${f.resourceId} appears twice in one run`);
      seen.add(key);
      const old = before.get(key);
      const same =
        old &&
        old.status === f.status &&
        old.message === f.message &&
        old.severity === f.severity &&
        old.resourceType === f.resourceType;
      if (!same) rows.push([f.checkId, f.resourceId, f.resourceType, f.status, f.severity, f.message]);
    }
    for (const [key, old] of before) {
      if (!seen.has(key)) rows.push([old.checkId, old.resourceId, old.resourceType, null, old.severity, '']);
    }
    return rows;
  }

  private latestSnapshotSeq(collector: string, scope: string): number | null {
    const row = this.db
      .prepare(
        `SELECT max(seq) AS seq FROM runs WHERE collector = ? AND scope = ? AND status IN ('ok', 'partial')`,
      )
      .get(collector, scope) as { seq: number | null };
    return row.seq;
  }

  /** type+id → blob hash of every document in the snapshot `seq` of `stream`. */
  private manifestState(stream: string, seq: number): Map<string, string> {
    const rows = this.db
      .prepare(
        `SELECT type, resource_id, blob_hash FROM (
           SELECT type, resource_id, blob_hash,
                  row_number() OVER (PARTITION BY type, resource_id ORDER BY run_seq DESC) AS rn
           FROM manifest WHERE stream = ? AND run_seq <= ?)
         WHERE rn = 1 AND blob_hash IS NOT NULL`,
      )
      .all(stream, seq) as { type: string; resource_id: string; blob_hash: string }[];
    return new Map(rows.map((r) => [resourceKey(r.type, r.resource_id), r.blob_hash]));
  }

  private findingState(stream: string, seq: number): Map<string, FindingRecord> {
    const rows = this.db
      .prepare(
        `SELECT check_id, resource_id, resource_type, status, severity, message FROM (
           SELECT *, row_number() OVER (PARTITION BY check_id, resource_id ORDER BY run_seq DESC) AS rn
           FROM findings WHERE stream = ? AND run_seq <= ?)
         WHERE rn = 1 AND status IS NOT NULL ORDER BY check_id, resource_id`,
      )
      .all(stream, seq) as {
      check_id: string;
      resource_id: string;
      resource_type: string;
      status: FindingRecord['status'];
      severity: FindingRecord['severity'];
      message: string;
    }[];
    return new Map(
      rows.map((r) => [
        findingKey(r.check_id, r.resource_id),
        {
          checkId: r.check_id,
          resourceId: r.resource_id,
          resourceType: r.resource_type,
          status: r.status,
          severity: r.severity,
          message: r.message,
        },
      ]),
    );
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
      recovered.push(
        await this.finishRun(
          {
            id: intent.id,
            collector: intent.collector,
            scope: intent.scope,
            startedAt: new Date(intent.started_at),
            agentVersion: intent.agent_version,
            mappingVersion: intent.mapping_version,
            configDigest: intent.config_digest,
          },
          {
            finishedAt: now,
            status: 'aborted',
            error: `the agent process (pid ${intent.pid} on ${intent.host}) ended before the run finished; recorded when the store was next opened`,
            apiCalls: 0,
            resolvedScope,
            evidence: [],
            findings: [],
            meta: { recovered: true, ...(resolvedScope ? { configuredScope: intent.scope } : {}) },
          },
        ),
      );
    }
    return recovered;
  }

  async listRuns(filter: RunFilter = {}): Promise<RunRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.collector) {
      where.push('collector = ?');
      params.push(filter.collector);
    }
    if (filter.scope) {
      where.push('scope = ?');
      params.push(filter.scope);
    }
    if (filter.from) {
      where.push('started_at >= ?');
      params.push(filter.from.toISOString());
    }
    if (filter.to) {
      where.push('started_at < ?');
      params.push(filter.to.toISOString());
    }
    const sql = `SELECT * FROM runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq${
      filter.limit ? ` DESC LIMIT ${Math.max(0, Math.floor(filter.limit))}` : ''
    }`;
    const rows = (this.db.prepare(sql).all(...params) as RunRow[]).map(toRecord);
    return filter.limit ? rows.reverse() : rows;
  }

  async getRun(seq: number): Promise<RunRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM runs WHERE seq = ?').get(seq) as RunRow | undefined;
    return row && toRecord(row);
  }

  async latestSnapshots(at: Date = new Date()): Promise<RunRecord[]> {
    return this.latestPerStream(at, "status IN ('ok', 'partial') AND");
  }

  async latestRuns(at: Date = new Date()): Promise<RunRecord[]> {
    return this.latestPerStream(at, '');
  }

  private latestPerStream(at: Date, condition: string): RunRecord[] {
    const rows = this.db
      .prepare(
        `SELECT r.* FROM runs r
         JOIN (SELECT collector, scope, max(seq) AS seq FROM runs
               WHERE ${condition} started_at <= ? GROUP BY collector, scope) latest
           ON latest.seq = r.seq
         ORDER BY r.collector, r.scope`,
      )
      .all(at.toISOString()) as RunRow[];
    return rows.map(toRecord);
  }

  async lastResolvedScope(collector: string, configuredScope: string): Promise<string | undefined> {
    const row = this.db
      .prepare(
        `SELECT scope FROM runs WHERE collector = ? AND json_extract(meta, '$.configuredScope') = ?
         ORDER BY seq DESC LIMIT 1`,
      )
      .get(collector, configuredScope) as { scope: string } | undefined;
    return row?.scope;
  }

  private snapshotRun(seq: number): RunRow {
    const row = this.db.prepare('SELECT * FROM runs WHERE seq = ?').get(seq) as RunRow | undefined;
    if (!row) throw new StoreError(`no run ${seq} in the store`);
    return row;
  }

  async watermarks(collector: string, scope: string): Promise<Record<string, string>> {
    const rows = this.db
      .prepare(
        `SELECT partition, max(to_time) AS watermark FROM event_windows
         WHERE stream = ? AND complete = 1 GROUP BY partition ORDER BY partition`,
      )
      .all(streamKey(collector, scope)) as { partition: string; watermark: string }[];
    return Object.fromEntries(rows.map((r) => [r.partition, r.watermark]));
  }

  async windowsOf(seq: number): Promise<EventWindow[]> {
    const rows = this.db
      .prepare('SELECT partition, from_time, to_time, complete, error FROM event_windows WHERE run_seq = ? ORDER BY partition')
      .all(seq) as StoredWindowRow[];
    return rows.map(windowOf);
  }

  async cachedResponse(collector: string, scope: string, key: string): Promise<CachedResponse | undefined> {
    const row = this.db
      .prepare('SELECT etag, codec, body FROM http_cache WHERE stream = ? AND key = ?')
      .get(streamKey(collector, scope), key) as { etag: string; codec: string; body: Buffer } | undefined;
    return row ? { etag: row.etag, body: decompress(row.codec, row.body).toString('utf8') } : undefined;
  }

  async cacheResponse(collector: string, scope: string, key: string, value: CachedResponse): Promise<void> {
    if (this.readonly) throw new StoreError('the store is open read-only');
    this.db
      .prepare(
        `INSERT INTO http_cache (stream, key, etag, codec, body, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (stream, key) DO UPDATE SET etag = excluded.etag, codec = excluded.codec, body = excluded.body, updated_at = excluded.updated_at`,
      )
      .run(streamKey(collector, scope), key, value.etag, ...storedBody(value.body), new Date().toISOString());
  }

  async streamWindows(collector: string, scope: string, from: Date, to: Date): Promise<EventWindow[]> {
    const rows = this.db
      .prepare(
        `SELECT partition, from_time, to_time, complete, error FROM event_windows
         WHERE stream = ? AND to_time > ? AND from_time < ? ORDER BY partition, from_time, run_seq`,
      )
      .all(streamKey(collector, scope), from.toISOString(), to.toISOString()) as StoredWindowRow[];
    return rows.map(windowOf);
  }

  async *iterateEvents(collector: string, scope: string, from: Date, to: Date): AsyncIterable<EventItem> {
    const statement = this.db.prepare(
      `SELECT b.codec, b.content FROM events e JOIN blobs b ON b.hash = e.blob_hash
       WHERE e.stream = ? AND e.occurred_at >= ? AND e.occurred_at < ? ORDER BY e.occurred_at, e.event_id`,
    );
    for (const row of statement.iterate(streamKey(collector, scope), from.toISOString(), to.toISOString()) as Iterable<{ codec: string; content: Buffer }>) {
      yield decodeEvent(decompress(row.codec, row.content).toString('utf8'));
    }
  }

  async eventsOf(collector: string, scope: string, from: Date, to: Date): Promise<EventItem[]> {
    const rows = this.db
      .prepare(
        `SELECT b.codec, b.content FROM events e JOIN blobs b ON b.hash = e.blob_hash
         WHERE e.stream = ? AND e.occurred_at >= ? AND e.occurred_at < ? ORDER BY e.occurred_at, e.event_id`,
      )
      .all(streamKey(collector, scope), from.toISOString(), to.toISOString()) as { codec: string; content: Buffer }[];
    return rows.map((r) => decodeEvent(decompress(r.codec, r.content).toString('utf8')));
  }

  async eventsById(collector: string, scope: string, eventIds: readonly string[]): Promise<EventItem[]> {
    const events: EventItem[] = [];
    const stream = streamKey(collector, scope);
    // In slices: SQLite bounds the number of parameters of one statement.
    for (let start = 0; start < eventIds.length; start += 500) {
      const ids = eventIds.slice(start, start + 500);
      const rows = this.db
        .prepare(
          `SELECT b.codec, b.content FROM events e JOIN blobs b ON b.hash = e.blob_hash
           WHERE e.stream = ? AND e.event_id IN (${ids.map(() => '?').join(', ')})`,
        )
        .all(stream, ...ids) as { codec: string; content: Buffer }[];
      for (const row of rows) events.push(decodeEvent(decompress(row.codec, row.content).toString('utf8')));
    }
    return events;
  }

  async recordedFindings(collector: string, scope: string, checkIds: readonly string[], range: { fromSeq?: number; toSeq?: number } = {}): Promise<RecordedFinding[]> {
    if (checkIds.length === 0) return [];
    const rows = this.db
      .prepare(
        `SELECT f.run_seq, r.started_at, f.check_id, f.resource_id, f.resource_type, f.status, f.severity, f.message
         FROM findings f JOIN runs r ON r.seq = f.run_seq
         WHERE f.stream = ? AND f.check_id IN (${checkIds.map(() => '?').join(', ')}) AND f.run_seq >= ? AND f.run_seq <= ? AND f.status IS NOT NULL
         ORDER BY f.run_seq, f.check_id, f.resource_id`,
      )
      .all(streamKey(collector, scope), ...checkIds, range.fromSeq ?? 0, range.toSeq ?? Number.MAX_SAFE_INTEGER) as {
      run_seq: number;
      started_at: string;
      check_id: string;
      resource_id: string;
      resource_type: string;
      status: FindingRecord['status'];
      severity: FindingRecord['severity'];
      message: string;
    }[];
    return rows.map((r) => ({
      runSeq: r.run_seq,
      runStartedAt: r.started_at,
      checkId: r.check_id,
      resourceId: r.resource_id,
      resourceType: r.resource_type,
      status: r.status,
      severity: r.severity,
      message: r.message,
    }));
  }

  async failingSince(seq: number): Promise<Map<string, string>> {
    const run = this.snapshotRun(seq);
    const rows = this.db
      .prepare(
        `SELECT f.check_id, f.resource_id, f.status, r.started_at FROM findings f JOIN runs r ON r.seq = f.run_seq
         WHERE f.stream = ? AND f.run_seq <= ? ORDER BY f.check_id, f.resource_id, f.run_seq`,
      )
      .all(streamKey(run.collector, run.scope), seq) as { check_id: string; resource_id: string; status: string | null; started_at: string }[];
    const since = new Map<string, string>();
    for (const row of rows) {
      const key = `${row.check_id}\u0000${row.resource_id}`;
      // A delta row that keeps failing (a changed message) continues the streak.
      if (row.status === 'fail') {
        if (!since.has(key)) since.set(key, row.started_at);
      } else since.delete(key);
    }
    return since;
  }

  async chainedRuns(fromSeq: number, toSeq: number): Promise<{ fields: ChainedRunFields; hash: string }[]> {
    const rows = this.db.prepare('SELECT * FROM runs WHERE seq BETWEEN ? AND ? ORDER BY seq').all(fromSeq, toSeq) as RunRow[];
    return rows.map((row) => ({ fields: chainFields(row), hash: row.hash }));
  }

  async documentOf(seq: number, type: string, resourceId: string): Promise<EvidenceItem | undefined> {
    const run = this.snapshotRun(seq);
    if (!SNAPSHOT_STATUSES.includes(run.status)) return undefined;
    const row = this.db
      .prepare(
        `SELECT b.codec, b.content FROM manifest m LEFT JOIN blobs b ON b.hash = m.blob_hash
         WHERE m.stream = ? AND m.type = ? AND m.resource_id = ? AND m.run_seq <= ?
         ORDER BY m.run_seq DESC LIMIT 1`,
      )
      .get(streamKey(run.collector, run.scope), type, resourceId, seq) as { codec: string | null; content: Buffer | null } | undefined;
    // No row, or the latest row is a removal (no blob).
    if (!row?.codec || !row.content) return undefined;
    return decodeDocument(decompress(row.codec, row.content).toString('utf8'));
  }

  async evidenceOf(seq: number): Promise<EvidenceItem[]> {
    const items: EvidenceItem[] = [];
    for (const entry of await this.snapshotEntries(seq)) items.push(await this.storedDocument(entry.blobHash));
    return items;
  }

  async snapshotEntries(seq: number): Promise<SnapshotEntry[]> {
    const run = this.snapshotRun(seq);
    if (!SNAPSHOT_STATUSES.includes(run.status)) return [];
    const entries: SnapshotEntry[] = [];
    for (const [key, blobHash] of this.manifestState(streamKey(run.collector, run.scope), seq)) {
      const [type, resourceId] = key.split('\u0000') as [string, string];
      entries.push({ type, resourceId, blobHash });
    }
    // By type, then id: a total order, so the same snapshot always lists (and exports) the same way.
    return entries.sort((a, b) => compareText(a.type, b.type) || compareText(a.resourceId, b.resourceId));
  }

  async storedDocument(blobHash: string): Promise<EvidenceItem> {
    const blob = this.db.prepare('SELECT codec, content FROM blobs WHERE hash = ?').get(blobHash) as { codec: string; content: Buffer } | undefined;
    if (!blob) throw new StoreError(`blob ${blobHash} referenced by a snapshot is missing: run verify`);
    return decodeDocument(decompress(blob.codec, blob.content).toString('utf8'));
  }

  async fileBytes(sha256: string): Promise<Buffer | undefined> {
    const blob = this.db.prepare('SELECT codec, content FROM blobs WHERE hash = ?').get(sha256) as { codec: string; content: Buffer } | undefined;
    return blob ? decompress(blob.codec, blob.content) : undefined;
  }

  async findingsOf(seq: number): Promise<FindingRecord[]> {
    const run = this.snapshotRun(seq);
    if (!SNAPSHOT_STATUSES.includes(run.status)) return [];
    const stream = streamKey(run.collector, run.scope);
    // A period is read run after run of a stream (coverage, export): the state of the previous run read
    // plus the deltas since is a few hundred rows a day, where rebuilding it is every row up to `seq`.
    const last = this.lastFindingStates.get(stream);
    let state: Map<string, FindingRecord>;
    let sorted = true;
    if (last && last.seq <= seq) {
      // Updated in place: what callers hold is the arrays returned, never this Map.
      state = last.state;
      sorted = last.sorted;
      for (const row of this.findingRowsBetween(stream, last.seq, seq)) {
        const key = findingKey(row.checkId, row.resourceId);
        if (row.status === null) state.delete(key);
        else {
          if (!state.has(key)) sorted = false;
          state.set(key, row as FindingRecord);
        }
      }
    } else {
      state = this.findingState(stream, seq);
      sorted = false; // SQLite orders by UTF-8 bytes, the report by UTF-16 units: sort once here
    }
    let records = [...state.values()];
    if (!sorted) {
      records = records.sort(byCheckThenResource);
      state = new Map(records.map((r) => [findingKey(r.checkId, r.resourceId), r]));
    }
    this.lastFindingStates.set(stream, { seq, state, sorted: true });
    return records;
  }

  /**
   * The finding delta rows of `stream`'s runs after `afterSeq` up to `seq`, oldest run first. The `+`
   * keeps SQLite on the primary key's run_seq range: on the stream index it reads the stream's every row.
   */
  private findingRowsBetween(stream: string, afterSeq: number, seq: number): (Omit<FindingRecord, 'status'> & { status: FindingRecord['status'] | null })[] {
    return (
      this.db
        .prepare(
          `SELECT check_id, resource_id, resource_type, status, severity, message FROM findings
           WHERE run_seq > ? AND run_seq <= ? AND +stream = ? ORDER BY run_seq`,
        )
        .all(afterSeq, seq, stream) as { check_id: string; resource_id: string; resource_type: string; status: FindingRecord['status'] | null; severity: FindingRecord['severity']; message: string }[]
    ).map((r) => ({ checkId: r.check_id, resourceId: r.resource_id, resourceType: r.resource_type, status: r.status, severity: r.severity, message: r.message }));
  }

  async verify(options: VerifyOptions = {}): Promise<VerifyReport> {
    return verifyDatabase(this.db, options);
  }

  async stats(): Promise<StoreStats> {
    const count = (table: string) =>
      (this.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    const pageCount = this.db.pragma('page_count', { simple: true }) as number;
    const pageSize = this.db.pragma('page_size', { simple: true }) as number;
    return {
      runs: count('runs'),
      blobs: count('blobs'),
      manifestRows: count('manifest'),
      findingRows: count('findings'),
      fileBytes: pageCount * pageSize,
    };
  }

  async close(): Promise<void> {
    if (this.db.open) {
      if (!this.readonly) this.db.pragma('wal_checkpoint(TRUNCATE)');
      this.db.close();
    }
  }
}

/** An event's row as stored and hashed (version 2): every column but the stream and the run. */
function eventRowOf(item: EventItem, hash: string): EventRow {
  return [item.eventId, item.type, item.occurredAt, item.partition, item.flags?.length ? JSON.stringify(item.flags) : null, hash];
}

interface StoredWindowRow {
  partition: string;
  from_time: string;
  to_time: string;
  complete: number;
  error: string | null;
}

function windowOf(r: StoredWindowRow): EventWindow {
  return {
    partition: r.partition,
    from: r.from_time,
    to: r.to_time,
    complete: r.complete === 1,
    ...(r.error ? { error: r.error } : {}),
  };
}

function storedBody(text: string): [string, Buffer] {
  const blob = compress(text);
  return [blob.codec, blob.content];
}

function byCheckThenResource(a: FindingRecord, b: FindingRecord): number {
  if (a.checkId !== b.checkId) return a.checkId < b.checkId ? -1 : 1;
  return a.resourceId < b.resourceId ? -1 : a.resourceId > b.resourceId ? 1 : 0;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
