// Evidence of each configured region: which trails record its events. A region whose trails could not
// be listed has no document, only a resource error: its coverage is unknown, never "no trail".
import type { ResourceError } from '../../src/collector.js';
import { compareStrings } from '../../src/compare-strings.js';
import type { AccountRef } from '../_aws/account.js';
import type { Outcome } from '../_aws/outcome.js';
import { EVIDENCE, EVIDENCE_SCHEMA_VERSION, resourceIds } from './schema.js';
import type { Built, RegionEvidence } from './schema.js';
import type { ListedTrail } from './trail-reads.js';

/**
 * A region's events are recorded by every multi-region trail and by the single-region trails homed
 * there. DescribeTrails may also list single-region trails of other regions: they record nothing here.
 */
export function trailsRecordingRegion(listed: readonly ListedTrail[], region: string): ListedTrail[] {
  return listed.filter((trail) => trail.multiRegion || trail.homeRegion === region);
}

export function regionEvidence(account: AccountRef, regions: readonly string[], listings: ReadonlyMap<string, Outcome<ListedTrail[]>>): Built {
  const built: Built = { evidence: [], errors: [] };
  for (const region of regions) {
    const resourceId = resourceIds.region(account, region);
    const listing = listings.get(region);
    if (!listing?.ok) {
      const error: ResourceError = {
        type: EVIDENCE.region,
        resourceId,
        error: listing?.reason ?? `DescribeTrails in ${region}: not read`,
      };
      built.errors.push(error);
      continue;
    }
    const trailArns = [...new Set(trailsRecordingRegion(listing.value, region).map((trail) => trail.arn))];
    const data: RegionEvidence = { accountId: account.accountId, region, trailArns: trailArns.sort(compareStrings) };
    built.evidence.push({ type: EVIDENCE.region, resourceId, schemaVersion: EVIDENCE_SCHEMA_VERSION, data });
  }
  return built;
}
