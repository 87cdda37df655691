// CIS AWS 3.4 (v1.x) and the section-4 alarms: a trail sends its events to CloudWatch Logs and they
// arrive, so metric filters and alarms can watch them in near real time.
import type { CheckDefinition } from '../../../src/collector.js';
import { evidenceOf, finding } from '../../../src/judging.js';
import { EVIDENCE, TRAIL_PARTS } from '../schema.js';
import type { AwsCloudTrailOptions, TrailEvidence } from '../schema.js';
import { partReason, trailLabel } from './trails.js';

export const trailCloudWatchLogsDelivering: CheckDefinition<AwsCloudTrailOptions> = {
  id: 'aws_cloudtrail_trail_cloudwatch_logs_delivering',
  title: 'Trails deliver to CloudWatch Logs',
  severity: 'medium',
  description:
    'Events in S3 are read after the fact; in CloudWatch Logs, metric filters and alarms act on them within ' +
    'minutes. Fails for each trail recording a configured region that has no CloudWatch Logs log group, or whose ' +
    'last delivery there (GetTrailStatus LatestCloudWatchLogsDeliveryTime) was not within ' +
    'thresholds.cloudWatchDeliveryMaxAgeHours hours before the collection.',
  remediation:
    'Create a log group and a role CloudTrail can assume to write to it, then `aws cloudtrail update-trail --name ' +
    '<trail ARN> --cloud-watch-logs-log-group-arn <arn> --cloud-watch-logs-role-arn <arn>`; if it stopped ' +
    "delivering, check the role's trust and permissions (LatestCloudWatchLogsDeliveryError).",
  // A status that could not be read is judged here, not by the runner: with no log group the check
  // fails on the configuration alone, whatever the status.
  // Regions too: a region whose trails could not be listed gets an `error` here, not silence.
  resourceTypes: [EVIDENCE.trail, EVIDENCE.region],
  evaluate(view) {
    return evidenceOf<TrailEvidence>(view, EVIDENCE.trail).map((trail) => {
      const name = trailLabel(trail.data);
      const logGroup = trail.data.cloudWatchLogsLogGroupArn;
      if (!logGroup) return finding(trail, 'fail', `The ${name} does not send its events to CloudWatch Logs.`);
      const delivery = trail.data.status?.cloudWatchLogs;
      if (!delivery) {
        const reason = partReason(view, TRAIL_PARTS.status, trail.resourceId);
        return finding(trail, 'error', `The delivery status of the ${name} could not be read (${reason}).`);
      }
      if (trail.data.status?.isLogging === false) {
        return finding(trail, 'fail', `The ${name} is not logging, so nothing reaches CloudWatch Logs log group ${logGroup}.`);
      }
      const window = `${delivery.windowHours} hours before the collection`;
      const error = delivery.latestError ? ` (latest error: ${delivery.latestError})` : '';
      switch (delivery.lastDelivery) {
        case 'within':
          return finding(trail, 'pass', `The ${name} delivered to CloudWatch Logs log group ${logGroup} within the ${window}.`);
        case 'before':
          return finding(
            trail,
            'fail',
            `The ${name} last delivered to CloudWatch Logs log group ${logGroup} on ${delivery.lastDeliveryDay}, not within the ${window}${error}.`,
          );
        case 'never':
          return finding(trail, 'fail', `The ${name} has never delivered to CloudWatch Logs log group ${logGroup}${error}.`);
      }
    });
  },
};
