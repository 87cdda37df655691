// Every member account's API activity is recorded by a logging, multi-region organisation trail: one trail
// of the management account that covers every account of the organisation, those that join later included.
import type { CheckDefinition, FindingDraft } from '../../../src/collector.js';
import { evidenceOf, finding } from '../../../src/judging.js';
import { EVIDENCE } from '../schema.js';
import type { AccountEvidence, AwsOrganizationOptions, OrganizationTrailEvidence } from '../schema.js';

export const organizationsTrailCoversAccounts: CheckDefinition<AwsOrganizationOptions> = {
  id: 'aws_organization_trail_covers_accounts',
  title: 'Every member account is covered by a logging organization trail',
  severity: 'high',
  description:
    'An organisation trail records the API activity of every account of the organisation, in every region when it is multi-region, to a bucket the member accounts cannot change. Each active account (the management account included) passes when a multi-region organisation trail is logging (DescribeTrails and GetTrailStatus in the management account), and fails when none is; error when the trails or their status could not be read; not applicable to suspended or closed accounts, and to all when organizationTrail is false in the config.',
  remediation:
    'Create a trail in the management account with "Enable for all accounts in my organization" and "multi-region" on (aws cloudtrail create-trail --is-organization-trail --is-multi-region-trail), and start logging.',
  resourceTypes: [EVIDENCE.trail, EVIDENCE.account],
  evaluate(view, options) {
    const accounts = evidenceOf<AccountEvidence>(view, EVIDENCE.account);
    const unread = view.errors(EVIDENCE.trail).length > 0;
    const trails = evidenceOf<OrganizationTrailEvidence>(view, EVIDENCE.trail).map((trail) => trail.data);
    const covering = trails.filter((trail) => trail.multiRegion && trail.isLogging === true);
    const unknown = trails.filter((trail) => trail.multiRegion && trail.isLogging === null);
    const findings: FindingDraft[] = [];
    for (const account of accounts) {
      const { accountId, name, status } = account.data;
      const label = `Account ${accountId} (${name})`;
      if (!options.organizationTrail)
        findings.push(finding(account, 'not_applicable', `${label}: organisation trails are not read (organizationTrail is false in the config).`));
      else if (status !== 'ACTIVE') findings.push(finding(account, 'not_applicable', `${label} is ${status}, not active.`));
      else if (covering.length > 0) {
        findings.push(
          finding(account, 'pass', `${label} is covered by the organisation trail ${covering.map((t) => t.arn).join(', ')} (multi-region, logging).`),
        );
      } else if (unread || unknown.length > 0) {
        const why = unread ? 'the organisation trails could not be read' : `the status of ${unknown.map((t) => t.arn).join(', ')} could not be read`;
        findings.push(finding(account, 'error', `Whether ${label} is covered by a logging organisation trail cannot be determined: ${why}.`));
      } else {
        const seen =
          trails.length === 0
            ? 'the organisation has no organisation trail'
            : `no multi-region organisation trail is logging (${trails.map((t) => `${t.name}: ${t.multiRegion ? '' : 'single-region, '}${t.isLogging ? 'logging' : 'not logging'}`).join('; ')})`;
        findings.push(finding(account, 'fail', `${label} is not covered by an organisation trail: ${seen}.`));
      }
    }
    return findings;
  },
};
