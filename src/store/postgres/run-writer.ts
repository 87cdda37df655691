// Writing runs to PostgreSQL: as the SQLite writer does (run-build.ts computes the rows and hashes), in
// one transaction per run that holds the chain lock, so several agents append to one chain in turn.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { sha256Hex } from '../../canonical.js';
import { isAbandoned, thisProcess } from '../abandoned.js';
import { compress } from '../blob-codec.js';
import { GENESIS_HASH, intentHash } from '../chain.js';
import { intentFieldsOf } from '../intents.js';
import type { IntentRow, NewIntent } from '../intents.js';
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
import { firstRow, inChainTransaction, rows } from './connection.js';
import type { Queryable } from './connection.js';
import { insertRows } from './copy-rows.js';
import { findingState, latestSnapshotSeq, manifestState } from './state.js';

/** Why an intent cannot be trusted (its fields do not match its hash, or it does not link), or null. */
export async function intentProblem(db: Queryable, row: IntentRow): Promise<string | null> {
  if (row.seq === null || row.hash === null || row.prev_hash === null) return 'it is not in the chain of intents (written outside the agent)';
  if (intentHash(intentFieldsOf(row)) !== row.hash) return 'its fields do not match its hash: the intent was altered';
  const before = row.seq === 1 ? GENESIS_HASH : (await firstRow<{ hash: string }>(db, 'SELECT hash FROM run_intents WHERE seq = $1', [row.seq - 1]))?.hash;
  if (before !== row.prev_hash) return 'it does not chain to the intent before it';
  return null;
}

/** PostgreSQL's unique_violation: another agent recorded the same run first. */
const UNIQUE_VIOLATION = '23505';

export class PostgresRunWriter implements RunWriter {
  private identityHash: string | undefined;

  constructor(
    private readonly location: string,
    private readonly pool: () => Promise<pg.Pool>,
    private readonly lastResolvedScope: (collector: string, configuredScope: string) => Promise<string | undefined>,
  ) {}

  async startRun(start: RunStart): Promise<RunIntent> {
    const intent: RunIntent = { ...start, id: randomUUID() };
    const fields: NewIntent = {
      id: intent.id,
      collector: intent.collector,
      scope: intent.scope,
      started_at: intent.startedAt.toISOString(),
      ...thisProcess(intentDeadline(intent)),
      agent_version: intent.agentVersion,
      mapping_version: intent.mappingVersion,
      config_digest: intent.configDigest,
    };
    await inChainTransaction(await this.pool(), async (client) => {
      const last = await firstRow<{ seq: number; hash: string }>(client, 'SELECT seq, hash FROM run_intents WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1');
      const row: IntentRow = { ...fields, seq: (last?.seq ?? 0) + 1, prev_hash: last?.hash ?? GENESIS_HASH, hash: '' };
      row.hash = intentHash(intentFieldsOf(row));
      await insertRows(client, 'run_intents', [row]);
    });
    return intent;
  }

  private async storeHash(db: Queryable): Promise<string> {
    this.identityHash ??= (await firstRow<{ hash: string }>(db, 'SELECT hash FROM store_identity'))?.hash;
    if (!this.identityHash) throw new StoreError(`${this.location} has no identity record: run \`evidence-agent verify\``);
    return this.identityHash;
  }

  async finishRun(intent: RunIntent, outcome: RunOutcome): Promise<RunRecord> {
    return toRecord(await inChainTransaction(await this.pool(), (client) => this.insertRun(client, intent, outcome)));
  }

