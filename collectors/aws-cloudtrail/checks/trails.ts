// How the checks see trails: a region joined to the documents of the trails that record it, labels
// that name a trail the same way in every message, and why a part of a trail is unknown.
import type { EvidenceView } from '../../../src/collector.js';
import { EVIDENCE } from '../schema.js';
import type { RegionEvidence, TrailEvidence } from '../schema.js';

export interface RegionTrail {
  arn: string;
  /** undefined only when the snapshot lacks the trail's document (never from this collector). */
  trail: TrailEvidence | undefined;
}

/** The trails recording a region, in ARN order. */
export function regionTrails(view: EvidenceView, region: RegionEvidence): RegionTrail[] {
  return region.trailArns.map((arn) => ({ arn, trail: view.get(EVIDENCE.trail, arn)?.data as TrailEvidence | undefined }));
}

export function regionLabel(region: RegionEvidence): string {
  return `Region ${region.region} of account ${region.accountId}`;
}

/** `trail main (us-east-1)`, or `organization trail org (us-east-1) of account 999988887777`. */
export function trailLabel(trail: TrailEvidence): string {
  const kind = trail.organizationTrail ? 'organization trail' : 'trail';
  const owner = trail.ownerAccountId === trail.accountId ? '' : ` of account ${trail.ownerAccountId}`;
  return `${kind} ${trail.name} (${trail.homeRegion})${owner}`;
}

export function regionTrailLabel(entry: RegionTrail): string {
  return entry.trail ? trailLabel(entry.trail) : `trail ${entry.arn}`;
}

/** The reason stored with a trail part that could not be read (a resource error of type `partType`). */
export function unreadReason(view: EvidenceView, partType: string, entry: RegionTrail): string {
  if (!entry.trail) return 'no evidence of the trail in this snapshot';
  return partReason(view, partType, entry.arn);
}

export function partReason(view: EvidenceView, partType: string, trailArn: string): string {
  return view.errors(partType).find((error) => error.resourceId === trailArn)?.error ?? 'not read';
}

/** `a`, `a and b`, `a, b and c`. */
export function listing(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
