// The aws-cloudtrail collector: the trails recording each configured region of each configured AWS
// account (configuration, status, event selectors), judged by six CIS-derived checks; the metric
// filters and alarms watching each multi-region trail's log group, judged by five CIS 4.x checks; and
// the population of security events (LookupEvents, incremental per region), judged by three more, from
// which the access-change population is derived.
import { defineCollector } from '../../src/collector.js';
import { preflightAwsCloudTrail } from './preflight.js';
import { accountScopes } from '../_aws/account.js';
import { collectOrganization, organizationAccountsPopulation } from '../_aws/discovery-run.js';
import { ORGANIZATION_SCOPE, organizationScopes } from '../_aws/organization.js';
import { accessChangePopulation } from './access-changes.js';
import { awsCloudTrailChecks } from './checks/index.js';
import { collectAwsCloudTrail } from './collect.js';
import { demoCloudTrailOptions } from './demo.js';
import { awsCloudTrailOptionsSchema } from './schema.js';
import type { AwsCloudTrailOptions } from './schema.js';

/** What the role or user the agent runs as must be allowed; see README.md and config/aws-cloudtrail-policy.json. */
export const AWS_CLOUDTRAIL_PERMISSIONS = [
  'cloudtrail:DescribeTrails',
  'cloudtrail:GetTrailStatus',
  'cloudtrail:GetEventSelectors',
  'cloudtrail:LookupEvents',
  'account:ListRegions',
  'logs:DescribeMetricFilters',
  'cloudwatch:DescribeAlarmsForMetric',
  'sns:ListSubscriptionsByTopic',
];

export const awsCloudTrail = defineCollector<AwsCloudTrailOptions>({
  id: 'aws-cloudtrail',
  title: 'AWS CloudTrail',
  optionsSchema: awsCloudTrailOptionsSchema,
  permissions: AWS_CLOUDTRAIL_PERMISSIONS,
  checks: awsCloudTrailChecks,
  populations: [accessChangePopulation, organizationAccountsPopulation('aws-org-accounts-cloudtrail', false)],
  // Hourly: a few calls per account, and a trail stopped and restarted within a day is more likely seen.
  defaultSchedule: '0 * * * *',
  // One stream per account; an entry without id or roleArn is the default chain's account ('default').
  // With organization: a discovery run in the management account, which hands the runner one scope per account.
  scopes: (options) => (options.organization ? organizationScopes(options.organization) : accountScopes(options.accounts)),
  collect: (ctx) => (ctx.scope.key === ORGANIZATION_SCOPE && ctx.options.organization ? collectOrganization(ctx, 'aws-cloudtrail') : collectAwsCloudTrail(ctx)),
  demo: demoCloudTrailOptions,
  preflight: preflightAwsCloudTrail,
});
