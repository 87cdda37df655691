// Ordering and error rules shared by the AWS evidence builders, so an unchanged estate yields
// byte-identical evidence: code-point ordering (not locale), one error class for bad replies.
import type { EvidenceItem, ResourceError } from '../../src/collector.js';
import { compareStrings } from '../../src/compare-strings.js';

/** A reply that parsed but cannot be used as evidence (a field missing, a truncated page without a marker). */
export class MalformedResponseError extends Error {
  override name = 'MalformedResponseError';
}

export function byTypeAndResource(a: EvidenceItem | ResourceError, b: EvidenceItem | ResourceError): number {
  return compareStrings(a.type, b.type) || compareStrings(a.resourceId, b.resourceId);
}
