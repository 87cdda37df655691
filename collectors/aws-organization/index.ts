// The aws-organization collector: the organisation seen from its management (or delegated administrator)
// account: roots, OUs and accounts, service control policies and where they are attached, the
// organisation trails, and IAM Identity Center (permission sets with their policies and session
// duration, account assignments, identity-store users, groups and memberships), judged by five checks;
// and the Identity Center / Organizations access changes read from CloudTrail event history.
import { defineCollector } from '../../src/collector.js';
import { accountScopes } from '../_aws/account.js';
import { identityCenterChangePopulation } from './access-changes.js';
import { awsOrganizationChecks } from './checks/index.js';
import { collectAwsOrganization } from './collect.js';
import { demoOrganizationOptions } from './demo.js';
import { awsOrganizationOptionsSchema } from './schema.js';
import type { AwsOrganizationOptions } from './schema.js';

/** What the management-account reader must be allowed; see README.md and config/aws-organization-policy.json. */
export const AWS_ORGANIZATION_PERMISSIONS = [
  'organizations:DescribeOrganization',
  'organizations:ListRoots',
  'organizations:ListOrganizationalUnitsForParent',
  'organizations:ListAccountsForParent',
  'organizations:ListPolicies',
  'organizations:DescribePolicy',
  'organizations:ListTargetsForPolicy',
  'sso:ListInstances',
  'sso:ListPermissionSets',
  'sso:DescribePermissionSet',
  'sso:ListManagedPoliciesInPermissionSet',
  'sso:ListCustomerManagedPolicyReferencesInPermissionSet',
  'sso:GetInlinePolicyForPermissionSet',
  'sso:ListAccountsForProvisionedPermissionSet',
  'sso:ListAccountAssignments',
  'identitystore:ListUsers',
  'identitystore:ListGroups',
  'identitystore:ListGroupMemberships',
  'cloudtrail:DescribeTrails',
  'cloudtrail:GetTrailStatus',
  'cloudtrail:LookupEvents',
];

export const awsOrganization = defineCollector<AwsOrganizationOptions>({
  id: 'aws-organization',
  title: 'AWS Organizations and IAM Identity Center',
  optionsSchema: awsOrganizationOptionsSchema,
  permissions: AWS_ORGANIZATION_PERMISSIONS,
  checks: awsOrganizationChecks,
  populations: [identityCenterChangePopulation],
  defaultSchedule: '30 3 * * *',
  // One stream per configured account: normally the management account alone.
  scopes: (options) => accountScopes(options.accounts),
  collect: collectAwsOrganization,
  demo: demoOrganizationOptions,
});
