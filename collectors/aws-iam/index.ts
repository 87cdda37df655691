// The aws-iam collector: IAM users, groups, roles, policies, credentials and account settings of each
// configured AWS account, judged by twelve CIS-derived checks, two role trust checks, and whether IAM
// Access Analyzer covers every region (its active findings kept as evidence).
import { defineCollector } from '../../src/collector.js';
import { preflightAwsIam } from './preflight.js';
import { accountScopes } from '../_aws/account.js';
import { collectOrganization, organizationAccountsPopulation } from '../_aws/discovery-run.js';
import { ORGANIZATION_SCOPE, organizationScopes } from '../_aws/organization.js';
import { organizationMemberOptions } from './organization-trust.js';
import { awsIamChecks } from './checks/index.js';
import { collectAwsIam } from './collect.js';
import { demoAwsIamOptions } from './demo.js';
import { awsIamOptionsSchema, EVIDENCE } from './schema.js';
import type { AwsIamOptions } from './schema.js';

/** What the role or user the agent runs as must be allowed; see README.md and config/aws-iam-policy.json. */
export const AWS_IAM_PERMISSIONS = [
  'iam:GenerateCredentialReport',
  'iam:GetCredentialReport',
  'iam:GetAccountAuthorizationDetails',
  'iam:GetAccountPasswordPolicy',
  'iam:GetAccountSummary',
  'iam:ListVirtualMFADevices',
  'access-analyzer:ListAnalyzers',
  'access-analyzer:ListFindings',
  'account:ListRegions',
];

export const awsIam = defineCollector<AwsIamOptions>({
  id: 'aws-iam',
  title: 'AWS IAM',
  optionsSchema: awsIamOptionsSchema,
  permissions: AWS_IAM_PERMISSIONS,
  checks: awsIamChecks,
  populations: [organizationAccountsPopulation('aws-org-accounts', true)],
  defaultSchedule: '0 3 * * *',
  // One stream per account; an entry without id or roleArn is the default chain's account ('default').
  // With organization: a discovery run in the management account, which hands the runner one scope per account.
  scopes: (options) => (options.organization ? organizationScopes(options.organization) : accountScopes(options.accounts)),
  collect: (ctx) =>
    ctx.scope.key === ORGANIZATION_SCOPE && ctx.options.organization ? collectOrganization(ctx, 'aws-iam', organizationMemberOptions) : collectAwsIam(ctx),
  principalTypes: [EVIDENCE.user, EVIDENCE.role, EVIDENCE.group],
  demo: demoAwsIamOptions,
  preflight: preflightAwsIam,
});
