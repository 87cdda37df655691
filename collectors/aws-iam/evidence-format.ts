// Small formatting rules shared by the evidence builders, so an unchanged account yields
// byte-identical evidence: ISO dates, code-point ordering (not locale), one schema version.
import type { EvidenceItem, ResourceError } from '../../src/collector.js';

export const EVIDENCE_SCHEMA_VERSION = 1;

export class MalformedResponseError extends Error {
  override name = 'MalformedResponseError';
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function evidenceItem(type: string, resourceId: string, data: unknown): EvidenceItem {
  return { type, resourceId, schemaVersion: EVIDENCE_SCHEMA_VERSION, data };
}

export function toIsoDate(value: Date | undefined, what: string): string {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new MalformedResponseError(`missing or unreadable date: ${what}`);
  }
  return value.toISOString();
}

export function byTypeAndResource(a: EvidenceItem | ResourceError, b: EvidenceItem | ResourceError): number {
  return compareStrings(a.type, b.type) || compareStrings(a.resourceId, b.resourceId);
}

/** Keys in code-point order: a map from the API may come back in any order. */
export function sortedRecord<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => compareStrings(a, b)));
}
