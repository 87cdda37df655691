// The demo's aws-cloudtrail settings: the sandbox account in its two regions.
import { SANDBOX_ACCOUNT_ID } from '../../sandbox/estate-model.js';
import { awsCloudTrailOptionsSchema } from './schema.js';
import type { AwsCloudTrailOptions } from './schema.js';

export function demoCloudTrailOptions(): AwsCloudTrailOptions {
  return awsCloudTrailOptionsSchema.parse({
    accounts: [{ id: SANDBOX_ACCOUNT_ID, name: 'sandbox' }],
    regions: ['us-east-1', 'eu-west-1'],
  });
}
