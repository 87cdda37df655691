// Delivery keeps working: a trail that logs but cannot write to its bucket or log group loses the
// record it exists for. CloudTrail reports only the latest error of each destination, without a time,
// so an error counts as current unless that destination received a delivery within the window.
import type { CheckDefinition } from '../../../src/collector.js';
import { evidenceOf, finding } from '../../../src/judging.js';
import { EVIDENCE, TRAIL_PARTS } from '../schema.js';
import type { AwsCloudTrailOptions, DeliveryEvidence, TrailEvidence } from '../schema.js';
import { listing, partReason, trailLabel } from './trails.js';

export const trailDeliveryErrorsAbsent: CheckDefinition<AwsCloudTrailOptions> = {
  id: 'aws_cloudtrail_trail_delivery_errors_absent',
  title: 'Trails deliver without errors',
  severity: 'high',
  description:
    'A bucket policy, KMS key policy or log-group role that stops CloudTrail writing silently loses audit records ' +
    '(CloudTrail retries for 30 days at most). Fails for each logging trail where a destination (S3 log files, S3 ' +
    'digest files when validation is on, CloudWatch Logs when configured) reports a delivery error and received no ' +
    'delivery within the window before the collection (thresholds.deliveryErrorLookbackHours for S3, ' +
    'thresholds.cloudWatchDeliveryMaxAgeHours for CloudWatch Logs). A trail that is not logging delivers nothing: ' +
    'not applicable.',
  remediation:
    'Fix what the error names: the bucket policy must let cloudtrail.amazonaws.com PutObject (with the ' +
    'aws:SourceArn of the trail), the KMS key policy must let CloudTrail GenerateDataKey, the CloudWatch Logs role ' +
    'must be assumable by CloudTrail and allowed logs:PutLogEvents.',
  // A status that could not be read is judged here, with its reason (the trail's configuration was read).
  // Regions too: a region whose trails could not be listed gets an `error` here, not silence.
  resourceTypes: [EVIDENCE.trail, EVIDENCE.region],
  evaluate(view) {
    return evidenceOf<TrailEvidence>(view, EVIDENCE.trail).map((trail) => {
      const name = trailLabel(trail.data);
      const status = trail.data.status;
      if (!status) {
        const reason = partReason(view, TRAIL_PARTS.status, trail.resourceId);
        return finding(trail, 'error', `The delivery status of the ${name} could not be read (${reason}).`);
      }
      if (!status.isLogging) return finding(trail, 'not_applicable', `The ${name} is not logging, so it delivers nothing.`);
      const destinations: [string, DeliveryEvidence | null][] = [
        ['S3 log files', status.s3],
        ['S3 digest files', status.digest],
        ['CloudWatch Logs', status.cloudWatchLogs],
      ];
      const failing: string[] = [];
      const recovered: string[] = [];
      for (const [what, delivery] of destinations) {
        if (!delivery?.latestError) continue;
        const error = `${what} (${delivery.latestError})`;
        if (delivery.lastDelivery === 'within') recovered.push(error);
        else {
          const since = delivery.lastDelivery === 'never' ? 'never delivered' : `last delivered on ${delivery.lastDeliveryDay}`;
          failing.push(`${error}, ${since}, not within the ${delivery.windowHours} hours before the collection`);
        }
      }
      if (failing.length > 0) {
        return finding(trail, 'fail', `The ${name} reports delivery errors: ${failing.join('; ')}.`);
      }
      // A logging trail that has never put a log file in S3 has failed silently, error or not.
      if (status.s3?.lastDelivery === 'never') {
        return finding(trail, 'fail', `The ${name} is logging but has never delivered a log file to S3.`);
      }
      if (recovered.length > 0) {
        const note = `received a delivery within the window before the collection, though it still reports a latest error for ${listing(recovered)}`;
        return finding(trail, 'pass', `The ${name} ${note}.`);
      }
      return finding(trail, 'pass', `The ${name} reports no delivery errors.`);
    });
  },
};
