// CIS AWS 3.1 (read and write management events): in every configured region, the logging multi-region
// trails that record it keep all read and all write management events between them. Single-region
// trails do not count: CIS asks for a multi-region trail, and only multi-region trails are sure to keep
// the global services' events (IAM, STS), since AWS requires them to include global service events. Leaving out the high-volume
// sources CloudTrail lets a trail exclude (KMS, RDS Data API) passes when the config allows it, and the
// finding says so.
import type { CheckDefinition } from '../../../src/collector.js';
import { evidenceOf, finding } from '../../../src/judging.js';
import { EVIDENCE, TRAIL_PARTS } from '../schema.js';
import type { AwsCloudTrailOptions, RegionEvidence } from '../schema.js';
import { combinedCapture, managementCaptures } from './management-events.js';
import { listing, regionLabel, regionTrailLabel, regionTrails, unreadReason } from './trails.js';
import type { RegionTrail } from './trails.js';

export const managementEventsCaptured: CheckDefinition<AwsCloudTrailOptions> = {
  id: 'aws_cloudtrail_management_events_captured',
  title: 'Read and write management events are captured in every region',
  severity: 'high',
  description:
    'Management events are the record of who changed or read the configuration (IAM, security groups, the trails ' +
    'themselves). Fails for a configured region where the logging multi-region trails that record it ' +
    '(single-region trails do not count), taken together, miss read or write management events (basic selectors: ' +
    'IncludeManagementEvents false or a ReadWriteType of one kind; advanced selectors: no eventCategory=Management ' +
    'selector for that kind, or one limited to some event sources), or leave out an event source not in ' +
    'thresholds.allowedExcludedEventSources.',
  remediation:
    'Give a logging multi-region trail a selector for all management events: `aws cloudtrail put-event-selectors ' +
    '--trail-name <trail> --event-selectors \'[{"ReadWriteType":"All","IncludeManagementEvents":true}]\'`, or an ' +
    'advanced selector with only `eventCategory` Equals `Management`.',
  resourceTypes: [EVIDENCE.region],
  evaluate(view, options) {
    const allowed = new Set(options.thresholds.allowedExcludedEventSources);
    return evidenceOf<RegionEvidence>(view, EVIDENCE.region).map((region) => {
      const where = regionLabel(region.data);
      const trails = regionTrails(view, region.data);
      const logging = trails.filter((entry) => entry.trail?.multiRegion === true && entry.trail.status?.isLogging === true && entry.trail.eventSelectors);
      const contributions = logging.flatMap((entry) => managementCaptures(entry.trail!.eventSelectors!).map((capture) => ({ entry, capture })));
      const captured = combinedCapture(contributions.map(({ capture }) => capture));
      const gaps = [gap('read', captured.read, allowed), gap('write', captured.write, allowed)].flatMap((g) => g ?? []);
      if (gaps.length === 0) {
        const by = [...new Set(contributions.map(({ entry }) => regionTrailLabel(entry)))];
        const left = [...new Set([...(captured.read ?? []), ...(captured.write ?? [])])].sort();
        const note = left.length > 0 ? `, except events from ${listing(left)} (allowed by thresholds.allowedExcludedEventSources)` : '';
        return finding(region, 'pass', `${where} has read and write management events captured by ${listing(by)}${note}.`);
      }
      const unknown = unreadTrails(view, trails);
      if (unknown.length > 0) {
        return finding(region, 'error', `${where} cannot be judged: ${listing(unknown)}.`);
      }
      return finding(region, 'fail', `${where} does not have every management event captured by a logging multi-region trail: ${gaps.join('; ')}.`);
    });
  },
};

function gap(kind: 'read' | 'write', missing: string[] | null, allowed: ReadonlySet<string>): string | undefined {
  if (missing === null) return `${kind} management events are not captured`;
  const disallowed = missing.filter((source) => !allowed.has(source));
  if (disallowed.length === 0) return undefined;
  return `${kind} management events from ${listing(disallowed)} are left out`;
}

/** Trails that might close the gap had they been read: status unknown, or logging with selectors unknown. */
function unreadTrails(view: Parameters<typeof regionTrails>[0], trails: RegionTrail[]): string[] {
  return trails.flatMap((entry) => {
    if (entry.trail && !entry.trail.multiRegion) return [];
    const label = regionTrailLabel(entry);
    if (!entry.trail || !entry.trail.status) {
      return [`the logging status of ${label} could not be read (${unreadReason(view, TRAIL_PARTS.status, entry)})`];
    }
    if (entry.trail.status.isLogging && !entry.trail.eventSelectors) {
      const reason = unreadReason(view, TRAIL_PARTS.eventSelectors, entry);
      return [`the event selectors of ${label} could not be read (${reason})`];
    }
    return [];
  });
}
