// CIS AWS 3.1: every configured region is recorded by a multi-region trail (the account's own or an
// organization trail) that is logging. Single-region trails do not count: they miss regions enabled later.
import type { CheckDefinition } from '../../../src/collector.js';
import { evidenceOf, finding } from '../../../src/judging.js';
import { EVIDENCE, TRAIL_PARTS } from '../schema.js';
import type { AwsCloudTrailOptions, RegionEvidence } from '../schema.js';
import { listing, regionLabel, regionTrailLabel, regionTrails, trailLabel, unreadReason } from './trails.js';

export const multiRegionTrailLogging: CheckDefinition<AwsCloudTrailOptions> = {
  id: 'aws_cloudtrail_multiregion_trail_logging',
  title: 'Every region is recorded by a logging multi-region trail',
  severity: 'high',
  description:
    'Without a trail that is logging, API activity in a region leaves no audit record beyond the 90 days of event ' +
    'history. Fails for a configured region that no multi-region trail (own or organization) records while logging ' +
    '(GetTrailStatus IsLogging); a region recorded only by single-region trails fails too, since such trails miss ' +
    'regions enabled later.',
  remediation:
    'Create a multi-region trail (`aws cloudtrail create-trail --is-multi-region-trail ...`) or ask the management ' +
    'account for an organization trail, and start it with `aws cloudtrail start-logging --name <trail ARN>`; find ' +
    'out who stopped a stopped trail (CloudTrail event StopLogging).',
  resourceTypes: [EVIDENCE.region],
  evaluate(view) {
    return evidenceOf<RegionEvidence>(view, EVIDENCE.region).map((region) => {
      const where = regionLabel(region.data);
      const trails = regionTrails(view, region.data);
      const multiRegion = trails.filter((entry) => entry.trail?.multiRegion !== false);
      const logging = multiRegion.filter((entry) => entry.trail?.status?.isLogging === true);
      if (logging.length > 0) {
        const names = logging.map(regionTrailLabel);
        return finding(region, 'pass', `${where} is recorded by a logging multi-region trail: ${listing(names)}.`);
      }
      // Not concluded over a trail whose status (or whole document) could not be read.
      const unknown = multiRegion.filter((entry) => !entry.trail?.status);
      if (unknown.length > 0) {
        const unread = unknown.map(
          (entry) => `the logging status of ${regionTrailLabel(entry)} could not be read (${unreadReason(view, TRAIL_PARTS.status, entry)})`,
        );
        return finding(region, 'error', `${where} cannot be judged: ${listing(unread)}.`);
      }
      const gaps = trails.flatMap(({ trail }) => {
        if (!trail) return [];
        if (!trail.multiRegion) return [`${trailLabel(trail)} is single-region`];
        const stopped = trail.status?.stopLoggingTime;
        return [`${trailLabel(trail)} is not logging${stopped ? ` (stopped on ${stopped.slice(0, 10)})` : ''}`];
      });
      const detail = gaps.length > 0 ? `: ${gaps.join('; ')}` : ' (no trail records it)';
      return finding(region, 'fail', `${where} is recorded by no logging multi-region trail${detail}.`);
    });
  },
};
