// CIS AWS 3.2: log file integrity validation is on, so a deleted or altered log file can be detected.
import type { CheckDefinition } from '../../../src/collector.js';
import { evidenceOf, finding } from '../../../src/judging.js';
import { EVIDENCE } from '../schema.js';
import type { AwsCloudTrailOptions, TrailEvidence } from '../schema.js';
import { trailLabel } from './trails.js';

export const trailLogFileValidationEnabled: CheckDefinition<AwsCloudTrailOptions> = {
  id: 'aws_cloudtrail_trail_log_file_validation_enabled',
  title: 'Trails validate their log files',
  severity: 'medium',
  description:
    'With validation on, CloudTrail delivers signed hourly digest files, so anyone can prove a log file was not ' +
    'deleted or altered after delivery (`aws cloudtrail validate-logs`). Fails for each trail recording a ' +
    'configured region whose LogFileValidationEnabled is false.',
  remediation: "Turn it on: `aws cloudtrail update-trail --name <trail ARN> --enable-log-file-validation` (in the trail's home region, by its owning account).",
  // Regions too: a region whose trails could not be listed gets an `error` here, not silence.
  resourceTypes: [EVIDENCE.trail, EVIDENCE.region],
  evaluate(view) {
    return evidenceOf<TrailEvidence>(view, EVIDENCE.trail).map((trail) => {
      const name = trailLabel(trail.data);
      return trail.data.logFileValidationEnabled
        ? finding(trail, 'pass', `The ${name} has log file validation on.`)
        : finding(trail, 'fail', `The ${name} has log file validation off.`);
    });
  },
};
