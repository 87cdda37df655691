// The hash chain: digests of a run's delta rows and the run hash that links it to the previous run.
// Pure functions, used both when a run is stored and when `verify` recomputes everything.
import { digestOf, sha256Hex } from '../canonical.js';

export const GENESIS_HASH = '0'.repeat(64);

export type ManifestRow = readonly [type: string, resourceId: string, blobHash: string | null];
export type FindingRow = readonly [
  checkId: string,
  resourceId: string,
  resourceType: string,
  status: string | null,
  severity: string,
  message: string,
];

function byFirstTwo(a: readonly unknown[], b: readonly unknown[]): number {
  const [a0, a1] = a as [string, string];
  const [b0, b1] = b as [string, string];
  if (a0 !== b0) return a0 < b0 ? -1 : 1;
  if (a1 !== b1) return a1 < b1 ? -1 : 1;
  return 0;
}

type Cell = string | number | null;

/**
 * SHA-256 of the RFC 8785 canonical JSON of sorted rows. Rows hold only strings, finite numbers and
 * null, whose canonical JSON is exactly what JSON.stringify writes (no keys to sort), so the ten-times
 * faster built-in serialises them; the store test holds this equal to `digestOf`.
 */
export function rowsDigest(rows: readonly (readonly Cell[])[]): string {
  return sha256Hex(JSON.stringify([...rows].sort(byFirstTwo)));
}

/** Digest of a run's manifest delta, independent of insertion order. */
export function manifestDigest(rows: readonly ManifestRow[]): string {
  return rowsDigest(rows);
}

/** Digest of a run's findings delta, independent of insertion order. */
export function findingsDigest(rows: readonly FindingRow[]): string {
  return rowsDigest(rows);
}

export type EventRow = readonly [eventId: string, blobHash: string];
export type WindowRow = readonly [partition: string, from: string, to: string, complete: number, error: string | null];

/** Digest of the events a run stored first, independent of insertion order. */
export function eventsDigest(rows: readonly EventRow[]): string {
  return rowsDigest(rows);
}

/** Digest of a run's event windows, independent of insertion order. */
export function windowsDigest(rows: readonly WindowRow[]): string {
  return rowsDigest(rows);
}

/** Every stored field of a run that the chain protects. */
export interface ChainedRunFields {
  seq: number;
  id: string;
  collector: string;
  scope: string;
  startedAt: string;
  finishedAt: string;
  status: string;
  error: string | null;
  apiCalls: number;
  agentVersion: string;
  mappingVersion: string;
  configDigest: string;
  baseSeq: number | null;
  evidenceCount: number;
  changes: unknown;
  findingCounts: unknown;
  meta: unknown;
  eventCounts: unknown;
  manifestDigest: string;
  findingsDigest: string;
  eventsDigest: string;
  windowsDigest: string;
  prevHash: string;
}

export function runHash(fields: ChainedRunFields): string {
  return digestOf({ v: 1, ...fields });
}
