// The options of a member account's run when aws-iam collects an AWS organisation: besides the collected
// accounts (withCollectedAccounts), every account the organisation lists and the organisation itself are
// the company's own, so a role that trusts the management account (OrganizationAccountAccessRole, as AWS
// makes it) or another member is not judged a third party's.
import { withCollectedAccounts } from '../_aws/discovery-run.js';
import type { DiscoveredOrganization } from '../_aws/discovery-run.js';
import type { AwsIamOptions } from './schema.js';

export function organizationMemberOptions(options: AwsIamOptions, organization: DiscoveredOrganization): AwsIamOptions {
  return {
    ...withCollectedAccounts(options, organization),
    trust: {
      ...options.trust,
      ownAccounts: [...new Set([...options.trust.ownAccounts, ...organization.accountIds])],
      organizationIds: [...new Set([...options.trust.organizationIds, organization.id])],
    },
  };
}