  private async insertRun(client: pg.PoolClient, intent: RunIntent, outcome: RunOutcome): Promise<RunRow> {
    const intentRow = await firstRow<{ hash: string | null }>(client, 'SELECT hash FROM run_intents WHERE id = $1', [intent.id]);
    if (!intentRow?.hash) throw new StoreError(`run intent ${intent.id} is not in the store: a run is stored only after its start was recorded (startRun)`);
    const scope = outcome.resolvedScope ?? intent.scope;
    const last = await firstRow<{ seq: number; hash: string }>(client, 'SELECT seq, hash FROM runs ORDER BY seq DESC LIMIT 1');
    const isSnapshot = SNAPSHOT_STATUSES.includes(outcome.status);
    const base = isSnapshot ? await latestSnapshotSeq(client, intent.collector, scope) : null;
    const stream = streamKey(intent.collector, scope);
    const blobs: NewBlob[] = [];
    const delta = isSnapshot ? await this.delta(client, stream, base, outcome, blobs) : EMPTY_DELTA;
    const row = runRowOf(intent, outcome, delta, {
      seq: (last?.seq ?? 0) + 1,
      prevHash: last?.hash ?? GENESIS_HASH,
      baseSeq: base,
      intentHash: intentRow.hash,
      storeHash: await this.storeHash(client),
    });
    const stored = blobs.map(({ hash, canonical }) => {
      const blob = compress(canonical);
      return { hash, size: Buffer.byteLength(canonical), codec: blob.codec, content: blob.content };
    });
    for (const bytes of isSnapshot ? (outcome.files ?? []) : []) {
      const blob = compress(bytes);
      stored.push({ hash: sha256Hex(bytes), size: bytes.length, codec: blob.codec, content: blob.content });
    }
    await insertRows(client, 'blobs', stored, 'ON CONFLICT (hash) DO NOTHING');
    await insertRows(client, 'runs', [row]);
    const seq = row.seq;
    await insertRows(
      client,
      'manifest',
      delta.manifestRows.map(([type, resource_id, blob_hash]) => ({ run_seq: seq, stream, type, resource_id, blob_hash })),
    );
    await insertRows(
      client,
      'findings',
      delta.findingRows.map(([check_id, resource_id, resource_type, status, severity, message]) => ({
        run_seq: seq,
        stream,
        check_id,
        resource_id,
        resource_type,
        status,
        severity,
        message,
      })),
    );
    await insertRows(
      client,
      'events',
      delta.eventRows.map(([event_id, type, occurred_at, partition, flags, blob_hash]) => ({
        stream,
        event_id,
        type,
        occurred_at,
        partition,
        flags,
        blob_hash,
        run_seq: seq,
      })),
    );
    await insertRows(
      client,
      'event_windows',
      delta.windowRows.map(([partition, from_time, to_time, complete, error]) => ({ run_seq: seq, stream, partition, from_time, to_time, complete, error })),
    );
    return row;
  }

  /** The run's delta rows against the base snapshot; the blobs they reference are collected in `blobs`. */
  private async delta(client: pg.PoolClient, stream: string, base: number | null, outcome: RunOutcome, blobs: NewBlob[]): Promise<RunDelta> {
    const wanted = new Map<string, NewBlob>();
    const want = (blob: NewBlob): void => void wanted.set(blob.hash, blob);
    const { rows: manifestRows, changes } = manifestDelta(base === null ? new Map() : await manifestState(client, stream, base), outcome.evidence, want);
    const findingRows = findingsDelta(base === null ? new Map() : await findingState(client, stream, base), outcome.findings);
    const windowRows = windowRowsOf(outcome);
    const ids = [...new Set((outcome.events ?? []).map((e) => e.eventId))];
    const known = new Set(
      ids.length === 0
        ? []
        : (await rows<{ event_id: string }>(client, 'SELECT event_id FROM events WHERE stream = $1 AND event_id = ANY($2)', [stream, ids])).map(
            (r) => r.event_id,
          ),
    );
    const eventRows = newEventRows(outcome.events ?? [], windowRows, (id) => known.has(id), want);
    // Blobs already stored are not deflated again.
    const present = new Set(
      wanted.size === 0 ? [] : (await rows<{ hash: string }>(client, 'SELECT hash FROM blobs WHERE hash = ANY($1)', [[...wanted.keys()]])).map((r) => r.hash),
    );
    for (const blob of wanted.values()) if (!present.has(blob.hash)) blobs.push(blob);
    const fileHashes = [...new Set((outcome.files ?? []).map((bytes) => sha256Hex(bytes)))].sort();
    return { manifestRows, changes, findingRows, windowRows, eventRows, fileHashes };
  }

  async recoverAbandonedRuns(now: Date): Promise<RunRecord[]> {
    const pool = await this.pool();
    const intents = await rows<IntentRow>(pool, 'SELECT * FROM run_intents i WHERE NOT EXISTS (SELECT 1 FROM runs r WHERE r.id = i.id) ORDER BY started_at');
    const recovered: RunRecord[] = [];
    for (const intent of intents) {
      if (!isAbandoned(intent, now)) continue;
      if ((await intentProblem(pool, intent)) !== null) continue;
      // Another agent may have recorded it meanwhile: the run's id is unique, so only one of them does.
      if (await firstRow(pool, 'SELECT 1 FROM runs WHERE id = $1', [intent.id])) continue;
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
      try {
        recovered.push(await this.finishRun(start, abandonedOutcome(intent, now, resolvedScope)));
      } catch (error) {
        if ((error as { code?: unknown }).code !== UNIQUE_VIOLATION) throw error;
      }
    }
    return recovered;
  }
}
