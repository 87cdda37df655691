// The rows under a run's events and findings digests, shaped as the chain hashes them (src/store/chain.ts):
// the same for every engine, so an evidence pack's proof does not depend on where the store lives.
import type { EventRow, FindingRow, LegacyEventRow } from './chain.js';
import type { DigestRows } from './types.js';

export interface StoredEventRow {
  event_id: string;
  type: string;
  occurred_at: string;
  partition: string;
  flags: string | null;
  blob_hash: string;
}

export interface StoredFindingRow {
  check_id: string;
  resource_id: string;
  resource_type: string;
  status: string | null;
  severity: string;
  message: string;
}

/** Hash version 1 covered an event by its id and blob only; version 2 covers every column. */
export function digestRowsOf(hashVersion: number, events: StoredEventRow[], findings: StoredFindingRow[]): DigestRows {
  return {
    events: events.map((e): EventRow | LegacyEventRow =>
      hashVersion === 1 ? [e.event_id, e.blob_hash] : [e.event_id, e.type, e.occurred_at, e.partition, e.flags, e.blob_hash],
    ),
    findings: findings.map((f): FindingRow => [f.check_id, f.resource_id, f.resource_type, f.status, f.severity, f.message]),
  };
}
