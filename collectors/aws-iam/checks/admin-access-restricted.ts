// Administrator access is held only by principals named in adminAllowList.
import type { CheckDefinition, EvidenceView, FindingDraft } from '../../../src/collector.js';
import { EVIDENCE, resourceIds } from '../schema.js';
import type { AwsIamOptions } from '../schema.js';
import { finding } from './judging.js';
import { adminHolders, globMatcher } from './policy-analysis.js';

/** Evidence that names the account, to find its id when nobody holds admin. */
const ACCOUNT_EVIDENCE = [EVIDENCE.user, EVIDENCE.role, EVIDENCE.group, EVIDENCE.policy, EVIDENCE.accountSummary];

export const adminAccessRestricted: CheckDefinition<AwsIamOptions> = {
  id: 'aws_iam_admin_access_restricted',
  title: 'Administrator access is limited to approved principals',
  severity: 'high',
  description:
    'Every principal with full admin can undo every other control. Lists the users, groups and roles holding AdministratorAccess or any "*" on "*" policy (attached, inline, or for users through a group): each passes when its ARN matches an adminAllowList glob and fails otherwise. With no admin holder at all, one pass finding is recorded for the account (on its account-summary resource id).',
  remediation:
    'Remove admin policies from principals that do not need them (use job-function policies), or, when the access is approved, add the principal ARN to adminAllowList with the approval on record.',
  resourceTypes: [EVIDENCE.user, EVIDENCE.group, EVIDENCE.role, EVIDENCE.policy],
  evaluate(view, options) {
    const allowed = globMatcher(options.adminAllowList);
    const holders = adminHolders(view);
    const findings: FindingDraft[] = holders.map((holder) => {
      const holds = `${holder.label} holds administrator access (${holder.via.join('; ')})`;
      return allowed(holder.resourceId)
        ? finding(holder, 'pass', `${holds} and is on the admin allow list.`)
        : finding(holder, 'fail', `${holds} but is not on the admin allow list.`);
    });
    const accountsWithAdmins = new Set(holders.map((holder) => holder.accountId));
    for (const accountId of accountsIn(view)) {
      if (accountsWithAdmins.has(accountId)) continue;
      findings.push(
        finding(
          { resourceType: EVIDENCE.accountSummary, resourceId: resourceIds.accountSummary(accountId) },
          'pass',
          `No user, group or role of account ${accountId} holds administrator access.`,
        ),
      );
    }
    return findings;
  },
};

function accountsIn(view: EvidenceView): string[] {
  const ids = ACCOUNT_EVIDENCE.flatMap((type) =>
    view.all(type).map((item) => (item.data as { accountId?: unknown }).accountId),
  ).filter((id): id is string => typeof id === 'string' && id !== '');
  return [...new Set(ids)].sort();
}
