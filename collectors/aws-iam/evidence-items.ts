// Small formatting rules shared by the aws-iam evidence builders, so an unchanged account yields
// byte-identical evidence: ISO dates, code-point ordering (not locale), one schema version. The error
// class lives in collectors/_aws/evidence-format.ts (shared with aws-cloudtrail).
import type { EvidenceItem } from '../../src/collector.js';
import { compareStrings } from '../../src/compare-strings.js';
import { MalformedResponseError } from '../_aws/evidence-format.js';

export const EVIDENCE_SCHEMA_VERSION = 1;

export function evidenceItem(type: string, resourceId: string, data: unknown): EvidenceItem {
  return { type, resourceId, schemaVersion: EVIDENCE_SCHEMA_VERSION, data };
}

export function toIsoDate(value: Date | undefined, what: string): string {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new MalformedResponseError(`missing or unreadable date: ${what}`);
  }
  return value.toISOString();
}

/** Keys in code-point order: a map from the API may come back in any order. */
export function sortedRecord<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => compareStrings(a, b)));
}
