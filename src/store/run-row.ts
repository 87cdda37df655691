// A stored run row, its public record form, and the fields the chain hash covers.
import type { RunStatus } from '../collector.js';
import type { ChainedRunFields } from './chain.js';
import type { FindingCounts, RunRecord } from './types.js';

export interface RunRow {
  seq: number;
  id: string;
  collector: string;
  scope: string;
  started_at: string;
  finished_at: string;
  status: RunStatus;
  error: string | null;
  api_calls: number;
  agent_version: string;
  mapping_version: string;
  config_digest: string;
  base_seq: number | null;
  evidence_count: number;
  changes: string;
  finding_counts: string;
  meta: string;
  event_counts: string;
  manifest_digest: string;
  findings_digest: string;
  events_digest: string;
  windows_digest: string;
  prev_hash: string;
  hash: string;
  /** 1 for runs stored before migration 3 (and read from a store not yet migrated, where it is absent). */
  hash_version?: number;
  intent_hash?: string | null;
  store_hash?: string | null;
}

/** Runs of one collector on one scope form a stream: snapshots are deltas within it. */
export function streamKey(collector: string, scope: string): string {
  return `${collector}/${scope}`;
}

export function toRecord(row: RunRow): RunRecord {
  return {
    seq: row.seq,
    id: row.id,
    collector: row.collector,
    scope: row.scope,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    status: row.status,
    error: row.error,
    apiCalls: row.api_calls,
    agentVersion: row.agent_version,
    mappingVersion: row.mapping_version,
    configDigest: row.config_digest,
    baseSeq: row.base_seq,
    evidenceCount: row.evidence_count,
    changes: JSON.parse(row.changes) as RunRecord['changes'],
    findingCounts: JSON.parse(row.finding_counts) as FindingCounts,
    meta: JSON.parse(row.meta) as Record<string, unknown>,
    eventCounts: JSON.parse(row.event_counts) as RunRecord['eventCounts'],
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/**
 * The fields the run hash covers, named one by one: adding a field to RunRecord must not silently
 * change the hash of runs already stored (a new field joins the chain with a new hash version).
 */
const CHAINED_FIELDS = [
  'seq',
  'id',
  'collector',
  'scope',
  'startedAt',
  'finishedAt',
  'status',
  'error',
  'apiCalls',
  'agentVersion',
  'mappingVersion',
  'configDigest',
  'baseSeq',
  'evidenceCount',
  'changes',
  'findingCounts',
  'meta',
  'eventCounts',
  'prevHash',
] as const satisfies readonly (keyof ChainedRunFields & keyof RunRecord)[];

/** The chained fields of a stored run row, as the hash of its version covers them. */
export function chainFields(row: RunRow): ChainedRunFields {
  const record = toRecord(row);
  const picked = Object.fromEntries(CHAINED_FIELDS.map((key) => [key, record[key]]));
  const version = row.hash_version ?? 1;
  return {
    ...picked,
    manifestDigest: row.manifest_digest,
    findingsDigest: row.findings_digest,
    eventsDigest: row.events_digest,
    windowsDigest: row.windows_digest,
    // Version 1 hashed exactly the fields above: nothing may be added to them.
    ...(version === 1 ? {} : { hashVersion: version, intentHash: row.intent_hash, storeHash: row.store_hash }),
  } as ChainedRunFields;
}
