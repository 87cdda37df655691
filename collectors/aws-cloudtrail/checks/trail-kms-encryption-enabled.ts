// CIS AWS 3.5: log files are encrypted with a KMS key (SSE-KMS), so reading them takes kms:Decrypt as
// well as s3:GetObject, and every decryption is itself logged.
import type { CheckDefinition } from '../../../src/collector.js';
import { evidenceOf, finding } from '../../../src/judging.js';
import { EVIDENCE } from '../schema.js';
import type { AwsCloudTrailOptions, TrailEvidence } from '../schema.js';
import { trailLabel } from './trails.js';

export const trailKmsEncryptionEnabled: CheckDefinition<AwsCloudTrailOptions> = {
  id: 'aws_cloudtrail_trail_kms_encryption_enabled',
  title: 'Trails encrypt their log files with KMS',
  severity: 'medium',
  description:
    'Audit logs reveal the estate and its users. With SSE-KMS, access to the bucket alone does not expose them, ' +
    'and the key policy separates who may read logs from who may manage the bucket. Fails for each trail recording ' +
    'a configured region that has no KmsKeyId (SSE-S3 only).',
  remediation:
    'Create a customer-managed KMS key whose policy lets cloudtrail.amazonaws.com encrypt, then `aws cloudtrail update-trail --name <trail ARN> --kms-key-id <key ARN>`.',
  // Regions too: a region whose trails could not be listed gets an `error` here, not silence.
  resourceTypes: [EVIDENCE.trail, EVIDENCE.region],
  evaluate(view) {
    return evidenceOf<TrailEvidence>(view, EVIDENCE.trail).map((trail) => {
      const name = trailLabel(trail.data);
      const key = trail.data.kmsKeyId;
      return key
        ? finding(trail, 'pass', `The ${name} encrypts its log files with KMS key ${key}.`)
        : finding(trail, 'fail', `The ${name} does not encrypt its log files with a KMS key (SSE-S3 only).`);
    });
  },
};
