// The demo's aws-organization settings: the sandbox's management account (its reader role), its platform
// admins' group approved for admin permission sets.
import { MANAGEMENT_ACCOUNT_ID, SANDBOX_EXTERNAL_ID, SANDBOX_MEMBER_ROLE } from '../../sandbox/index.js';
import { awsOrganizationOptionsSchema } from './schema.js';
import type { AwsOrganizationOptions } from './schema.js';

export function demoOrganizationOptions(): AwsOrganizationOptions {
  return awsOrganizationOptionsSchema.parse({
    accounts: [{ roleArn: `arn:aws:iam::${MANAGEMENT_ACCOUNT_ID}:role/${SANDBOX_MEMBER_ROLE}`, externalId: SANDBOX_EXTERNAL_ID, name: 'management' }],
    identityCenter: { adminGroups: ['PlatformAdmins'] },
  });
}
