// Shared by the checks: typed evidence, finding drafts, and the Identity Center facts several checks need.
import type { EvidenceView, FindingDraft } from '../../../src/collector.js';
import { evidenceOf, finding } from '../../../src/judging.js';
import type { Judged } from '../../../src/judging.js';
import { EVIDENCE } from '../schema.js';
import type { InstanceEvidence } from '../schema.js';

export { evidenceOf, finding };
export type { Judged };

export type IdentityCenterState =
  /** Read, with at least one instance: judge its permission sets and assignments. */
  | { kind: 'enabled'; regions: Judged<InstanceEvidence>[] }
  /** Nothing to conclude here: the read failed (the runner records the error) or Identity Center was not read. */
  | { kind: 'unknown' }
  /** Read, and no region has an instance: the findings say so. */
  | { kind: 'absent'; findings: (status: 'not_applicable', message: (region: string) => string) => FindingDraft[] };

export function identityCenterState(view: EvidenceView): IdentityCenterState {
  if (view.errors(EVIDENCE.instance).length > 0) return { kind: 'unknown' };
  const regions = evidenceOf<InstanceEvidence>(view, EVIDENCE.instance);
  if (regions.length === 0) return { kind: 'unknown' };
  if (regions.every((region) => region.data.instances.length === 0)) {
    return { kind: 'absent', findings: (status, message) => regions.map((region) => finding(region, status, message(region.data.region))) };
  }
  return { kind: 'enabled', regions };
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
