// What the Identity Center checks can conclude from the instance evidence: Identity Center enabled (its
// regions to judge), absent in every region read (the findings say so), or unknown (the read failed, or
// it was not read, so nothing is concluded here: the runner records the error).
import type { EvidenceView, FindingDraft } from '../../../src/collector.js';
import { evidenceOf, finding } from '../../../src/judging.js';
import type { Judged } from '../../../src/judging.js';
import { EVIDENCE } from '../schema.js';
import type { InstanceEvidence } from '../schema.js';

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
