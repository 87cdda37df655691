// The demo's aws-iam settings: the sandbox account, an allow-list of its two platform admins, its
// organization, its two regions.
import { MANAGEMENT_ACCOUNT_ID, SANDBOX_ACCOUNT_ID } from '../../sandbox/estate-model.js';
import { awsIamOptionsSchema } from './schema.js';
import type { AwsIamOptions } from './schema.js';

export function demoAwsIamOptions(): AwsIamOptions {
  return awsIamOptionsSchema.parse({
    accounts: [{ id: SANDBOX_ACCOUNT_ID, name: 'sandbox' }],
    adminAllowList: [
      'arn:aws:iam::*:role/OrganizationAccountAccessRole',
      'arn:aws:iam::*:group/Admins',
      'arn:aws:iam::*:user/alice.nguyen',
      'arn:aws:iam::*:user/bob.martin',
    ],
    credentialReport: { pollIntervalMs: 5, maxWaitSeconds: 30 },
    // The management account is the company's own; the monitoring vendor's account is not.
    trust: { ownAccounts: [MANAGEMENT_ACCOUNT_ID] },
    accessAnalyzer: { regions: ['us-east-1', 'eu-west-1'] },
  });
}
