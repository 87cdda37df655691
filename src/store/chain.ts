// The hash chain: digests of a run's delta rows and the run hash that links it to the previous run.
// Pure functions, used both when a run is stored and when `verify` recomputes everything.
import { digestOf, sha256Hex } from '../canonical.js';

export const GENESIS_HASH = '0'.repeat(64);

export type ManifestRow = readonly [type: string, resourceId: string, blobHash: string | null];
export type FindingRow = readonly [checkId: string, resourceId: string, resourceType: string, status: string | null, severity: string, message: string];

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

/** The event columns a hash-version-1 run covered: the rest was not under its hash. */
export type LegacyEventRow = readonly [eventId: string, blobHash: string];
/** Every column of an event row but its stream (checked to be the run's) and run (the digest's owner). */
export type EventRow = readonly [eventId: string, type: string, occurredAt: string, partition: string, flags: string | null, blobHash: string];
export type WindowRow = readonly [partition: string, from: string, to: string, complete: number, error: string | null];

/** Digest of the events a run stored first, independent of insertion order. */
export function eventsDigest(rows: readonly (EventRow | LegacyEventRow)[]): string {
  return rowsDigest(rows);
}

/** Digest of a run's event windows, independent of insertion order. */
export function windowsDigest(rows: readonly WindowRow[]): string {
  return rowsDigest(rows);
}

/**
 * The hash version of new runs. 1: the run's fields and delta digests, events by (id, blob) only.
 * 2: also every column of its events, the hash of the intent that started it, and the hash of the
 * store's identity record (what the store is: demo or real). Old runs keep verifying under their version.
 */
export const HASH_VERSION = 2;

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
  /** Absent: version 1. */
  hashVersion?: number;
  /** Version 2: the hash of the run intent that started the run (who, where, when). */
  intentHash?: string;
  /** Version 2: the hash of the store's identity record. */
  storeHash?: string;
}

export function runHash(fields: ChainedRunFields): string {
  const { hashVersion, ...rest } = fields;
  return digestOf({ v: hashVersion ?? 1, ...rest });
}

/** Every field of a run intent: what will run, where (host, pid, process), until when, and its link. */
export interface ChainedIntentFields {
  seq: number;
  id: string;
  collector: string;
  scope: string;
  startedAt: string;
  pid: number;
  host: string;
  instance: string;
  deadline: string;
  agentVersion: string;
  mappingVersion: string;
  configDigest: string;
  /** The hash of the intent before it (GENESIS_HASH for the first): intents form a chain of their own. */
  prevHash: string;
}

export function intentHash(fields: ChainedIntentFields): string {
  return digestOf({ v: HASH_VERSION, record: 'run-intent', ...fields });
}

export type StoreKind = 'demo' | 'real';

/** What a store is, recorded once when it is created (or upgraded to hash version 2). */
export interface StoreIdentityFields {
  storeId: string;
  kind: StoreKind;
  createdAt: string;
  /** Runs stored before the store recorded its identity (hash version 1); 0 for a store created so. */
  legacyRuns: number;
  /** When an older store was upgraded to record its identity; null for a store created with it. */
  upgradedAt: string | null;
}

export function storeIdentityHash(fields: StoreIdentityFields): string {
  return digestOf({ v: HASH_VERSION, record: 'store-identity', ...fields });
}
